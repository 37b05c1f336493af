"""Malformed server replies, sent by the fault proxy to ``%%owui chat`` in an IPython shell.

Truncated JSON, wrong types, a huge field, unknown event types: each cell ends with a
result or one red line, the shell lives on, and the next cell works in the same chat.
(The same shapes, and any others, are fuzzed below the magic in test_fuzz.py.)
"""

from __future__ import annotations

import json

import pytest
from IPython.core.error import UsageError

from owui_notebook.client import validate_history

COMPLETIONS = "/api/chat/completions"
SSE = "text/event-stream"


def sse(*events: object) -> str:
    out = []
    for event in events:
        if isinstance(event, str) and event.startswith(("event:", ":", "id:")):
            out.append(event + "\n")
        else:
            data = event if isinstance(event, str) else json.dumps(event)
            out.append(f"data: {data}\n\n")
    return "".join(out)


def delta(text: object) -> dict:
    return {"choices": [{"delta": {"content": text}, "finish_reason": None}]}


@pytest.fixture
def via_proxy(shell, proxy, owui_sandbox, monkeypatch):
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    run = shell.run(f"%owui connect {proxy.url}")
    assert run.error is None, run.stderr
    return shell


def next_cell_works(shell, client) -> None:
    run = shell.run("%%owui chat -m alpha\nStill there?")
    assert run.error is None, run.stderr
    result = shell.ns["_owui"]
    assert result.content.startswith("alpha says:") and result.chat_id
    assert validate_history(client.chats.get(result.chat_id)) == []


REPLIES = {
    "wrong types and unknown events are skipped": (
        sse(
            "event: status",
            {"status": "thinking"},
            {"sources": [{"x": 1}]},
            delta(5),
            delta(None),
            {"choices": "nope"},
            delta("Hello"),
            [1, 2],
            delta(" world"),
            {"usage": "many"},
            "[DONE]",
        ),
        "Hello world",
    ),
    "a huge field": (sse(delta("x" * 2_000_000), "[DONE]"), "x" * 2_000_000),
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_odd_streams_give_their_text(via_proxy, proxy, client, name):
    body, text = REPLIES[name]
    proxy.reply(body, content_type=SSE, path=COMPLETIONS)
    run = via_proxy.run("%%owui chat --new -m alpha\nsay it")
    assert run.error is None, run.stderr
    result = via_proxy.ns["_owui"]
    assert result.content == text
    assert client.chats.get(result.chat_id).messages[result.message_id]["content"] == text
    next_cell_works(via_proxy, client)


MALFORMED = {
    "truncated JSON in the stream": (
        COMPLETIONS,
        SSE,
        sse(delta("Hel")) + 'data: {"choices": [{"delta": {"cont',
        "in the middle of an event",  # the body ends inside an event: a cut, kept as such
    ),
    "an error event": (COMPLETIONS, SSE, sse({"error": {"message": "GPU melted"}}), "GPU melted"),
    "HTML instead of a stream": (COMPLETIONS, "text/html", "<html>login</html>", "web page"),
    # What 0.7.2 answers when its own handling of the request fails: no model ran.
    "null instead of an answer": (COMPLETIONS, "application/json", "null", "gave no answer"),
    "a truncated saved chat": (
        "/api/v1/chats/new",
        "application/json",
        '{"id": "x", "chat": {"hist',
        "malformed JSON",
    ),
    "a saved chat of the wrong type": (
        "/api/v1/chats/new",
        "application/json",
        '["not", "a", "chat"]',
        "malformed ChatRecord",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_replies_are_one_red_line(via_proxy, proxy, client, name):
    path, content_type, body, words = MALFORMED[name]
    proxy.reply(body, content_type=content_type, path=path)
    run = via_proxy.run("%%owui chat --new -m alpha\nsay it")
    assert isinstance(run.error, UsageError), run.error
    assert words in str(run.error) and "\n" not in str(run.error)
    assert "Traceback" not in run.everything()
    next_cell_works(via_proxy, client)
