"""Faults injected between the client and a real Open WebUI by the fault proxy.

For each fault: what the client does (retries where safe, one clear error where not), what
the saved chat looks like afterwards (it validates; a partial answer is kept and marked),
and that the next turn in the same chat works. Faults of the model provider itself (its
500s, dropped streams, stalls) are in tests/integration/test_faults.py; this file covers
the network and the server between client and provider. Every test runs on every
release line under test: what a fault leaves saved depends on the server's save path.
"""

from __future__ import annotations

import pytest

from owui_notebook.client import (
    ConnectError,
    OpenWebUI,
    RateLimitError,
    RequestTimeout,
    ServerError,
    StreamInterrupted,
    thread,
)
from owui_notebook.sandbox.provider import answer_text
from tests.helpers.chats import saved
from tests.helpers.faults import stream_text, warmed_up

COMPLETIONS = "/api/chat/completions"


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text
    return text


def attempts(proxy_any, path: str) -> list:
    return [e for e in proxy_any.log if e.path.split("?")[0] == path]


def follow_up_works(client, chat, turns: int) -> None:
    """The next turn in the same chat streams, saves, and the thread holds every turn."""
    result = chat.send("and now?", model="alpha")
    assert result.content.startswith(f"alpha says: turn {turns}.")
    record = saved(client, chat.id)
    assert [m["role"] for m in thread(record)] == ["user", "assistant"] * turns
    assert chat.unsaved == []


def test_added_latency_is_absorbed_and_measured(proxied_any, proxy_any, provider_any):
    proxy_any.latency(0.4, chunk_delay=0.01, path=COMPLETIONS, times=None)
    chat = proxied_any.chat("alpha")
    result = chat.send("hello through a slow network")
    assert result.content == answer_text(
        "alpha", [{"role": "user", "content": "hello through a slow network"}]
    )
    # The client's own time to first token includes the network's delay, and is saved.
    record = saved(proxied_any, chat.id)
    assert record.messages[result.message_id]["owui_notebook"]["ttft"] >= 0.4
    proxy_any.clear()
    follow_up_works(proxied_any, chat, 2)


def test_connection_reset_mid_stream_keeps_the_partial_answer(proxied_any, proxy_any, provider_any):
    provider_any.configure("slow", ttft=0.0, tokens_per_second=50, answer_tokens=200)
    chat = proxied_any.chat("slow")
    proxy_any.reset_after(1500, path=COMPLETIONS)
    stream = chat.stream("tell me a long story")
    got, error = stream_text(stream)
    assert isinstance(error, StreamInterrupted)
    assert "partial answer was kept" in one_line(error)
    result = stream.result
    assert got and "".join(got) == result.content and result.error
    record = saved(proxied_any, chat.id)
    message = record.messages[result.message_id]
    assert message["content"] == result.content and message["error"]["content"]
    follow_up_works(proxied_any, chat, 2)


def test_stalled_stream_times_out_and_keeps_what_arrived(owui_sandbox_any, proxy_any, provider_any):
    provider_any.configure("slow", ttft=0.0, tokens_per_second=50, answer_tokens=200)
    with OpenWebUI(proxy_any.url, owui_sandbox_any.api_key, timeout=1.5) as client:
        warmed_up(client, proxy_any)
        proxy_any.stall_after(1500, path=COMPLETIONS)
        chat = client.chat("slow")
        stream = chat.stream("tell me a long story")
        got, error = stream_text(stream)
        proxy_any.release()
        assert isinstance(error, RequestTimeout)
        assert "partial answer was kept" in one_line(error)
        record = saved(client, chat.id)
        message = record.messages[stream.result.message_id]
        assert got and message["content"] == "".join(got) and message["error"]["content"]
        follow_up_works(client, chat, 2)


@pytest.mark.parametrize("status", [502, 503])
def test_gateway_bursts_on_the_stream_are_retried(proxied_any, proxy_any, provider_any, status):
    proxy_any.status(status, path=COMPLETIONS, times=2)
    chat = proxied_any.chat("alpha")
    result = chat.send("through a flaky gateway")
    assert result.content.startswith("alpha says: turn 1.")
    assert [e.fault for e in attempts(proxy_any, COMPLETIONS)] == ["reply", "reply", "pass"]
    # The model was asked once: the failed attempts never reached the server.
    asked = [r for r in provider_any.requests if "through a flaky gateway" in str(r)]
    assert len(asked) == 1
    saved(proxied_any, chat.id)


