"""The analysis helpers on frames of known content (pure; plots drawn off-screen)."""

from __future__ import annotations

import pandas as pd
import pytest

from owui_notebook.frames import (
    MESSAGE_COLUMNS,
    export_record,
    message_lengths,
    ratings_by_model,
    response_times,
    shape_feedback,
    shape_messages,
    usage_over_time,
)
from tests.helpers.records import branched_chat

WEEK = 7 * 86400


@pytest.fixture
def msgs():
    # Two chats two weeks apart: the weeks between must show up empty.
    records = [export_record(branched_chat("c1")), export_record(branched_chat("c2", 2 * WEEK))]
    return shape_messages(records, source="client:/test")


@pytest.fixture
def ax():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def test_usage_per_model_per_week_fills_empty_weeks(msgs, ax):
    table = usage_over_time(msgs, freq="week", ax=ax)
    monday = pd.Timestamp("2026-11-23", tz="UTC")
    assert list(table.index) == [
        monday,
        monday + pd.Timedelta(days=7),
        monday + pd.Timedelta(days=14),
    ]
    assert table.to_dict("list") == {"alpha": [2, 0, 2], "beta": [1, 0, 1]}
    assert str(table["alpha"].dtype) == "Int64" and table.attrs["source"] == "client:/test"
    assert len(ax.get_lines()) == 2


def test_usage_per_day_in_tokens(msgs):
    table = usage_over_time(msgs, freq="D", metric="completion_tokens")
    assert len(table) == 15 and table["alpha"].sum() == 2 * (2 + 1) and table["beta"].sum() == 8


def test_usage_of_nothing_is_an_empty_table():
    assert usage_over_time(MESSAGE_COLUMNS.empty()).empty


def test_response_time_distribution_per_model(msgs, ax):
    table = response_times(msgs, ax=ax)
    assert list(table.columns) == ["count", "mean", "std", "min", "p50", "p90", "p99", "max"]
    assert table.loc["alpha", "count"] == 2 and table.loc["alpha", "mean"] == 1.5
    assert table.loc["beta", "p50"] == 2.0
    speed = response_times(msgs, metric="tokens_per_second")
    assert speed.index.tolist() == ["alpha"] and speed.loc["alpha", "max"] == 2.0


def test_user_vs_assistant_message_length(msgs, ax):
    table = message_lengths(msgs, ax=ax)
    assert table.index.tolist() == ["user", "assistant"]
    assert table.loc["user", "count"] == 4 and table.loc["user", "total"] == 2 * (8 + 5)
    assert table.loc["assistant", "mean"] == (6 + 3 + 5) / 3
    per_model = message_lengths(msgs, by="model")
    assert per_model.loc["alpha", "median"] == 5.5 and per_model.loc["beta", "max"] == 3


def test_ratings_per_model_from_messages_and_from_feedback(msgs, ax):
    table = ratings_by_model(msgs, ax=ax)
    assert table.loc["alpha"].tolist() == [4, 2, 2, 0, 1.0, 2]
    assert table.loc["beta"].tolist() == [2, 2, 0, 2, 0.0, -2]
    feedback = shape_feedback(
        [{"id": "f", "data": {"model_id": "gamma", "rating": -1}}, {"id": "g", "data": {}}]
    )
    from_feedback = ratings_by_model(feedback)
    assert from_feedback.index.tolist() == ["gamma"] and pd.isna(
        from_feedback.loc["gamma", "answers"]
    )
    assert from_feedback.loc["gamma", ["rated", "down", "net"]].tolist() == [1, 1, -1]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: usage_over_time(f, freq="year"), "freq"),
        (lambda f: usage_over_time(f, metric="words"), "metric"),
        (lambda f: response_times(f, metric="speed"), "metric"),
        (lambda f: message_lengths(f, by="user"), "by"),
    ],
)
def test_bad_options_are_one_line_errors(msgs, call, message):
    with pytest.raises(ValueError, match=message):
        call(msgs)
