"""StatsDashboard: filters drive the tables and charts; messages load from a real server."""

from __future__ import annotations

import asyncio
import datetime as dt

import pandas as pd
import pytest

from owui_notebook.frames import MESSAGE_COLUMNS, response_times, usage_over_time
from owui_notebook.widgets import ComparePanel, StatsDashboard, dashboard
from tests.helpers.loop import Subshell, until

PNG = b"\x89PNG"


def sample() -> pd.DataFrame:
    """A question and an answer per row below, as a messages frame has them."""
    day = 86_400
    monday = dt.datetime(2026, 11, 2, 12, tzinfo=dt.timezone.utc).timestamp()
    answers = [
        # (day offset, chat, user, model, total s, ttft s, rating)
        (0, "c1", "u1", "alpha", 1.0, 0.1, 1),
        (0, "c1", "u1", "beta", 3.0, 0.3, -1),
        (1, "c2", "u2", "alpha", 2.0, 0.2, None),
        (1, "c2", "u2", "alpha", None, None, 1),  # saved by another client: no timings
        (8, "c3", "u1", "beta", 5.0, 0.5, None),
    ]
    rows = []
    for k, (offset, chat, user, model, total, ttft, rating) in enumerate(answers):
        stamp = pd.Timestamp(monday + offset * day, unit="s", tz="UTC")
        base = {"chat_id": chat, "user_id": user, "timestamp": stamp}
        rows.append({**base, "message_id": f"q{k}", "role": "user", "model": None})
        rows.append(
            {
                **base,
                "message_id": f"a{k}",
                "role": "assistant",
                "model": model,
                "response_time_s": total,
                "ttft_s": ttft,
                "rating": rating,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype({"response_time_s": "float64", "ttft_s": "float64", "rating": "Int64"})


def pngs(board) -> list[bytes]:
    return [bytes(w.value) for w in board.charts.children]


async def test_filters_redraw_tables_and_charts():
    board = StatsDashboard(sample())
    await board.wait(timeout=60)
    assert board.model_select.options == ("alpha", "beta")
    assert board.user_select.options == ("u1", "u2")
    assert board.start_picker.value == dt.date(2026, 11, 2)
    assert board.end_picker.value == dt.date(2026, 11, 10)
    assert len(board.filtered) == 5 and set(board.filtered["role"]) == {"assistant"}
    usage = board.tables["usage"]
    assert usage.loc["2026-11-02"].tolist() == [1, 1]
    assert usage.loc["2026-11-03"].tolist() == [2, 0]
    assert len(usage) == 9 and usage.loc["2026-11-05"].tolist() == [0, 0]  # quiet days too
    assert usage.sum().to_dict() == {"alpha": 3, "beta": 2}
    times = board.tables["response_times"]
    assert times.loc["alpha", "count"] == 2 and times.loc["alpha", "p50"] == 1.5
    assert times.loc["beta", "p50"] == 4.0
    ratings = board.tables["ratings"]
    assert ratings.loc["alpha", ["answers", "rated", "up", "down"]].tolist() == [3, 2, 2, 0]
    assert ratings.loc["beta", ["up", "down", "net"]].tolist() == [0, 1, -1]
    images = pngs(board)
    assert len(images) == 3 and all(png.startswith(PNG) for png in images)
    assert "5 answers · 3 chats · 2 models · 2026-11-02 to 2026-11-10" in board.summary.value

    board.model_select.value = ("beta",)
    board.freq_toggle.value = "week"
    await board.wait(timeout=60)
    usage = board.tables["usage"]
    assert list(usage.columns) == ["beta"]
    assert usage["beta"].to_dict() == {
        pd.Timestamp("2026-11-02", tz="UTC"): 1,
        pd.Timestamp("2026-11-09", tz="UTC"): 1,
    }
    assert pngs(board) != images

    board.model_select.value = ()
    board.user_select.value = ("u2",)
    await board.wait(timeout=60)
    assert board.tables["ratings"]["answers"].to_dict() == {"alpha": 2}

    board.user_select.value = ()
    board.start_picker.value = dt.date(2026, 11, 3)
    board.end_picker.value = dt.date(2026, 11, 3)
    await board.wait(timeout=60)
    assert len(board.filtered) == 2 and set(board.filtered["chat_id"]) == {"c2"}

    board.start_picker.value = dt.date(2030, 1, 1)
    board.end_picker.value = None
    await board.wait(timeout=60)
    assert board.filtered.empty and board.tables["usage"].empty
    assert "no answers in this selection" in board.summary.value
    assert all(png.startswith(PNG) for png in pngs(board))

    board.reload()  # no server behind a dashboard of a DataFrame
    assert "no server to reload from" in board.status.value
    await board.aclose()


async def test_the_user_filter_lists_names_and_filters_by_id():
    frame = sample()
    frame["user_name"] = frame["user_id"].map({"u1": "Zoe", "u2": "Ann"}).astype("string")
    board = StatsDashboard(frame)
    await board.wait(timeout=60)
    assert board.user_select.options == (("Ann", "u2"), ("Zoe", "u1"))
    board.user_select.value = ("u2",)
    await board.wait(timeout=60)
    assert set(board.filtered["user_id"]) == {"u2"}


async def test_a_frame_without_users_or_figures_still_charts():
    frame = sample().drop(columns=["user_id", "response_time_s", "ttft_s", "rating"])
    board = StatsDashboard(frame, freq="month")
    await board.wait(timeout=60)
    assert board.user_select.disabled and board.user_select.options == ()
    assert board.tables["usage"].sum().to_dict() == {"alpha": 3, "beta": 2}
    assert board.tables["response_times"].empty and board.tables["ratings"]["rated"].sum() == 0
    assert all(png.startswith(PNG) for png in pngs(board))
    await board.aclose()


async def test_data_without_the_needed_columns_is_refused():
    with pytest.raises(ValueError, match="role"):
        StatsDashboard(pd.DataFrame({"model": ["a"], "timestamp": [0]}))
    with pytest.raises(ValueError, match="freq"):
        StatsDashboard(sample(), freq="hour")
    with pytest.raises(TypeError, match=r"dashboard\(dataset=DIR\)"):
        StatsDashboard("owui-data")  # a directory is a dataset's, given by name


async def test_dashboard_loads_the_answers_the_panels_saved(aclient, provider):
    panel = ComparePanel(["alpha", "beta"], "chart me", client=aclient)
    panel.run_button.click()
    await panel.wait(timeout=30)
    panel.rate("beta", 1)
    await panel.wait(timeout=30)
    ours = panel.results.set_index("message_id")
    await panel.aclose()

    board = dashboard(client=aclient)
    await board.wait(timeout=60)
    assert set(MESSAGE_COLUMNS.names) <= set(board.messages.columns)
    assert board.messages.attrs["source"] == "client:/api/v1/chats/all"
    mine = board.messages.set_index("message_id").loc[ours.index]
    assert mine["model"].astype(str).tolist() == ["alpha", "beta"]
    assert mine["rating"].tolist() == [pd.NA, 1]
    assert mine["completion_tokens"].tolist() == ours["completion_tokens"].tolist()
    assert ((mine["response_time_s"] - ours["total_s"]).abs() < 1e-3).all()
    assert mine["user_id"].notna().all()
    # The user filter names the users (here the sandbox's admin), not their ids.
    me = await aclient.auths.me()
    assert board.user_select.options == ((me.name, me.id),)
    assert me.name and me.name != me.id
    assert (mine["timestamp"].dt.date == dt.datetime.now(dt.timezone.utc).date()).all()
    assert board.tables["ratings"].loc["beta", "up"] >= 1
    assert all(png.startswith(PNG) for png in pngs(board))

    board.model_select.value = ("alpha",)
    await board.wait(timeout=60)
    assert list(board.tables["usage"].columns) == ["alpha"]
    await board.aclose()


async def test_reload_and_filters_on_a_kernel_subshell_thread_stay_on_the_panels_loop(
    aclient, provider
):
    """Reload clicked, and filters changed, on a kernel subshell's thread (JupyterLab 4.6's
    default): loads and redraws run on the dashboard's loop, with its client."""
    provider.configure("gamma", fail_status=500, fail_message="GPU on fire")
    panel = ComparePanel(["alpha", "beta", "gamma"], "chart me twice", client=aclient)
    panel.run_button.click()
    await panel.wait(timeout=30)
    ours = panel.results.set_index("message_id")
    await panel.aclose()
    assert ours["status"].tolist() == ["ok", "ok", "error"]

    loop = asyncio.get_running_loop()
    board = dashboard(client=aclient)
    await board.wait(timeout=60)
    with Subshell() as subshell:
        for k in range(3):
            loaded = board.messages
            await subshell.call(board.reload_button.click)
            await until(lambda loaded=loaded: board.messages is not loaded, what=f"reload {k}")
            await board.wait(timeout=60)
        # A filter changed in the front end: the observer runs on the subshell's thread.
        await subshell.call(lambda: setattr(board.model_select, "value", ("alpha",)))
        await until(lambda: list(board.tables["usage"].columns) == ["alpha"], what="redraw")
        assert board._redrawing is not None and board._redrawing.get_loop() is loop
        await board.wait(timeout=60)
    assert board._tasks.errors == []

    # gamma's failed answer is saved with its error, and counted nowhere.
    mine = board.messages.set_index("message_id").loc[ours.index]
    assert mine["error"].tolist() == [False, False, True]
    board.model_select.value = ()
    await board.wait(timeout=60)
    assert ours.index[2] not in set(board.filtered["message_id"])
    figures = response_times(board.messages[board.messages["chat_id"] == ours["chat_id"].iloc[0]])
    assert sorted(figures.index) == ["alpha", "beta"]
    await board.aclose()


def test_failed_answers_count_in_no_figure():
    """A failed answer with no text is no answer; and no failed answer's times count (they
    time the failure): a model's response times are its answers' alone."""
    frame = sample().assign(error=False, content_length=10)
    failed = frame.iloc[[1, 1]].assign(
        message_id=["ax", "ay"], response_time_s=0.2, ttft_s=0.2, error=True
    )
    failed["content_length"] = [0, 4]  # ay failed after some text
    frame = pd.concat([frame, failed], ignore_index=True)
    times = response_times(frame)
    assert times.loc["alpha", "count"] == 2 and times.loc["alpha", "min"] == 1.0
    assert usage_over_time(frame)["alpha"].tolist()[:2] == [2, 2]  # a0 and ay; a2, a3
    board = StatsDashboard(frame)
    assert "ax" not in set(board.filtered["message_id"]) and "ay" in set(
        board.filtered["message_id"]
    )
