"""In a real Jupyter kernel: a saved prompt cannot pull the notebook's history into a request,
and a key typed on the connect line never comes back in any output."""

from __future__ import annotations

import contextlib
import json
import uuid

import pytest

from owui_notebook.client import NotFoundError
from tests.helpers.kernel import kernel, kernel_env, run


@pytest.fixture
def kc(owui_sandbox):
    """A kernel with the extension loaded and the test server in its environment."""
    with kernel(kernel_env(owui_sandbox)) as (_, kc):
        assert run(kc, "%load_ext owui_notebook")["status"] == "ok"
        yield kc


@pytest.mark.timeout(240)
def test_a_saved_prompt_cannot_send_the_notebooks_history(kc, client, provider):
    command = f"advexfil-{uuid.uuid4().hex[:6]}"
    client.prompts.create(command, "Write about {{topic}} {{In}} {{_oh}}")
    try:
        assert run(kc, "password = 'hunter2-in-the-history'")["status"] == "ok"
        assert run(kc, "topic = 'tides'\n'some output'")["status"] == "ok"
        reply = run(kc, f"%%owui chat --new -m alpha\n/{command}")
        assert reply["status"] == "error" and reply["ename"] == "UsageError"
        assert f"/{command} asks for {{{{In}}}}" in reply["evalue"]
        assert "hunter2" not in reply["outputs"]
        assert provider.requests == []
        # The same prompt without the history runs, and says what it took.
        client.prompts.update(command, content="Write about {{topic}}")
        reply = run(kc, f"%%owui chat --new -m alpha\n/{command}")
        assert reply["status"] == "ok", reply.get("evalue")
        assert f"/{command} took from the notebook: topic = 'tides'" in reply["outputs"]
        sent = json.dumps(provider.requests)
        assert "Write about tides" in sent and "hunter2" not in sent
    finally:
        with contextlib.suppress(NotFoundError):
            client.prompts.delete(command)


@pytest.mark.timeout(240)
def test_a_key_on_the_connect_line_is_never_echoed(kc, owui_sandbox):
    key = "sk-" + uuid.uuid4().hex
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6" + uuid.uuid4().hex + ".c2lnbmF0dXJl"
    cells = [
        f"%owui connect {key}",
        f"%owui connect {key.upper()}",
        f"%owui connect {owui_sandbox.url} --key {key}",
        f"%owui connect {owui_sandbox.url} --key-env {key}",
        f"%owui connect {owui_sandbox.url} --key={key}",
        f"%owui connect {owui_sandbox.url} {key}",
        f"%owui connect {jwt}",
        f"%owui connect {owui_sandbox.url} --key-env {jwt}",
        f"%owui use {key}",
        f"%owui {key}",
    ]
    for cell in cells:
        reply = run(kc, cell)
        assert reply["status"] == "error", cell
        text = reply["outputs"] + json.dumps(reply)
        for secret in (key, key.lower(), key.upper(), key[3:], jwt):
            assert secret not in text, cell
        assert "Traceback" not in reply["outputs"], cell
    # An unset variable named on --key-env is still named back: it is a name, not a key.
    reply = run(kc, f"%owui connect {owui_sandbox.url} --key-env NO_SUCH_KEY_VAR")
    assert "$NO_SUCH_KEY_VAR is not set" in reply["evalue"]


@pytest.mark.timeout(240)
def test_options_are_never_abbreviated(kc, owui_sandbox):
    reply = run(kc, f"%owui connect {owui_sandbox.url} --key-e OWUI_API_KEY")
    assert reply["status"] == "error" and "--key-env VAR only" in reply["evalue"]
    reply = run(kc, "%%owui chat --new -m alpha --sys Pirate\nhello")
    assert reply["status"] == "error" and "unrecognized arguments: --sys" in reply["evalue"]
