"""ChatPanel driven as a user would (type, Enter or Send, Stop, New chat, Open)."""

from __future__ import annotations

import asyncio

from owui_notebook.client import thread
from owui_notebook.widgets import ChatPanel, chat_panel
from owui_notebook.widgets.chat import CHAT_RESULT_COLUMNS, chat_id_of
from tests.helpers.chats import asaved, expected
from tests.helpers.loop import Subshell, until


def press_enter(text_widget) -> None:
    """What the front end sends when Enter is pressed in a Text widget."""
    text_widget._handle_custom_msg({"event": "submit"}, [])


async def test_conversation_streams_and_continues_in_one_saved_chat(aclient, provider):
    provider.configure("alpha", tokens_per_second=50, answer_tokens=25)
    panel = ChatPanel("alpha", client=aclient)
    await panel.wait(timeout=30)
    assert "beta" in {v for _, v in panel.model_select.options}
    panel.prompt_box.value = "first question"
    press_enter(panel.prompt_box)
    assert panel.running and panel.prompt_box.value == "" and not panel.stop_button.disabled
    answer = panel.transcript.children[-1]
    await until(lambda: "alpha" in answer.value and "▌" in answer.value, what="live answer")
    await panel.wait(timeout=30)
    assert not panel.running and panel.stop_button.disabled
    chat_id = panel.chat.id
    assert chat_id and panel.chat.url in panel.link.value

    panel.model_select.value = "beta"  # switch models mid-chat
    panel.prompt_box.value = "second question"
    panel.send_button.click()
    await panel.wait(timeout=30)
    assert panel.chat.id == chat_id

    results = panel.results
    assert list(results.columns) == list(CHAT_RESULT_COLUMNS)
    assert results["turn"].tolist() == [1, 2]
    assert results["model"].tolist() == ["alpha", "beta"]
    assert results["prompt"].tolist() == ["first question", "second question"]
    first = expected(provider, "alpha", "first question")
    assert results["answer"][0] == first
    assert results["answer"][1].startswith("beta says: turn 2. You said: second question")
    assert results["status"].tolist() == ["ok", "ok"] and set(results["chat_id"]) == {chat_id}
    assert results["completion_tokens"][0] == 25
    # Transcript: you, model, answer (with its figures) for each turn.
    values = [w.value for w in panel.transcript.children]
    assert len(values) == 6 and "first question" in values[0] and "beta" in values[4]
    assert "first token" in values[2] and "▌" not in values[2]

    record = await asaved(aclient, chat_id)
    assert [m["content"] for m in thread(record)] == [
        "first question",
        first,
        "second question",
        results["answer"][1],
    ]
    await panel.aclose()


async def test_stop_keeps_the_partial_answer_and_the_chat_goes_on(aclient, provider):
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    panel = chat_panel("slow", client=aclient)
    panel.send("tell me everything")
    answer = panel.transcript.children[-1]
    await until(lambda: answer.value.count(" ") > 15, what="the slow answer streaming")
    panel.stop_button.click()
    await panel.wait(timeout=10)
    row = panel.results.iloc[0]
    assert row["status"] == "stopped" and 0 < row["chars"] < 400 * 4
    assert "stopped" in answer.value and "partial answer is saved" in panel.status.value

    panel.model_select.value = "alpha"
    panel.send("and now briefly")
    await panel.wait(timeout=30)
    record = await asaved(aclient, panel.chat.id)
    contents = [m["content"] for m in thread(record)]
    assert contents[0] == "tell me everything" and contents[1] == row["answer"]
    assert contents[3].startswith("alpha says: turn 2")
    assert record.messages[row["message_id"]]["owui_notebook"]["stopped"] is True
    await panel.aclose()


async def test_new_chat_and_continue_a_saved_chat_by_its_link(aclient, provider):
    earlier = aclient.chat("gamma", title="Opened later")
    await earlier.send("remember me")
    panel = ChatPanel(chat_id=earlier.url, client=aclient)
    await panel.wait(timeout=30)
    assert panel.chat.id == earlier.id and panel.model_select.value == "gamma"
    values = [w.value for w in panel.transcript.children]
    assert "remember me" in values[0] and "gamma says: turn 1" in values[2]
    assert "Opened later" in panel.status.value
    panel.send("still there?")
    await panel.wait(timeout=30)
    assert panel.results["answer"][0].startswith("gamma says: turn 2. You said: still there?")
    assert panel.chat.id == earlier.id

    panel.new_button.click()
    assert panel.chat is None and panel.transcript.children == () and panel.link.value == ""
    panel.send("fresh start")
    await panel.wait(timeout=30)
    assert panel.chat.id != earlier.id
    assert panel.results["answer"][1] == expected(provider, "gamma", "fresh start")
    await asaved(aclient, earlier.id)
    await panel.aclose()


