"""Streams that end cleanly but too early, in every way HTTP allows, and streams that end normally.

A proxy's read timeout, a load balancer or a restart behind a proxy can end the body of an
answer with a proper chunked terminator, a plain close, or a satisfied Content-Length after a
few events: no transport error at all. The answer is then partial and must be handled as a
reset is (kept, marked, the error said), in every path: chat, stream, send_many, the magic,
the ComparePanel and the task runner. The normal ends of every release line (provider streams
relayed, pipe functions of each shape) must never be marked. Every test runs on every release
line under test.
"""

from __future__ import annotations

import html
import uuid

import httpx
import pytest

from owui_notebook.client import (
    AsyncOpenWebUI,
    OpenWebUI,
    StreamInterrupted,
    thread,
    validate_history,
)
from owui_notebook.client.turns import model_messages
from owui_notebook.sandbox.provider import answer_text
from owui_notebook.widgets import ComparePanel
from tests.helpers.faults import stream_text

COMPLETIONS = "/api/chat/completions"
LONG = {"ttft": 0.0, "tokens_per_second": 200, "answer_tokens": 120}

# Every legal early end: (end_after's keywords, what the case is).
EARLY_ENDS = {
    "chunked-terminator-after-events": {"events": 6, "framing": "chunked"},
    "close-without-framing": {"events": 6, "framing": "close"},
    "content-length-satisfied": {"events": 6, "framing": "length"},
    "mid-event-chunked": {"bytes": 700, "framing": "chunked"},
    "mid-event-close": {"bytes": 700, "framing": "close"},
    "role-chunk-only": {"events": 1, "framing": "chunked"},
    "no-body-at-all": {"bytes": 0, "framing": "close"},
}


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text
    return text


def expected(chat, provider, prompt: str) -> str:
    """The whole answer the provider gives to `prompt` as the next turn of `chat`."""
    sent = model_messages(chat.history, None, prompt)
    return answer_text(chat.model, sent, provider.models[chat.model])


def streamed(stream) -> tuple[str, BaseException | None]:
    got, error = stream_text(stream)
    return "".join(got), error


@pytest.mark.parametrize("cut", list(EARLY_ENDS), ids=list(EARLY_ENDS))
def test_a_clean_early_end_is_an_interruption(proxied_any, proxy_any, provider_any, cut):
    provider_any.configure("slow", **LONG)
    chat = proxied_any.chat("slow")
    chat.send("first turn")
    proxy_any.end_after(path=COMPLETIONS, **EARLY_ENDS[cut])
    full = expected(chat, provider_any, "tell me a long story")
    stream = chat.stream("tell me a long story")
    got, error = streamed(stream)
    assert len(got) < len(full) and full.startswith(got)
    assert isinstance(error, StreamInterrupted), error
    assert "partial answer was kept" in one_line(error)
    result = stream.result
    assert result.content == got and result.error and result.finish_reason is None
    record = proxied_any.chats.get(chat.id)
    assert validate_history(record) == []
    if got:
        # Saved like a reset: what arrived, marked with the error, never as a whole answer.
        message = record.messages[result.message_id]
        assert message["content"] == got and message["error"]["content"] == result.error
    else:
        # Nothing arrived: nothing saved, the chat as it was (a retry just works).
        assert len(thread(record)) == 2
    # The next turn goes on from the saved thread.
    next_turn = chat.send("and now?", model="alpha")
    assert next_turn.content.startswith("alpha says:") and next_turn.error is None
    assert validate_history(proxied_any.chats.get(chat.id)) == []


def test_send_and_send_many_report_the_cut(proxied_any, proxy_any, provider_any):
    provider_any.configure("slow", **LONG)
    chat = proxied_any.chat("slow")
    proxy_any.end_after(path=COMPLETIONS, events=5, framing="close")
    with pytest.raises(StreamInterrupted):
        chat.send("one model")
    saved = proxied_any.chats.get(chat.id).messages[chat.history["currentId"]]
    assert saved["content"] and saved["error"]["content"]
    # Several models: the cut one is an error of its own, the other answers whole.
    proxy_any.end_after(path=COMPLETIONS, events=5, framing="chunked")
    results = chat.send_many("two models", ["slow", "alpha"], sequential=True)
    assert results[0].error and "partial answer was kept" in results[0].error
    assert results[1].error is None and results[1].content.startswith("alpha says:")
    record = proxied_any.chats.get(chat.id)
    assert validate_history(record) == []
    assert record.messages[results[0].message_id]["error"]["content"] == results[0].error


def test_whole_streams_are_not_marked(proxied_any, proxy_any, provider_any):
    """The control: the same path, nothing cut (a cut after more events than the body has)."""
    provider_any.configure("slow", **LONG)
    chat = proxied_any.chat("slow")
    for framing in ("chunked", "close", "length"):
        proxy_any.end_after(path=COMPLETIONS, events=10_000, framing=framing)
        full = expected(chat, provider_any, f"whole, {framing}")
        result = chat.send(f"whole, {framing}")
        assert result.error is None and not result.stopped
        assert result.finish_reason == "stop" and result.content == full
    assert [e.fault for e in proxy_any.log if e.path == COMPLETIONS] == ["end"] * 3


