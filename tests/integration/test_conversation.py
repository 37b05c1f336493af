"""The conversation engine against real Open WebUI servers (every release line under test)."""

from __future__ import annotations

import pytest

from owui_notebook.client import (
    ConfigurationError,
    NotFoundError,
    StreamDelta,
    thread,
    validate_history,
)
from owui_notebook.sandbox.provider import answer_text
from tests.helpers.chats import saved


def user(text):
    return {"role": "user", "content": text}


def test_single_streamed_answer_is_live_timed_and_saved(client_any, provider_any):
    chat = client_any.chat("alpha")
    with chat.stream("Hello there") as stream:
        deltas = list(stream)
    result = stream.result
    expected = answer_text("alpha", [user("Hello there")])
    assert len(deltas) > 3, "tokens must arrive one by one, not as one block"
    assert "".join(deltas) == result.content == expected
    assert result.timings.ttft is not None and 0 < result.timings.ttft <= result.timings.total
    assert result.usage and result.usage.completion_tokens == len(deltas)
    assert result.finish_reason == "stop" and result.ok
    record = saved(client_any, chat.id)
    answer = record.messages[result.message_id]
    assert answer["content"] == expected and answer["done"] is True
    assert answer["model"] == "alpha" and answer["modelIdx"] == 0 and answer["modelName"]
    assert answer["usage"]["completion_tokens"] == len(deltas)
    timing = answer["owui_notebook"]
    assert timing["ttft"] == pytest.approx(result.timings.ttft, abs=1e-3)
    assert timing["total"] >= timing["ttft"] and timing["stopped"] is False
    assert record.title == "Hello there" and record.current_id == result.message_id
    assert chat.url == f"{client_any.base_url}/c/{chat.id}"


def test_three_turns_follow_up_in_one_thread(client_any, provider_any):
    chat = client_any.chat("alpha", system="Be brief.")
    results = [chat.send(p) for p in ("one", "two", "three")]
    assert [r.content for r in results] == [
        answer_text(
            "alpha", [{"role": "system", "content": "Be brief."}, *[user("x")] * n, user(p)]
        )
        for n, p in enumerate(("one", "two", "three"))
    ]
    sent = provider_any.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert sent[2]["content"] == results[0].content
    record = saved(client_any, chat.id)
    assert [m["content"] for m in thread(record)] == [
        "one",
        results[0].content,
        "two",
        results[1].content,
        "three",
        results[2].content,
    ]
    assert len({r.chat_id for r in results}) == 1 and chat.turns == 3
    assert record.chat["params"]["system"] == "Be brief."


def test_model_switch_mid_chat(client_any):
    chat = client_any.chat("alpha")
    first = chat.send("hi")
    second = chat.send("now you", model="beta")
    chat.model = "gamma"
    third = chat.send("and you")
    assert (first.model, second.model, third.model) == ("alpha", "beta", "gamma")
    assert second.content.startswith("beta says: turn 2")
    record = saved(client_any, chat.id)
    assert [m.get("model") for m in thread(record) if m["role"] == "assistant"] == [
        "alpha",
        "beta",
        "gamma",
    ]
    assert record.chat["models"] == ["gamma"]


def test_a_chat_goes_on_with_its_latest_turns_model_as_when_reopened(client_any):
    """Issue 16: the chat decides a turn's model in one place. The live chat went back to
    the model it was made with, while the saved chat (and so a chat reopened by id, or the
    web UI) goes on with the latest turn's."""
    chat = client_any.chat("alpha")
    chat.send("hi")
    chat.send("now you", model="beta")
    live = chat.send("and next")
    reopened = client_any.chat(chat_id=chat.id).send("and then")
    assert saved(client_any, chat.id).chat["models"] == ["beta"]
    assert (chat.model, live.model, reopened.model) == ("beta", "beta", "beta")


def test_a_turn_that_names_an_unknown_model_sends_nothing(client_any, provider_any):
    chat = client_any.chat("alpha")
    chat.send("hi")
    before = len(provider_any.requests)
    with pytest.raises(NotFoundError, match="did you mean 'alpha'"):
        chat.send("again", model="alpah")
    assert len(provider_any.requests) == before and chat.model == "alpha" and chat.turns == 1


def test_three_model_fan_out_is_one_user_message_with_three_answers(client_any):
    chat = client_any.chat("alpha")
    chat.send("warm up")
    models = ["alpha", "beta", "gamma"]
    with chat.stream_many("compare this", models) as stream:
        deltas = list(stream)
    assert all(isinstance(d, StreamDelta) for d in deltas)
    assert {d.model for d in deltas} == set(models)
    results = stream.results
    assert [r.model for r in results] == models
    assert [r.content for r in results] == [
        f"{m} says: turn 2. You said: compare this." for m in models
    ]
    record = saved(client_any, chat.id)
    prompt = record.messages[results[0].parent_id]
    assert prompt["content"] == "compare this" and prompt["models"] == models
    children = [record.messages[i] for i in prompt["childrenIds"]]
    assert [(c["model"], c["modelIdx"]) for c in children] == list(
        zip(models, range(3), strict=False)
    )
    assert record.chat["models"] == models
    follow = chat.send("which was best?", model="beta")
    assert follow.content.startswith("beta says: turn 3")
    assert (
        saved(client_any, chat.id).messages[follow.parent_id]["parentId"] == results[0].message_id
    )


