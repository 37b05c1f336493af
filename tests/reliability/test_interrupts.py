"""Interrupts at random points: a real kernel's Ctrl-C and the ComparePanel's Stop.

The points are drawn from a seeded generator (the seed is in the test id), anywhere from
before the first token to late in the answer. CI draws 4 of each; ``--soak`` draws 20.
tests/magics/test_kernel.py covers one interrupt after the first token; here many in a row
hit one kernel and one chat, which must stay valid and continuable after each.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time

import pytest

from owui_notebook.client import thread, validate_history
from owui_notebook.widgets import ComparePanel
from tests.helpers.kernel import drain, interrupt, kernel, kernel_env, run

SEED = 20261123
STORY = "%%owui chat -m slow\nTell me a long story."


@pytest.mark.timeout(600)
def test_kernel_interrupts_at_random_points_leave_a_valid_chat(
    owui_sandbox, provider, client, owui_soak, figures
):
    rounds = 20 if owui_soak else 4
    rng = random.Random(SEED)
    provider.configure("slow", ttft=0.3, tokens_per_second=20, answer_tokens=400)
    stop_times: list[float] = []
    with kernel(kernel_env(owui_sandbox)) as (km, kc):
        assert run(kc, "%load_ext owui_notebook\n%owui connect")["status"] == "ok"
        assert run(kc, "%%owui chat --new -m alpha\nHello.")["status"] == "ok"
        chat_id = run(kc, "print(_owui.chat_id)")["stdout"].strip()
        for _ in range(rounds):
            drain(kc)
            msg_id = kc.execute(STORY, stop_on_error=False)
            time.sleep(rng.uniform(0.05, 2.0))  # before the first token (0.3 s) or after
            stop_times.append(interrupt(km, kc, msg_id))
            # After every interrupt the saved chat is valid and the same chat goes on.
            assert validate_history(client.chats.get(chat_id)) == []
        done = run(kc, "%%owui chat -m alpha\nShorter, please.")
        assert done["status"] == "ok"
        assert run(kc, "print(_owui.chat_id)")["stdout"].strip() == chat_id
    record = client.chats.get(chat_id)
    assert validate_history(record) == []
    stories = [m for m in record.messages.values() if m.get("model") == "slow"]
    # A stop before the first token saves nothing; every saved story is partial and marked.
    assert stories, "no interrupt landed after the first token"
    for story in stories:
        assert story["owui_notebook"]["stopped"] is True and 0 < len(story["content"]) < 2000
    figures["kernel_interrupts"] = {
        "interrupts": rounds,
        "saved_partial_answers": len(stories),
        "stop_median_s": round(statistics.median(stop_times), 3),
        "stop_max_s": round(max(stop_times), 3),
    }
    # Only "it stopped, it did not run on" (the whole answer takes 20 s; a stop waits for the
    # save): the budget is the reported figure, never a timed assertion on a shared machine.
    assert max(stop_times) < 15, stop_times


@pytest.mark.timeout(300)
async def test_compare_panel_stop_at_random_points(aclient, provider, owui_soak, figures):
    rounds = 20 if owui_soak else 4
    rng = random.Random(SEED)
    models = ["alpha", "slow", "long", "delta"]
    provider.configure("slow", ttft=0.3, tokens_per_second=20, answer_tokens=400)
    provider.configure("long", ttft=0.0, tokens_per_second=50, answer_tokens=400)
    provider.configure("delta", ttft=1.0, tokens_per_second=20)
    panel = ComparePanel(models, "race", client=aclient)
    stop_times = []
    try:
        for _ in range(rounds):
            panel.run_button.click()
            run = panel.runs[-1]
            await asyncio.sleep(rng.uniform(0.0, 1.5))
            clicked = time.monotonic()
            panel.stop_button.click()
            await panel.wait(timeout=30)
            stop_times.append(time.monotonic() - clicked)
            assert run.done and not panel.running
        results = panel.results
        assert len(results) == rounds * len(models)
        assert set(results["status"]) <= {"ok", "stopped"}
        for chat_id, rows in results.groupby("chat_id"):
            if not isinstance(chat_id, str) or not chat_id:
                # Stopped before any token: nothing was saved, and nothing shows as saved.
                assert (rows["answer"] == "").all()
                continue
            record = await aclient.chats.get(chat_id)
            assert validate_history(record) == []
            for row in rows.to_dict("records"):
                if row["answer"]:
                    saved = record.messages[row["message_id"]]
                    assert saved["content"] == row["answer"]
                    assert saved["owui_notebook"]["stopped"] is (row["status"] == "stopped")
    finally:
        await panel.aclose()
    figures["panel_stops"] = {
        "stops": rounds,
        "stop_median_s": round(statistics.median(stop_times), 3),
        "stop_max_s": round(max(stop_times), 3),
    }


# -- a second Ctrl-C while the stopped answer is being saved ----------------------------------

# Chat reads and writes take 0.6 s (a busy server), so the save after the first Ctrl-C lasts
# long enough for the second to land inside it, at each of these offsets.
SAVE_LATENCY_S = 0.6
SECOND_AFTER_S = (0.3, 0.75, 1.2)
SAVE_CELLS = {
    # A new chat each time: the second Ctrl-C lands in the chat's creation.
    "new-chat": ("%%owui chat --new -m slow\nTell me a long story.", "_owui"),
    # The same chat each time: it lands in the read and update of the follow-up's save.
    "follow-up": ("%%owui chat -m slow\nTell me a long story.", "_owui"),
    # A new multi-model chat each time: it lands in the comparison's creation.
    "compare": ("%%owui compare -m slow,long\nTell me a long story.", "_owui[0]"),
}


def _interrupted_cell(km, kc, code: str, offsets: tuple[float, float]) -> list[str]:
    """Run `code`, interrupt the kernel at each offset (seconds after the start), and
    return the plain text of every display the cell showed, in order."""
    drain(kc)
    msg_id = kc.execute(code, stop_on_error=False)
    started = time.monotonic()
    for offset in offsets:
        time.sleep(max(0.0, started + offset - time.monotonic()))
        km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    shown: list[str] = []
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        content = msg["content"]
        if msg["msg_type"] in ("display_data", "update_display_data"):
            shown.append(content["data"].get("text/html", ""))
        elif msg["msg_type"] == "stream":
            shown.append(content["text"])
        elif msg["msg_type"] == "status" and content["execution_state"] == "idle":
            return shown


@pytest.mark.timeout(600)
@pytest.mark.parametrize("kind", sorted(SAVE_CELLS))
def test_second_interrupt_during_the_save_keeps_the_turn_on_the_thread(
    owui_sandbox, provider, client, proxy, kind
):
    """Ctrl-C at 1.5 s, and again while the partial answer is being saved: the turn is
    on the server, on the thread the next cell continues, and the cell never claims a save
    that did not happen."""
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    provider.configure("long", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    proxy.latency(SAVE_LATENCY_S, path="/api/v1/chats", times=None)
    code, last = SAVE_CELLS[kind]
    env = {**os.environ, "OWUI_API_KEY": owui_sandbox.api_key}
    env.pop("OWUI_URL", None)
    with kernel(env) as (km, kc):
        connect = run(kc, f"%load_ext owui_notebook\n%owui connect {proxy.url}")
        assert connect["status"] == "ok", connect
        if kind == "follow-up":
            assert run(kc, "%%owui chat --new -m alpha\nHello.")["status"] == "ok"
        for second in SECOND_AFTER_S:
            shown = _interrupted_cell(km, kc, code, (1.5, 1.5 + second))
            state = run(kc, f"print({last}.chat_id, {last}.message_id, len({last}.content))")
            chat_id, message_id, length = state["stdout"].split()
            assert int(length) > 0, "the first Ctrl-C landed before the first token"
            footer = shown[-1] if shown else ""
            saved_now = chat_id != "None" and message_id in client.chats.get(chat_id).messages
            claims_saved = any("partial answer saved" in text for text in shown)
            # Never a claim of a save that did not happen; an unsaved turn is said so.
            assert claims_saved == saved_now, (second, shown)
            if not saved_now:
                assert any("not saved" in text for text in shown), (second, footer)
            # The next cell continues the chat of the stopped turn, which ends up on the
            # thread in any case (saved now, or carried by this cell's save).
            done = run(kc, "%%owui chat -m alpha\nShorter, please.")
            assert done["status"] == "ok", done
            after = run(kc, "print(_owui.chat_id)")["stdout"].strip()
            if saved_now:
                assert after == chat_id, (second, kind)
            record = client.chats.get(after)
            assert validate_history(record) == []
            path = thread(record)
            assert [m["role"] for m in path[-4:]] == ["user", "assistant", "user", "assistant"]
            story, follow = path[-3], path[-1]
            assert story["id"] == message_id and story["owui_notebook"]["stopped"] is True
            assert path[-4]["content"] == "Tell me a long story."
            assert follow["model"] == "alpha" and follow["content"].startswith("alpha says")


async def _cancelled_while_saving(stream, consume) -> None:
    """Run `consume()` in a task, cancel it twice while `stream` saves; it must end
    cancelled."""
    task = asyncio.ensure_future(consume())
    while not (stream() is not None and stream().saved):
        assert not task.done(), task
        await asyncio.sleep(0.01)
    for _ in range(2):
        await asyncio.sleep(SAVE_LATENCY_S / 2)
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.timeout(120)
@pytest.mark.parametrize("how", ["new-chat", "follow-up", "task-runner"])
async def test_cancelling_during_the_save_waits_for_it(owui_sandbox, provider, proxy, how):
    """The async engine (panels, scripts, the task runner): a cancellation that arrives while
    a turn is being saved lets the save finish, then ends the task."""
    from owui_notebook.client import AsyncOpenWebUI

    provider.configure("slow", ttft=0.0, tokens_per_second=40, answer_tokens=400)
    async with AsyncOpenWebUI(proxy.url, owui_sandbox.api_key) as aclient:
        if how == "task-runner":
            proxy.latency(SAVE_LATENCY_S, path="/api/v1/chats", times=None)
            run = aclient.stream_task("Plan a data migration", "planner")

            async def consume() -> None:
                async with run:
                    async for _ in run:
                        pass

            await _cancelled_while_saving(lambda: run._current, consume)
            chat = run.chat
            results = run.iterations[0].results
        else:
            chat = aclient.chat("slow")
            if how == "follow-up":
                await chat.send("Hello.", model="alpha")
            stream = chat.stream("Tell me a long story.")
            proxy.latency(SAVE_LATENCY_S, path="/api/v1/chats", times=None)

            async def consume() -> None:
                async with stream:
                    async for _ in stream:
                        if len(stream.content) > 40:
                            stream.abort()

            await _cancelled_while_saving(lambda: stream, consume)
            results = stream.results
        proxy.clear()
        assert chat.id and chat.unsaved == []
        record = await aclient.chats.get(chat.id)
        assert validate_history(record) == []
        path = thread(record)
        for result in results:
            assert result.chat_id == chat.id
            assert record.messages[result.message_id]["content"] == result.content
        assert path[-1]["id"] == results[0].message_id