# -- the normal ends of Open WebUI's own streams: pipe functions of every shape ----------------

PIPES = {
    # name: the body of `pipe` (the answer is always "pipe says: one two three")
    "sync_generator": "def pipe(self, body):\n        yield from WORDS\n",
    "async_generator": (
        "async def pipe(self, body):\n        for word in WORDS:\n            yield word\n"
    ),
    "plain_string": "def pipe(self, body):\n        return ''.join(WORDS)\n",
    "async_string": "async def pipe(self, body):\n        return ''.join(WORDS)\n",
}
PIPE_SOURCE = '''"""
title: owui-notebook test pipe
"""

WORDS = ["pipe ", "says: ", "one ", "two ", "three"]


class Pipe:
    {body}'''


@pytest.fixture
def pipes(owui_sandbox_any):
    """Each pipe shape installed and active as a model of its own; removed after the test."""
    created = []
    headers = {"Authorization": f"Bearer {owui_sandbox_any.api_key}"}
    with httpx.Client(base_url=owui_sandbox_any.url, headers=headers, timeout=60) as http:
        for name, body in PIPES.items():
            pipe_id = f"nbpipe_{name}_{uuid.uuid4().hex[:6]}"
            form = {
                "id": pipe_id,
                "name": pipe_id,
                "content": PIPE_SOURCE.format(body=body),
                "meta": {"description": name, "manifest": {}},
            }
            http.post("/api/v1/functions/create", json=form).raise_for_status()
            created.append(pipe_id)
            toggled = http.post(f"/api/v1/functions/id/{pipe_id}/toggle")
            toggled.raise_for_status()
            assert toggled.json()["is_active"]
        # Open WebUI lists (and so accepts) a new function model once its model list is read.
        listed = {m["id"] for m in http.get("/api/models").raise_for_status().json()["data"]}
        assert set(created) <= listed
        yield dict(zip(PIPES, created, strict=True))
        for pipe_id in created:
            http.delete(f"/api/v1/functions/id/{pipe_id}/delete")


@pytest.mark.parametrize("shape", list(PIPES))
def test_pipe_functions_end_normally(client_any, pipes, shape):
    chat = client_any.chat(pipes[shape])
    stream = chat.stream("hello pipe")
    got, error = streamed(stream)
    assert error is None, error
    result = stream.result
    assert got == "pipe says: one two three" == result.content
    assert result.error is None and not result.stopped
    record = client_any.chats.get(chat.id)
    assert validate_history(record) == []
    saved = record.messages[result.message_id]
    assert saved["content"] == got and "error" not in saved


# -- the notebook paths: the magic's footer and `_owui`, the ComparePanel's status ---------------


def test_chat_magic_shows_a_cut_answer_as_interrupted(
    shell, owui_sandbox, proxy, provider, monkeypatch
):
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    assert shell.run(f"%owui connect {proxy.url}").error is None
    provider.configure("slow", **LONG)
    assert shell.run("%%owui chat --new -m slow\nturn one").error is None
    proxy.end_after(path=COMPLETIONS, events=5, framing="chunked")
    run = shell.run("%%owui chat\nturn two")
    result = shell.ns["_owui"]
    assert result.content and result.error and "partial answer was kept" in result.error
    assert not result.ok
    # The cell fails with the one-line error, and the answer's footer says what happened.
    assert run.error is not None and "partial answer was kept" in run.everything()
    assert html.escape(result.error) in run.html[-1]
    # The next cell goes on from the partial answer, saved and marked.
    assert shell.run("%%owui chat -m alpha\nturn three").error is None
    record = proxied_record(owui_sandbox, shell.ns["_owui"].chat_id)
    assert record.messages[result.message_id]["error"]["content"] == result.error


async def test_compare_panel_reports_a_cut_answer_as_an_error(owui_sandbox, proxy, provider):
    provider.configure("slow", **LONG)
    async with AsyncOpenWebUI(proxy.url, owui_sandbox.api_key) as aclient:
        # As `warmed_up`: 0.9.3-0.9.5 refuse the first completion without a chat id, and that
        # refused exchange must not use up the fault queued below.
        await aclient.completions.create("alpha", [{"role": "user", "content": "warm up"}])
        panel = ComparePanel(["slow", "alpha"], "race", client=aclient, sequential=True)
        try:
            await panel.wait(timeout=30)
            proxy.end_after(path=COMPLETIONS, events=5, framing="close")  # the first: slow
            panel.run_button.click()
            await panel.wait(timeout=60)
            results = panel.results
            assert results["status"].tolist() == ["error", "ok"]
            assert "partial answer was kept" in results["error"][0]
            assert results["answer"][0] and results["answer"][1].startswith("alpha says:")
        finally:
            await panel.aclose()


def proxied_record(sandbox, chat_id: str):
    with OpenWebUI(sandbox.url, sandbox.api_key) as client:
        record = client.chats.get(chat_id)
    assert validate_history(record) == []
    return record
