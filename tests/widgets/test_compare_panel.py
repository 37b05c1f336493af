"""ComparePanel driven as a user would (set values, click), against a real Open WebUI."""

from __future__ import annotations

import asyncio
import html

import pandas as pd

from owui_notebook.render import answer_html
from owui_notebook.widgets import ChatPanel, ComparePanel, compare
from owui_notebook.widgets.compare_panel import RESULT_COLUMNS
from tests.helpers.chats import asaved, expected
from tests.helpers.loop import Subshell, until

THREE = ["alpha", "beta", "gamma"]


async def test_three_models_stream_at_once_and_are_saved_as_one_chat(aclient, provider):
    for model in THREE:
        provider.configure(model, ttft=0.1, tokens_per_second=40, answer_tokens=30)
    panel = ComparePanel(THREE, client=aclient)
    await panel.wait(timeout=30)  # the server's models are listed
    assert {"alpha", "beta", "gamma", "slow"} <= {v for _, v in panel.model_select.options}
    assert panel.model_select.value == tuple(THREE)
    panel.prompt_box.value = "Compare me"
    panel.run_button.click()
    assert panel.running and panel.run_button.disabled and not panel.stop_button.disabled
    run = panel.runs[-1]
    answers = [expected(provider, m, "Compare me") for m in THREE]
    # Every column fills while none is complete: the models stream at the same time.
    await until(
        lambda: all(0 < len(v.text) < len(a) for v, a in zip(run.views, answers, strict=True)),
        what="all three columns streaming together",
    )
    await panel.wait(timeout=30)
    assert not panel.running and not panel.run_button.disabled and panel.stop_button.disabled

    results = panel.results
    assert list(results.columns) == list(RESULT_COLUMNS)
    assert len(results) == 3
    assert results["model"].tolist() == THREE
    assert results["answer"].tolist() == answers
    assert results["run"].tolist() == [1, 1, 1] and set(results["prompt"]) == {"Compare me"}
    assert results["status"].tolist() == ["ok"] * 3 and results["error"].isna().all()
    assert results["completion_tokens"].tolist() == [30] * 3
    assert results["chars"].tolist() == [len(a) for a in answers]
    assert results["rating"].isna().all() and set(results["mode"]) == {"parallel"}
    assert (results["ttft_s"] >= 0.1).all() and (results["total_s"] > results["ttft_s"]).all()
    assert (results["tokens_per_s"] > 0).all()
    assert results["chat_id"].nunique() == 1 and results["message_id"].nunique() == 3

    # The final render of each column is the complete answer with its figures.
    for view, result in zip(run.views, run.results, strict=True):
        assert view.widget.value == answer_html(
            result.content, final=True, result=result, chars=True
        )
        assert "first token" in view.widget.value and "chars" in view.widget.value
    assert "open chat in Open WebUI" in run.header.value

    record = await asaved(aclient, results["chat_id"][0])
    user = next(m for m in record.messages.values() if m["role"] == "user")
    assert user["content"] == "Compare me"
    assert sorted(user["childrenIds"]) == sorted(results["message_id"])
    for row in results.itertuples():
        message = record.messages[row.message_id]
        assert message["content"] == row.answer and message["model"] == row.model
        assert message["done"] is True and message["parentId"] == user["id"]
    await panel.aclose()


async def test_run_again_keeps_history_and_one_after_another_mode(aclient, provider):
    panel = ComparePanel(["alpha", "beta"], "first prompt", client=aclient, temperature=0.5)
    panel.run_button.click()
    await panel.wait(timeout=30)
    panel.prompt_box.value = "second prompt"
    panel.system_box.value = "Be terse."
    panel.mode_toggle.value = True  # one after another
    panel.max_tokens_box.value = "64"
    panel.run_button.click()
    await panel.wait(timeout=30)

    results = panel.results
    assert results["run"].tolist() == [1, 1, 2, 2]
    assert results["prompt"].tolist() == ["first prompt"] * 2 + ["second prompt"] * 2
    assert results["mode"].tolist() == ["parallel"] * 2 + ["sequential"] * 2
    assert results["answer"].tolist() == [
        expected(provider, "alpha", "first prompt"),
        expected(provider, "beta", "first prompt"),
        expected(provider, "alpha", "second prompt", system="Be terse."),
        expected(provider, "beta", "second prompt", system="Be terse."),
    ]
    # Two runs, two chats; the newest run is shown first.
    assert results["chat_id"].nunique() == 2
    assert panel.history.children == (panel.runs[1].widget, panel.runs[0].widget)
    sent = [r for r in provider.requests if r["messages"][-1]["content"] == "second prompt"]
    assert len(sent) == 2 and all(r.get("max_tokens") == 64 for r in sent)
    first = [r for r in provider.requests if r["messages"][-1]["content"] == "first prompt"]
    assert all(r.get("temperature") == 0.5 for r in first)
    # One after another: beta's request reached the provider only after alpha's answer.
    order = [r["model"] for r in sent]
    assert order == ["alpha", "beta"]
    for chat_id in results["chat_id"].unique():
        await asaved(aclient, chat_id)
    await panel.aclose()


