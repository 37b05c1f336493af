"""Secrets: the suite-wide scan works, and ``%owui connect`` never shows or takes a key inline.

The scan itself (owui_notebook.testing.secret_scan, loaded by tests/conftest.py) watches
every test of the session; these tests check that it sees what it must see.
"""

from __future__ import annotations

import logging
import re

import pytest
from IPython.core.error import UsageError

from owui_notebook.client import OpenWebUI, OpenWebUIError
from owui_notebook.magics.options import parse
from owui_notebook.testing import secret_scan


def take_findings() -> list[str]:
    with secret_scan._LOCK:
        found = list(secret_scan._FINDINGS)
        secret_scan._FINDINGS.clear()
    return found


def test_the_scan_sees_a_key_in_a_log_line_and_a_widget(owui_sandbox):
    import ipywidgets

    take_findings()
    # A logger that does not propagate, so that the deliberate leak stays out of this
    # test's own captured log (which the scan reads too); the scan's root handler is added.
    logger = logging.getLogger("owui_notebook.selftest")
    logger.propagate = False
    logger.addHandler(
        next(h for h in logging.getLogger().handlers if type(h).__name__ == "_ScanHandler")
    )
    logger.debug("leak %s", owui_sandbox.api_key)
    assert take_findings() == ["log line of owui_notebook.selftest"]
    ipywidgets.HTML().value = owui_sandbox.api_key
    assert take_findings() == ["HTML widget state"]
    secret_scan.scan({"outputs": [owui_sandbox.jwt]}, "a notebook")
    assert take_findings() == ["a notebook"]


def test_client_errors_never_carry_the_key(owui_sandbox):
    take_findings()
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key):  # a client registers its key
        error = OpenWebUIError(f"something with {owui_sandbox.api_key} in it")
    assert owui_sandbox.api_key not in str(error) and "***" in str(error)
    with (
        OpenWebUI(owui_sandbox.url, owui_sandbox.api_key + "x") as client,
        pytest.raises(OpenWebUIError) as info,
    ):
        client.models.list()  # a wrong key: the error must not show it either
    assert owui_sandbox.api_key not in str(info.value)
    assert take_findings() == []


def test_connect_refuses_a_key_on_the_line_without_echoing_it(owui_sandbox):
    with pytest.raises(UsageError) as info:
        parse("connect", f"{owui_sandbox.url} {owui_sandbox.api_key}")
    assert owui_sandbox.api_key not in str(info.value)
    assert "hidden prompt" in str(info.value)
    assert parse("connect", f"{owui_sandbox.url} --key-env MY_KEY").key_env == "MY_KEY"


JWT_SHAPE = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {self.format(record)}")


@pytest.fixture
def debug_everywhere():
    """Every logger a request passes through at DEBUG, as ``logging.basicConfig(level=DEBUG)``
    gives; a handler on the root keeps each formatted line (tracebacks included)."""
    keep = _Keep()
    root = logging.getLogger()
    before = root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    names = ("httpx", "httpcore", "httpcore.http11", "httpcore.connection", "owui_notebook")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield keep
    finally:
        root.removeHandler(keep)
        root.setLevel(before)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_debug_logs_of_every_transport_layer_never_show_a_token(owui_sandbox_any, debug_everywhere):
    """httpcore logs each response's headers at DEBUG: the server's ``set-cookie: token=<JWT>``
    after a sign-in or a JWT-authenticated call must come out redacted, in every logger."""
    owui_sandbox = owui_sandbox_any
    take_findings()
    with OpenWebUI(owui_sandbox.url, owui_sandbox.jwt) as client:
        assert client.me().email == owui_sandbox.admin_email
    with OpenWebUI(owui_sandbox.url) as fresh:
        fresh_token = fresh.signin(owui_sandbox.admin_email, owui_sandbox.admin_password).token
        fresh.me()
    lines = debug_everywhere.lines
    assert any(line.startswith("httpcore.http11") for line in lines)  # DEBUG really on
    assert any("set-cookie" in line.lower() for line in lines)  # the headers were logged
    leaked = [line for line in lines if JWT_SHAPE.search(line) or (fresh_token or "") in line]
    assert leaked == []
    assert take_findings() == []
