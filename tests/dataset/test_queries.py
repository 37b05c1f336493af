"""Queries on the dataset against a real server's data: DuckDB's answers equal the in-memory
helpers' (failed and timed answers included), and the dashboard and ``%owui stats`` built
from a dataset equal the ones built from the client, from aggregate queries only."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from owui_notebook import frames
from owui_notebook.dataset import Dataset, sync_dataset
from owui_notebook.frames.analysis import answer_mask


def _failed_kinds(messages: pd.DataFrame) -> tuple[int, int]:
    """Failed answers without text and with some: the data must hold both."""
    failed = messages[(messages["role"] == "assistant") & messages["error"].fillna(False)]
    empty = int((failed["content_length"].fillna(0) == 0).sum())
    return empty, len(failed) - empty


def test_duckdb_helpers_equal_the_in_memory_frames(account_timed, tmp_path):
    with account_timed.client() as client:
        sync_dataset(client, str(tmp_path), progress=False)
        messages = frames.messages_frame(client, progress=False)
    empty, with_text = _failed_kinds(messages)
    assert empty and with_text, "the account holds failed answers with and without text"
    assert messages["response_time_s"].notna().any()
    ds = Dataset(tmp_path)
    checks = [
        ("usage_over_time", {"freq": "day"}),
        ("usage_over_time", {"freq": "week", "metric": "total_tokens"}),
        ("usage_over_time", {"freq": "month", "metric": "completion_tokens"}),
        ("message_lengths", {}),
        ("message_lengths", {"by": "model"}),
        ("ratings_by_model", {}),
        ("response_times", {}),
        ("response_times", {"metric": "ttft_s"}),
        ("response_times", {"metric": "timestamp_gap_s"}),
        ("response_time_boxes", {}),
    ]
    for name, options in checks:
        expected = getattr(frames, name)(messages, **options)
        got = getattr(ds, name)(**options)
        assert not expected.empty, name
        pd.testing.assert_frame_equal(got, expected, check_exact=False, obj=f"{name}{options}")

    # The filters, in SQL, let through what the same filters let through in pandas.
    answers = messages[answer_mask(messages)]
    stamps = answers["timestamp"].sort_values()
    start, end = stamps.iloc[len(stamps) // 4], stamps.iloc[3 * len(stamps) // 4]
    models = sorted(answers["model"].astype(str).unique())[:2]
    kept = messages[
        (messages["timestamp"] >= start)
        & (messages["timestamp"] < end)
        & messages["model"].astype(str).isin(models)
    ]
    where = {"start": start, "end": end, "models": models, "users": list(ds.user_names().user_id)}
    for name in ("usage_over_time", "response_times", "ratings_by_model", "response_time_boxes"):
        expected = getattr(frames, name)(kept)
        pd.testing.assert_frame_equal(
            getattr(ds, name)(**where), expected, check_exact=False, obj=f"{name} filtered"
        )

    by_user = ds.usage_by_user()
    assert by_user["answers"].sum() == len(answers)
    assert by_user["total_tokens"].sum() == answers["total_tokens"].sum()
    long = ds.usage_by_user(by_model=True)
    assert long["answers"].sum() == len(answers)
    assert long["total_tokens"].sum() == answers["total_tokens"].sum()


@pytest.fixture
def queries(monkeypatch):
    """Every query a `Dataset` runs, with its parameters (recorded, then run as usual)."""
    seen: list[tuple[Dataset, str, list]] = []
    run = Dataset._run

    def recording(self, query, params=None):
        seen.append((self, query, list(params or [])))
        return run(self, query, params)

    monkeypatch.setattr(Dataset, "_run", recording)
    return seen


def _result_sizes(queries) -> list[tuple[int, list[str], str]]:
    """Rows and columns of each recorded query's result, counted by DuckDB itself."""
    out = []
    for ds, query, params in queries:
        cursor = ds.con.cursor()
        rows = cursor.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
        columns = [d[0] for d in cursor.execute(f"{query} LIMIT 0", params).description]
        out.append((rows, columns, query))
    return out


async def test_dashboard_and_stats_of_a_dataset_equal_the_clients_from_aggregates_only(
    account_timed, tmp_path, queries
):
    pytest.importorskip("ipywidgets")
    pytest.importorskip("matplotlib")
    from IPython.testing.globalipapp import get_ipython

    from owui_notebook import dashboard

    with account_timed.client() as client:
        sync_dataset(client, str(tmp_path), progress=False)
        messages = frames.messages_frame(client, progress=False)
    answers = messages[answer_mask(messages)]
    queries.clear()
    board = dashboard(dataset=str(tmp_path), freq="month")
    expected = dashboard(client=account_timed.client(), freq="month")
    await board.wait(timeout=60)
    await expected.wait(timeout=60)
    assert board.messages is None and expected.messages is not None

    async def same(what: str) -> None:
        await board.wait(timeout=60)
        await expected.wait(timeout=60)
        got, want = board.figures, expected.figures
        assert got is not None and want is not None
        assert got.tables.keys() == want.tables.keys() == {"usage", "response_times", "ratings"}
        for name, table in want.tables.items():
            pd.testing.assert_frame_equal(got.tables[name], table, check_dtype=False, obj=name)
        pd.testing.assert_frame_equal(got.boxes, want.boxes, obj=f"boxes {what}")
        assert got.summary == want.summary, what
        assert board.summary.value == expected.summary.value, what
        pngs = [bytes(w.value) for w in board.charts.children]
        assert pngs == [bytes(w.value) for w in expected.charts.children], what

    assert board.model_select.options == expected.model_select.options
    assert board.user_select.options == expected.user_select.options
    assert board.user_select.options[0][0].startswith("Dataset ")  # a name, not an id
    assert board.start_picker.value == expected.start_picker.value
    assert board.end_picker.value == expected.end_picker.value
    assert not board.figures.boxes.empty and board.figures.summary["answers"] == len(answers)
    await same("everything")

    # Only aggregates came out of DuckDB: no result is as long as the answers, or has ids.
    months, models = len(board.tables["usage"]), len(board.model_select.options)
    bound = max(months * models, len(board.user_select.options))
    assert bound < len(answers) // 2  # the data is large enough for the bound to mean it
    for rows, columns, query in _result_sizes(queries):
        assert rows <= bound and "message_id" not in columns, (rows, columns, query)
    with pytest.raises(TypeError, match="holds no message rows"):
        _ = board.filtered

    first = answers["timestamp"].min().date()
    for target in (board, expected):
        target.model_select.value = target.model_select.options[:2]
        target.user_select.value = (target.user_select.options[0][1],)
        target.start_picker.value = first + dt.timedelta(days=20)
        target.freq_toggle.value = "week"
    await same("two models, later dates, per week")
    await board.aclose()
    await expected.aclose()

    queries.clear()
    ip = get_ipython()
    ip.run_line_magic("load_ext", "owui_notebook")
    per_user = ip.run_line_magic("owui", f"stats --dataset {tmp_path}")
    assert int(per_user["answers"].sum()) == len(answers)
    assert per_user["email"].tolist() == [account_timed.email]
    long = ip.run_line_magic("owui", f"stats --dataset {tmp_path} --long")
    assert int(long["total_tokens"].sum()) == int(answers["total_tokens"].sum())
    assert int(long["answers"].sum()) == len(answers)
    sizes = _result_sizes(queries)
    assert sizes and all(rows <= models and "message_id" not in cols for rows, cols, _ in sizes)