async def test_stop_mid_stream_keeps_partial_answers_saved(aclient, provider):
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    provider.configure("delta", ttft=60)  # sends nothing at all before Stop
    panel = ComparePanel(["alpha", "slow", "delta"], "stop me", client=aclient)
    panel.run_button.click()
    run = panel.runs[-1]
    await until(lambda: len(run.views[1].text) > 20, what="slow model streaming")
    # The loop is free while answers stream: other widgets' callbacks run at once.
    panel.temperature_box.value = "0.1"
    panel.stop_button.click()
    await panel.wait(timeout=10)
    assert run.stopping and run.done and not panel.running

    results = panel.results
    assert results["status"].tolist() == ["ok", "stopped", "stopped"]
    alpha, slow, delta = results.to_dict("records")
    assert alpha["answer"] == expected(provider, "alpha", "stop me")
    full = expected(provider, "slow", "stop me")
    assert 20 < len(slow["answer"]) < len(full) and full.startswith(slow["answer"])
    assert delta["answer"] == ""
    assert "stopped" in run.views[1].widget.value and "stopped" in run.header.value
    record = await asaved(aclient, alpha["chat_id"])
    assert record.messages[slow["message_id"]]["content"] == slow["answer"]
    assert record.messages[slow["message_id"]]["owui_notebook"]["stopped"] is True
    await panel.aclose()


async def test_one_failing_model_shows_its_error_others_finish(aclient, provider):
    provider.configure("gamma", fail_status=500, fail_message="GPU on fire")
    provider.configure("beta", tokens_per_second=30, answer_tokens=20)
    provider.configure("delta", tokens_per_second=30, answer_tokens=20, drop_after=5)
    models = ["alpha", "gamma", "no-such-model", "beta", "delta"]
    panel = ComparePanel(models, "hello", client=aclient)
    await panel.wait(timeout=30)
    labels = dict((v, k) for k, v in panel.model_select.options)
    assert "not listed" in labels["no-such-model"]
    panel.run_button.click()
    run = panel.runs[-1]
    # The failures show in their own columns while beta is still streaming.
    await until(lambda: "GPU on fire" in run.views[1].widget.value, what="gamma's error")
    assert panel.running
    await panel.wait(timeout=30)

    results = panel.results
    assert results["status"].tolist() == ["ok", "error", "error", "ok", "error"]
    assert "GPU on fire" in results["error"][1]
    assert "no-such-model" in results["error"][2]
    # The dropped stream (0.12 relays it as an error chunk) keeps its first tokens.
    assert "delta" in results["error"][4]
    assert results["answer"][0] == expected(provider, "alpha", "hello")
    assert results["answer"][3] == expected(provider, "beta", "hello")
    partial = results["answer"][4]
    assert partial and expected(provider, "delta", "hello").startswith(partial)
    assert "GPU on fire" in run.views[1].widget.value
    assert "no-such-model" in run.views[2].widget.value
    assert results["error"][4] in html.unescape(run.views[4].widget.value)
    assert "failed: gamma, no-such-model, delta" in panel.status.value
    # The run's header says so too: never "done" over an error.
    assert "done" not in run.header.value
    assert "3 of 5 failed (gamma, no-such-model, delta)" in run.header.value
    record = await asaved(aclient, results["chat_id"][0])
    for k in (0, 3, 4):
        message = record.messages[results["message_id"][k]]
        assert message["content"] == results["answer"][k]
    assert record.messages[results["message_id"][4]]["error"]["content"] == results["error"][4]
    await panel.aclose()


