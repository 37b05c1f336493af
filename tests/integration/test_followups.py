"""Follow-up suggestions, titles and tags from the server's task endpoints (every release line)."""

from __future__ import annotations

from owui_notebook.client import validate_history
from owui_notebook.sandbox.provider import FOLLOW_UPS, TAGS
from tests.helpers.chats import saved
from tests.helpers.loop import until


def test_follow_ups_are_on_the_result_and_on_the_saved_answer(client_any, provider_any):
    chat = client_any.chat("alpha")
    first = chat.send("What is a B-tree?")
    assert first.follow_ups == [] and provider_any.task_requests("follow_ups") == []
    second = chat.send("And a B+ tree?", follow_ups=True)
    assert second.follow_ups == FOLLOW_UPS
    (asked,) = provider_any.task_requests("follow_ups")
    # The task saw the conversation up to the new answer.
    prompt = asked["messages"][-1]["content"]
    assert "And a B+ tree?" in prompt and second.content in prompt
    record = saved(client_any, chat.id)
    assert record.messages[second.message_id]["followUps"] == FOLLOW_UPS
    assert "followUps" not in record.messages[first.message_id]
    assert record.current_id == second.message_id


def test_follow_ups_for_each_model_of_a_comparison(client_any):
    chat = client_any.chat("alpha", follow_ups=True)
    results = chat.send_many("Compare these", ["alpha", "beta"])
    record = saved(client_any, chat.id)
    for result in results:
        assert result.follow_ups == FOLLOW_UPS
        assert record.messages[result.message_id]["followUps"] == FOLLOW_UPS


def test_new_chat_gets_title_and_tags_from_the_server_tasks(client_any, provider_any):
    chat = client_any.chat("alpha", auto_title=True, auto_tags=True)
    chat.send("Explain consistent hashing to a beginner please")
    record = saved(client_any, chat.id)
    assert record.title == "Explain consistent hashing to a"
    assert [t.casefold() for t in chat.tags] == [t.casefold() for t in TAGS]
    assert {t.casefold() for t in record.tags} == {t.casefold() for t in TAGS}
    assert len(provider_any.task_requests("tags")) == 1
    # Tags and title are made once, for the new chat, not on every turn.
    chat.send("and again")
    assert len(provider_any.task_requests("tags")) == 1


def test_auto_tags_off_asks_nothing(client_any, provider_any):
    chat = client_any.chat("alpha", auto_tags=False)
    chat.send("Untagged please")
    assert provider_any.task_requests("tags") == []
    assert saved(client_any, chat.id).tags == []


async def test_chat_panel_shows_follow_ups_as_buttons_and_one_click_asks(aclient, provider):
    from owui_notebook.widgets import ChatPanel

    panel = ChatPanel("alpha", client=aclient)
    await panel.wait(timeout=30)
    panel.send("What is a heap?")
    await panel.wait(timeout=30)
    buttons = panel.follow_up_bar.children
    assert [b.description for b in buttons] == FOLLOW_UPS
    assert "Follow-ups:" not in panel.transcript.children[-1].value  # buttons, not a list
    assert [b.tooltip for b in buttons] == FOLLOW_UPS
    chat_id = panel.chat.id
    record = await aclient.chats.get(chat_id)
    assert {t.casefold() for t in record.tags} == {t.casefold() for t in TAGS}
    assert record.title == "What is a heap?"

    buttons[1].click()  # "Give an example."
    assert panel.running and panel.follow_up_bar.children == ()
    await panel.wait(timeout=30)
    assert panel.results["prompt"].tolist() == ["What is a heap?", FOLLOW_UPS[1]]
    record = await aclient.chats.get(chat_id)
    assert validate_history(record) == []
    last = record.messages[record.current_id]
    assert last["content"] == f"alpha says: turn 2. You said: {FOLLOW_UPS[1]}"
    assert last["followUps"] == FOLLOW_UPS
    await until(lambda: len(panel.follow_up_bar.children) == 3, what="new follow-ups")

    # Reopening the chat shows the last answer's suggestions again.
    reopened = ChatPanel(chat_id=chat_id, client=aclient, follow_ups=False)
    await until(lambda: reopened.chat is not None, what="chat loaded")
    await reopened.wait(timeout=30)
    assert [b.description for b in reopened.follow_up_bar.children] == FOLLOW_UPS
    await panel.aclose()
    await reopened.aclose()
