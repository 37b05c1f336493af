"""File uploads, and secrets kept out of every log line and error of a real session."""

from __future__ import annotations

import logging

import pytest

from owui_notebook.client import AuthenticationError, NotFoundError, OpenWebUI


def test_upload_read_and_delete_a_file(client, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("owui-notebook uploads this for retrieval.\n")
    record = client.files.upload(path)
    assert record.id and record.filename == "notes.txt"
    assert client.files.get(record.id).id == record.id
    assert client.files.content(record.id) == path.read_bytes()
    assert record.id in {f.id for f in client.files.list()}
    from_bytes = client.files.upload(b"<html>not parsed as data</html>", filename="page.html")
    assert client.files.content(from_bytes.id).startswith(b"<html>")
    assert client.files.delete(record.id) and client.files.delete(from_bytes.id)
    with pytest.raises(NotFoundError):
        client.files.get(record.id)


def test_no_secret_in_any_log_line_or_error(owui_sandbox, caplog):
    secrets = [owui_sandbox.api_key, owui_sandbox.jwt, owui_sandbox.admin_password]
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at DEBUG
    texts = []
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as client:
        chat = client.chat("alpha")
        chat.send("hello")
        texts += [repr(client), repr(chat), repr(client.settings), repr(chat.record)]
        for call in (lambda: client.chats.get("missing"), lambda: client.chat("nope").send("x")):
            with pytest.raises(Exception) as info:
                call()
            texts += [str(info.value), repr(info.value)]
    with OpenWebUI(owui_sandbox.url) as anonymous:
        user = anonymous.signin(owui_sandbox.admin_email, owui_sandbox.admin_password)
        texts += [repr(user), repr(anonymous)]
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key + "x") as wrong:
        with pytest.raises(AuthenticationError) as info:
            wrong.models.list()
        texts.append(str(info.value))
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # logging was on
    everything = "\n".join([*texts, caplog.text])
    for secret in secrets:
        assert secret not in everything