async def test_rating_reaches_the_servers_leaderboard_and_the_panels(aclient, provider):
    before = {e["model_id"]: e for e in await aclient.evaluations.leaderboard()}
    panel = ComparePanel(THREE, "rate us", client=aclient)
    panel.run_button.click()
    await panel.wait(timeout=30)
    run = panel.runs[-1]
    up_alpha, _ = run.rate_buttons[0]
    _, down_gamma = run.rate_buttons[2]
    assert not up_alpha.disabled
    up_alpha.click()
    down_gamma.click()
    await panel.wait(timeout=30)
    assert up_alpha.button_style == "success" and down_gamma.button_style == "danger"
    assert panel.results["rating"].tolist() == [1, pd.NA, -1]

    entries = {e["model_id"]: e for e in await aclient.evaluations.leaderboard()}

    def gained(model, key):
        return entries[model][key] - before.get(model, {}).get(key, 0)

    # Open WebUI counts alpha's +1 as wins over beta and gamma, and gamma's -1 as losses
    # to alpha and beta (so alpha won 3, gamma lost 3, beta won 1 and lost 1).
    assert gained("alpha", "won") == 3 and gained("gamma", "lost") == 3
    assert gained("beta", "won") == 1 and gained("beta", "lost") == 1
    record = await asaved(aclient, run.results[0].chat_id)
    assert record.messages[run.results[0].message_id]["annotation"]["rating"] == 1
    assert record.messages[run.results[2].message_id]["annotation"]["rating"] == -1

    # Changing one's mind replaces the feedback instead of adding a second one.
    feedback_count = len(await aclient.evaluations.my_feedbacks())
    panel.rate("gamma", 1)
    await panel.wait(timeout=30)
    assert len(await aclient.evaluations.my_feedbacks()) == feedback_count
    assert panel.results["rating"].tolist() == [1, pd.NA, 1]

    battles = panel.battles
    assert battles[["model_a", "model_b", "winner"]].values.tolist() == [
        ["alpha", "beta", "model_a"],
        ["alpha", "gamma", "tie"],
        ["beta", "gamma", "model_b"],
    ]
    board = panel.leaderboard(rounds=200)
    assert board["model"].tolist()[-1] == "beta"
    assert (board["ci_low"] <= board["rating"]).all() and (
        board["rating"] <= board["ci_high"]
    ).all()
    await panel.aclose()


async def test_fast_model_does_not_flood_the_front_end(aclient, provider):
    # 2,000 tokens as fast as the server relays them.
    panel = ComparePanel(["long", "alpha"], "flood", client=aclient)
    run = panel.run()
    assert run is not None
    pushes = []
    run.views[0].widget.observe(lambda change: pushes.append(len(change["new"])), "value")
    loop = asyncio.get_running_loop()
    start = loop.time()
    await panel.wait(timeout=60)
    elapsed = loop.time() - start
    throttle = panel._renderer.throttle
    # At most one render per 80 ms (plus the first and the final), however fast tokens come.
    assert len(pushes) <= elapsed / throttle.interval + 3
    assert throttle.renders <= elapsed / throttle.interval + 2
    result = run.results[0]
    assert result.usage.completion_tokens == 2000
    assert run.views[0].widget.value == answer_html(
        result.content, final=True, result=result, chars=True
    )
    await panel.aclose()


async def test_two_panels_run_at_once(aclient, provider):
    provider.configure("slow", ttft=0.0, tokens_per_second=40, answer_tokens=30)
    first = ComparePanel(["slow", "alpha"], "panel one", client=aclient)
    second = ComparePanel(["slow", "beta"], "panel two", client=aclient)
    first.run_button.click()
    second.run_button.click()
    await until(
        lambda: first.runs[0].views[0].text and second.runs[0].views[0].text,
        what="both panels streaming",
    )
    assert first.running and second.running
    await asyncio.gather(first.wait(timeout=30), second.wait(timeout=30))
    assert first.results["status"].tolist() == ["ok", "ok"]
    assert second.results["answer"][1] == expected(provider, "beta", "panel two")
    await first.aclose()
    await second.aclose()


async def test_bad_settings_get_one_clear_line_and_nothing_is_sent(aclient, provider):
    panel = ComparePanel([], client=aclient)
    await panel.wait(timeout=30)
    sent = len(provider.requests)
    panel.run_button.click()
    assert "pick at least one model" in panel.status.value
    panel.model_select.value = ("alpha",)
    panel.run_button.click()
    assert "prompt is empty" in panel.status.value
    panel.prompt_box.value = "hi"
    panel.temperature_box.value = "warm"
    panel.run_button.click()
    assert "temperature must be a number" in panel.status.value
    assert panel.runs == [] and len(provider.requests) == sent
    assert panel.results.empty and list(panel.results.columns) == list(RESULT_COLUMNS)
    assert panel.leaderboard().empty
    await panel.aclose()


async def test_compare_entry_point_runs_at_once_and_hides_the_key(aclient, owui_sandbox):
    panel = compare(["alpha", "beta"], "one call", client=aclient)
    assert panel.running
    await panel.wait(timeout=30)
    assert panel.results["answer"][0].startswith("alpha says")
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert owui_sandbox.api_key not in repr(panel) + str(bundle)
    await panel.aclose()