def test_500_burst_is_one_clear_error_and_saves_nothing(proxied_any, proxy_any, provider_any):
    before = {c.id for c in proxied_any.chats.list()}
    proxy_any.status(500, path=COMPLETIONS, times=3)
    chat = proxied_any.chat("alpha")
    with pytest.raises(ServerError) as info:
        chat.send("hello?")
    assert "POST /api/chat/completions -> 500" in one_line(info.value)
    # 500 is not retried: the server may have done part of the work.
    assert len(attempts(proxy_any, COMPLETIONS)) == 1
    assert chat.id is None and {c.id for c in proxied_any.chats.list()} == before
    proxy_any.clear()
    result = chat.send("hello again")
    assert result.content.startswith("alpha says: turn 1.")
    saved(proxied_any, chat.id)


def test_429_retry_after_is_honoured(proxied_any, proxy_any, provider_any):
    proxy_any.status(429, path=COMPLETIONS, headers={"Retry-After": "1"})
    chat = proxied_any.chat("alpha")
    result = chat.send("rate limited once")
    assert result.content.startswith("alpha says: turn 1.")
    assert [e.status for e in attempts(proxy_any, COMPLETIONS)] == [429, 200]
    # The wait shows in the measured total time of the answer.
    assert result.timings.total >= 1.0
    saved(proxied_any, chat.id)


def test_429_with_a_long_retry_after_is_a_clear_error(proxied_any, proxy_any, provider_any):
    chat = proxied_any.chat("alpha")
    chat.send("first")
    proxy_any.status(429, path=COMPLETIONS, headers={"Retry-After": "600"}, times=None)
    with pytest.raises(RateLimitError) as info:
        chat.send("second")
    assert info.value.retry_after == 600 and "429" in one_line(info.value)
    assert len(attempts(proxy_any, COMPLETIONS)) == 2  # not waited for ten minutes
    proxy_any.clear()
    follow_up_works(proxied_any, chat, 2)


def test_failed_save_is_kept_and_saved_with_the_next_turn(proxied_any, proxy_any, provider_any):
    chat = proxied_any.chat("alpha")
    chat.send("first turn")
    # The answer streams, then the save (POST /api/v1/chats/{id}) fails twice over.
    proxy_any.status(503, path=f"/api/v1/chats/{chat.id}", method="POST", times=1)
    with pytest.raises(ServerError) as info:
        chat.send("second turn")
    assert "kept and will be saved with the next turn" in one_line(info.value)
    assert len(chat.unsaved) == 1
    on_server = saved(proxied_any, chat.id)
    assert len(thread(on_server)) == 2  # not yet there
    follow_up_works(proxied_any, chat, 3)
    contents = [m["content"] for m in thread(proxied_any.chats.get(chat.id))]
    assert contents[2] == "second turn" and contents[3].startswith("alpha says: turn 2.")


def test_failed_creation_of_a_new_chat_loses_nothing(proxied_any, proxy_any, provider_any):
    proxy_any.status(503, path="/api/v1/chats/new", times=1)
    chat = proxied_any.chat("alpha")
    with pytest.raises(ServerError, match="kept and will be saved"):
        chat.send("first turn")
    assert chat.id is None and chat.turns == 1
    follow_up_works(proxied_any, chat, 2)
    assert thread(proxied_any.chats.get(chat.id))[0]["content"] == "first turn"


def test_server_restart_mid_stream(proxied_any, proxy_any, provider_any):
    """The server goes away mid-answer and comes back: the partial answer is saved later."""
    provider_any.configure("slow", ttft=0.0, tokens_per_second=40, answer_tokens=400)
    chat = proxied_any.chat("slow")
    chat.send("before the restart")
    stream = chat.stream("a long answer, please")
    got: list[str] = []
    with pytest.raises((StreamInterrupted, ConnectError)) as info, stream:
        for text in stream:
            got.append(text)
            if len(got) == 5:
                proxy_any.down()  # resets the stream; saving finds the server gone too
    # The save could not reach the server: the turn is kept for the next one.
    assert "kept and will be saved with the next turn" in one_line(info.value)
    assert "".join(got) == stream.result.content and len(chat.unsaved) == 1
    proxy_any.up()
    provider_any.reset()
    follow_up_works(proxied_any, chat, 3)
    record = proxied_any.chats.get(chat.id)
    partial = record.messages[stream.result.message_id]
    assert partial["content"] == "".join(got) and partial["error"]["content"]


def test_short_restart_is_bridged_by_retries(proxied_any, proxy_any, provider_any):
    """Down for less than the retry budget: idempotent reads and the save just succeed."""
    chat = proxied_any.chat("alpha")
    chat.send("first")
    with proxy_any.restarted(0.3):
        assert proxied_any.chats.get(chat.id).id == chat.id  # a GET, retried on refusal
    follow_up_works(proxied_any, chat, 2)