async def test_failures_are_one_line_and_lose_nothing(aclient, provider):
    panel = ChatPanel("alpha", client=aclient)
    panel.chat_id_box.value = "no-such-chat"
    panel.open_button.click()
    await panel.wait(timeout=30)
    assert "no chat &#x27;no-such-chat&#x27;" in panel.status.value and panel.chat is None

    panel.send("works")
    await panel.wait(timeout=30)
    chat_id = panel.chat.id
    provider.configure("alpha", fail_status=500, fail_message="GPU on fire")
    panel.send("fails")
    await panel.wait(timeout=30)
    answer = panel.transcript.children[-1]
    assert "GPU on fire" in answer.value and "nothing was saved" in answer.value
    assert "GPU on fire" in panel.status.value
    assert panel.prompt_box.value == "fails"  # ready to retry
    assert len(panel.results) == 1
    provider.reset()
    panel.send_button.click()
    await panel.wait(timeout=30)
    assert panel.results["answer"][1].startswith("alpha says: turn 2. You said: fails")
    record = await asaved(aclient, chat_id)
    assert len(thread(record)) == 4
    panel.prompt_box.value = "   "
    panel.send_button.click()
    assert "message is empty" in panel.status.value
    await panel.aclose()


async def test_model_output_is_markdown_that_cannot_run(aclient, provider):
    panel = ChatPanel("alpha", client=aclient)
    panel.send('**bold** <img src=x onerror="alert(1)"> <script>alert(2)</script>')
    await panel.wait(timeout=30)
    you, _label, answer = (w.value for w in panel.transcript.children)
    for markup in (you, answer):
        assert "<strong>bold</strong>" in markup
        assert "<script" not in markup and "<img" not in markup
        assert "&lt;script&gt;" in markup and "&lt;img src=x" in markup
    await panel.aclose()


def test_chat_id_of_accepts_ids_and_links():
    assert chat_id_of("abc-123") == "abc-123"
    assert chat_id_of(" http://localhost:8080/c/abc-123 ") == "abc-123"
    assert chat_id_of("https://x.example/c/abc-123?x=1#m") == "abc-123"


async def test_sends_on_a_kernel_subshell_thread_run_on_the_panels_loop(aclient, provider):
    """Send, Enter, a follow-up's button, Stop and New chat, each clicked on a kernel
    subshell's thread (JupyterLab 4.6's default): the panel's work stays on its loop."""
    provider.configure("alpha", tokens_per_second=60, answer_tokens=20)
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    loop = asyncio.get_running_loop()
    panel = ChatPanel("alpha", client=aclient)
    await panel.wait(timeout=30)
    with Subshell() as subshell:
        for k in (1, 2, 3):
            panel.prompt_box.value = f"question {k}"
            if k == 2:
                await subshell.call(lambda: press_enter(panel.prompt_box))
            else:
                await subshell.call(panel.send_button.click)
            await until(lambda k=k: len(panel.transcript.children) == 3 * k, what="sent")
            assert panel._running is not None and panel._running.get_loop() is loop
            await aclient.models.list()  # the same client, used meanwhile from its own loop
            await panel.wait(timeout=30)
        chat_id = panel.chat.id
        if panel.follow_up_bar.children:
            await subshell.call(panel.follow_up_bar.children[0].click)
            await until(lambda: len(panel.transcript.children) == 12, what="follow-up sent")
            await panel.wait(timeout=30)

        panel.model_select.value = "slow"
        panel.prompt_box.value = "a long one"
        await subshell.call(panel.send_button.click)
        await until(lambda: panel.running, what="slow answer streaming")
        await until(lambda: "slow says" in panel.transcript.children[-1].value, what="text")
        await subshell.call(panel.stop_button.click)
        await panel.wait(timeout=30)
        await subshell.call(panel.new_button.click)
        await until(lambda: panel.chat is None, what="a new chat")
    assert panel._tasks.errors == []
    results = panel.results
    assert results["status"].tolist() == ["ok"] * (len(results) - 1) + ["stopped"]
    assert results["answer"][0] == expected(provider, "alpha", "question 1")
    assert set(results["chat_id"]) == {chat_id}
    record = await asaved(aclient, chat_id)
    assert [m["content"] for m in thread(record)][::2] == results["prompt"].tolist()
    await panel.aclose()