async def test_server_down_is_one_line_in_the_panel(owui_sandbox):
    from owui_notebook.client import AsyncOpenWebUI
    from owui_notebook.sandbox.server import free_port

    async with AsyncOpenWebUI(
        f"http://127.0.0.1:{free_port()}", owui_sandbox.api_key, max_retries=0
    ) as down:
        panel = ComparePanel(["alpha"], "anyone?", client=down)
        await panel.wait(timeout=30)
        assert "could not list the server&#x27;s models" in panel.status.value
        panel.run_button.click()
        await panel.wait(timeout=30)
        row = panel.results.iloc[0]
        assert row["status"] == "error" and "is the server running" in row["error"]
        assert row["chat_id"] is None
        assert owui_sandbox.api_key not in panel.status.value + panel.runs[0].views[0].widget.value
        await panel.aclose()


async def test_a_sync_client_is_mirrored_by_an_async_one(client, owui_sandbox):
    panel = ComparePanel(["alpha"], "from a sync client", client=client)
    assert panel._owns_client and panel._client is not client
    panel.run_button.click()
    await panel.wait(timeout=30)
    assert panel.results["status"].tolist() == ["ok"]
    await panel.aclose()
    assert panel._client._http._client.is_closed
    assert owui_sandbox.api_key not in repr(panel._client)


async def test_panels_work_on_every_release_line(aclient_any, provider_any):
    panel = ComparePanel(["alpha", "beta"], "every version", client=aclient_any)
    panel.run_button.click()
    await panel.wait(timeout=60)
    results = panel.results
    assert results["status"].tolist() == ["ok", "ok"]
    assert results["answer"].tolist() == [
        expected(provider_any, m, "every version") for m in ("alpha", "beta")
    ]
    await asaved(aclient_any, results["chat_id"][0])
    await panel.aclose()

    chat = ChatPanel("gamma", client=aclient_any)
    chat.send("and a chat")
    await chat.wait(timeout=60)
    assert chat.results["answer"][0] == expected(provider_any, "gamma", "and a chat")
    await asaved(aclient_any, chat.chat.id)
    await chat.aclose()


async def test_clicks_on_a_kernel_subshell_thread_run_on_the_panels_loop(aclient, provider):
    """JupyterLab 4.6 with ipykernel 7 sends widget messages on subshell threads, each with
    a loop of its own (``commsOverSubshells="perCommTarget"``, the default): Run, Stop and
    the thumbs clicked there still run on the panel's loop, with the panel's client."""
    for model in THREE:
        provider.configure(model, tokens_per_second=60, answer_tokens=20)
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    loop = asyncio.get_running_loop()
    panel = ComparePanel(THREE, client=aclient)
    await panel.wait(timeout=30)
    with Subshell() as subshell:
        for k in (1, 2, 3):
            panel.prompt_box.value = f"again {k}"
            # The click returns at once; the run starts on the panel's loop.
            assert await subshell.call(panel.run_button.click) is None
            await until(lambda k=k: len(panel.runs) == k, what=f"run {k} started")
            assert panel._running is not None and panel._running.get_loop() is loop
            await aclient.models.list()  # the same client, used meanwhile from its own loop
            await panel.wait(timeout=30)
            run = panel.runs[-1]
            assert [r.error for r in run.results] == [None, None, None]
            assert f"Run {k} · all at once · done in" in run.header.value
        await subshell.call(panel.runs[0].rate_buttons[1][0].click)
        await until(lambda: panel.runs[0].ratings[1] == 1, what="the thumbs-up saved")

        panel.model_select.value = ("alpha", "slow")
        await subshell.call(panel.run_button.click)
        await until(lambda: len(panel.runs) == 4, what="run 4 started")
        slow = panel.runs[-1].views[1]
        await until(lambda: len(slow.text) > 20, what="slow model streaming")
        await subshell.call(panel.stop_button.click)
        await panel.wait(timeout=30)
        assert panel.runs[-1].stopping and "stopped in" in panel.runs[-1].header.value
    assert panel._tasks.errors == []
    results = panel.results
    assert results["status"].tolist()[:9] == ["ok"] * 9 and results["status"].iloc[10] == "stopped"
    assert results["answer"].tolist()[:9] == [
        expected(provider, m, f"again {k}") for k in (1, 2, 3) for m in THREE
    ]
    assert results["rating"].tolist()[:3] == [pd.NA, 1, pd.NA]
    await panel.aclose()