def test_reopen_a_chat_by_id_and_continue(client_any, owui_sandbox_any):
    first = client_any.chat("beta", title="Kept title")
    r1 = first.send("remember me")
    again = client_any.chat(chat_id=first.id)
    r2 = again.send("still there?")
    assert r2.model == "beta" and r2.content.startswith("beta says: turn 2")
    record = saved(client_any, first.id)
    assert record.title == "Kept title"
    assert [m["id"] for m in thread(record)][:2] == [r1.parent_id, r1.message_id]


def test_turns_added_in_the_web_ui_meanwhile_are_kept(client_any):
    chat = client_any.chat("alpha")
    chat.send("first from the notebook")
    other = client_any.chat(chat_id=chat.id)  # stands in for a browser tab on the same chat
    web = other.send("typed in the browser")
    mine = chat.send("second from the notebook")
    record = saved(client_any, chat.id)
    assert web.message_id in record.messages and mine.message_id in record.messages
    assert record.messages[mine.parent_id]["parentId"] in record.messages


def test_params_reach_the_model(client_any, provider_any):
    chat = client_any.chat("alpha", temperature=0.25, max_tokens=64)
    chat.send("with params")
    body = provider_any.requests[-1]
    assert body.get("temperature") == 0.25 and body.get("max_tokens") == 64


def test_stopping_mid_stream_keeps_the_partial_answer(client_any, provider_any):
    provider_any.configure("slow", ttft=0.0, tokens_per_second=40, answer_tokens=200)
    chat = client_any.chat("slow")
    chat.send("setup turn")
    with chat.stream("tell me a long story") as stream:
        for count, _ in enumerate(stream, 1):
            if count == 5:
                break
    result = stream.result
    assert result.stopped and 0 < len(result.content) < 400
    record = saved(client_any, chat.id)
    answer = record.messages[result.message_id]
    assert answer["content"] == result.content and answer["owui_notebook"]["stopped"] is True
    nxt = chat.send("go on", model="alpha")
    assert nxt.content.startswith("alpha says: turn 3")
    saved(client_any, chat.id)


def test_abort_from_the_outside(client_any, provider_any):
    provider_any.configure("slow", tokens_per_second=40, answer_tokens=200)
    chat = client_any.chat("slow")
    with chat.stream("long") as stream:
        for count, _ in enumerate(stream, 1):
            if count == 3:
                stream.abort()
    assert stream.result.stopped
    saved(client_any, chat.id)


def test_bad_input_is_refused_before_anything_is_sent(client_any):
    with pytest.raises(ConfigurationError, match="empty"):
        client_any.chat("alpha").send("   ")
    with pytest.raises(ConfigurationError, match="needs a model"):
        client_any.chat()
    with pytest.raises(ConfigurationError, match="only once"):
        client_any.chat("alpha").send_many("x", ["alpha", "alpha"])
    with pytest.raises(NotFoundError, match="no chat"):
        client_any.chat(chat_id="does-not-exist").send("hello")


def test_unknown_model_saves_nothing_and_says_so(client_any):
    before = {c.id for c in client_any.chats.list()}
    chat = client_any.chat("no-such-model")
    with pytest.raises(Exception) as info:
        chat.send("hello")
    assert "no-such-model" in str(info.value) or "not found" in str(info.value).lower()
    assert chat.id is None
    assert {c.id for c in client_any.chats.list()} == before


async def test_async_engine_streams_and_fans_out(aclient_any):
    chat = aclient_any.chat("alpha")
    async with chat.stream("async hello") as stream:
        deltas = [d async for d in stream]
    assert "".join(deltas) == stream.result.content
    results = await chat.send_many("both", ["beta", "gamma"])
    assert [r.content for r in results] == [
        f"{m} says: turn 2. You said: both." for m in ("beta", "gamma")
    ]
    assert validate_history(await aclient_any.chats.get(chat.id)) == []


def test_auto_title_from_the_servers_title_task(client_any):
    chat = client_any.chat("alpha", auto_title=True)
    chat.send("Explain the moon landing in detail please")
    record = client_any.chats.get(chat.id)
    assert record.title == "Explain the moon landing in"
    assert chat.title == record.title


def test_task_endpoints(client_any):
    messages = [
        {"role": "user", "content": "How do tides work on Earth?"},
        {"role": "assistant", "content": "The moon pulls the oceans."},
    ]
    assert client_any.tasks.title("alpha", messages) == "How do tides work on"
    assert client_any.tasks.tags("alpha", messages) == ["Testing", "Deterministic"]
    assert client_any.tasks.follow_ups("alpha", messages) == [
        "Tell me more.",
        "Give an example.",
        "Summarise that.",
    ]
