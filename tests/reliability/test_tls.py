"""TLS: verification is on by default, a private CA is one option away, and a key sent over
plain http to another host is warned about.

An https fault proxy with a certificate of a throwaway CA (made by the ``openssl`` command)
sits in front of the real server.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import warnings

import pytest

from owui_notebook.client import ConfigurationError, ConnectError, OpenWebUI
from owui_notebook.testing.fault_proxy import FaultProxy


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (it is its own CA): (cert path, key path)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=owui-notebook test CA"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_proxy(owui_sandbox, private_ca):
    cert, key = private_ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with FaultProxy(owui_sandbox.url, tls=context) as proxy:
        yield proxy


def test_an_unknown_certificate_is_refused_with_a_clear_line(owui_sandbox, https_proxy):
    with (
        OpenWebUI(https_proxy.url, owui_sandbox.api_key, max_retries=0) as client,
        pytest.raises(ConnectError) as info,
    ):
        client.models.list()
    text = str(info.value)
    assert "could not be verified" in text and "self-signed" in text
    assert "OWUI_CA_BUNDLE" in text and "\n" not in text
    assert https_proxy.log == []  # nothing was sent: the handshake failed first


def test_a_ca_bundle_by_option_or_environment(owui_sandbox, https_proxy, private_ca, monkeypatch):
    cert, _key = private_ca
    with OpenWebUI(https_proxy.url, owui_sandbox.api_key, verify=str(cert)) as client:
        assert "alpha" in {m.id for m in client.models.list()}
    monkeypatch.setenv("OWUI_CA_BUNDLE", str(cert))
    with OpenWebUI(https_proxy.url, owui_sandbox.api_key) as client:
        chat = client.chat("alpha")
        assert chat.send("over TLS").content.startswith("alpha says: turn 1.")
    assert [e.fault for e in https_proxy.log] and all(e.status for e in https_proxy.log)


def test_a_missing_ca_bundle_is_a_configuration_error(owui_sandbox, tmp_path):
    with pytest.raises(ConfigurationError, match=r"CA bundle .* not found"):
        OpenWebUI(owui_sandbox.url, "sk-x", verify=str(tmp_path / "nope.pem"))
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="PEM"):
        OpenWebUI("https://owui.example", "sk-x", verify=str(bad))


def test_plain_http_to_another_host_warns_without_the_key():
    key = "sk-plain-http-secret-0123456789"
    with pytest.warns(UserWarning, match="plain http to owui.example") as caught:
        OpenWebUI("http://owui.example:8080", key).close()
    assert all(key not in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for local in ("http://localhost:8080", "http://127.0.0.1:8080", "https://owui.example"):
            OpenWebUI(local, key).close()
