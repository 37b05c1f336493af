"""The frames' dtype rules and schemas (pure; no server)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from owui_notebook import frames
from owui_notebook.frames._progress import Progress, in_notebook
from owui_notebook.frames._types import Column, Schema, documents, epoch_ns, utc_datetimes

SECOND = 1_795_429_812  # 2026-11-23 10:30:12 UTC
SCHEMAS = {
    name: getattr(frames, name)
    for name in frames.__all__
    if name.endswith("_COLUMNS") and isinstance(getattr(frames, name), Schema)
}


@pytest.mark.parametrize(
    "value",
    [
        SECOND,
        float(SECOND),
        SECOND * 1_000,  # milliseconds (the chat's own `timestamp`)
        SECOND * 1_000_000,
        SECOND * 1_000_000_000,
        str(SECOND),
        "2026-11-23T10:30:12Z",
        "2026-11-23T11:30:12+01:00",
        datetime(2026, 11, 23, 10, 30, 12, tzinfo=timezone.utc),
        datetime(2026, 11, 23, 10, 30, 12),  # naive: taken as UTC
    ],
)
def test_epoch_units_are_detected_per_value(value):
    assert epoch_ns(value) == SECOND * 1_000_000_000


def test_fractional_seconds_and_dates():
    assert epoch_ns(SECOND + 0.25) == SECOND * 1_000_000_000 + 250_000_000
    assert epoch_ns(date(2026, 11, 23)) == pd.Timestamp("2026-11-23", tz="UTC").value


@pytest.mark.parametrize("value", [None, 0, -5, True, "", "not a date", float("nan"), [1]])
def test_unset_or_unreadable_times_are_missing(value):
    assert epoch_ns(value) is None


def test_mixed_units_in_one_column_become_one_utc_timeline():
    stamps = utc_datetimes([SECOND, SECOND * 1000, None, SECOND + 1])
    assert str(stamps.dtype) == "datetime64[ns, UTC]"
    assert stamps[0] == stamps[1] == pd.Timestamp(SECOND, unit="s", tz="UTC")
    assert pd.isna(stamps[2]) and (stamps[3] - stamps[0]).total_seconds() == 1


SAMPLE = Schema(
    Column("id", "string", "an id"),
    Column("model", "category", "a model"),
    Column("n", "int", "a count"),
    Column("x", "float", "a figure"),
    Column("flag", "bool", "a flag"),
    Column("at", "datetime", "a time"),
    Column("day", "day", "a local day"),
    Column("tags", "object", "a list"),
)


def test_schema_frame_dtypes_and_missing_keys():
    rows = [
        {"id": "a", "model": "alpha", "n": 3, "x": 0.5, "flag": 1, "at": SECOND, "tags": ["t"]},
        {"id": None, "model": None, "n": 7.0, "flag": "false", "day": "2026-11-23"},
    ]
    frame = SAMPLE.frame(rows, source="server:/x", note=None)
    assert list(frame.columns) == SAMPLE.names
    dtypes = {c: str(t) for c, t in frame.dtypes.items()}
    assert dtypes == {
        "id": "string",
        "model": "category",
        "n": "Int64",
        "x": "float64",
        "flag": "boolean",
        "at": "datetime64[ns, UTC]",
        "day": dtypes["day"],
        "tags": "object",
    }
    assert dtypes["day"].startswith("datetime64[") and "UTC" not in dtypes["day"]
    assert frame["n"].tolist() == [3, 7] and frame["flag"].tolist() == [True, False]
    assert pd.isna(frame.loc[1, "id"]) and pd.isna(frame.loc[1, "model"])
    assert (
        pd.isna(frame.loc[1, "x"]) and pd.isna(frame.loc[1, "at"]) and frame.loc[0, "tags"] == ["t"]
    )
    assert frame.attrs == {"source": "server:/x"}  # None-valued attrs are left out


def test_empty_frames_keep_columns_and_dtypes():
    empty = SAMPLE.empty(source="client:/y")
    assert empty.empty and list(empty.columns) == SAMPLE.names
    assert str(empty["at"].dtype) == "datetime64[ns, UTC]" and str(empty["n"].dtype) == "Int64"
    assert str(empty["model"].dtype) == "category" and empty.attrs["source"] == "client:/y"


def test_extra_keys_are_kept_after_the_documented_columns():
    frame = SAMPLE.frame([{"id": "a", "new_field": {"k": 1}}], extra=True)
    assert list(frame.columns) == [*SAMPLE.names, "new_field"]
    assert frame.loc[0, "new_field"] == {"k": 1}


def test_documents_appends_the_column_list():
    @documents(SAMPLE)
    def loader():
        """Load things."""

    assert loader.__doc__.startswith("Load things.")
    for column in SAMPLE:
        assert column.name in loader.__doc__ and column.doc in loader.__doc__


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_public_schema_builds_an_empty_frame(name):
    schema = SCHEMAS[name]
    assert len(set(schema.names)) == len(schema.names), "duplicate column"
    frame = schema.empty()
    assert list(frame.columns) == schema.names and frame.empty


def test_every_loader_documents_its_columns():
    documented = {
        frames.models_frame: frames.MODEL_COLUMNS,
        frames.chats_frame: frames.CHAT_COLUMNS,
        frames.usage_frame: frames.USAGE_COLUMNS,
        frames.usage_models_frame: frames.USAGE_MODEL_COLUMNS,
        frames.export_frame: frames.EXPORT_COLUMNS,
        frames.messages_frame: frames.MESSAGE_COLUMNS,
        frames.chat_messages_frame: frames.CHAT_MESSAGE_COLUMNS,
        frames.feedback_frame: frames.FEEDBACK_COLUMNS,
        frames.leaderboard_frame: frames.LEADERBOARD_COLUMNS,
    }
    for func, schema in documented.items():
        for column in schema.names:
            assert f"    {column} " in func.__doc__, (func.__name__, column)


def test_progress_is_silent_outside_a_notebook():
    assert not in_notebook()
    with Progress("loading") as bar:
        bar.update(3)
        assert not bar.active and bar.count == 3
    assert not Progress("x", enabled=False).active


def test_progress_can_be_forced_on(capsys):
    pytest.importorskip("tqdm")
    with Progress("loading", total=2, enabled=True, delay=0) as bar:
        assert bar.active
        bar.update(2)
    assert "loading" in capsys.readouterr().err


def test_importing_frames_loads_no_plotting_widgets_or_progress_bars():
    code = (
        "import sys, owui_notebook.frames; "
        "bad = {'matplotlib', 'ipywidgets', 'tqdm', 'IPython'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_progress_falls_back_to_an_ipywidgets_bar_in_a_notebook(monkeypatch):
    pytest.importorskip("ipywidgets")
    from owui_notebook.frames import _progress

    shown = []
    monkeypatch.setattr(_progress, "in_notebook", lambda: True)
    monkeypatch.setattr(_progress, "_tqdm", lambda *a: None)  # as if tqdm were not installed
    monkeypatch.setattr("IPython.display.display", shown.append)
    with Progress("loading", total=4, delay=0) as bar:
        assert bar.active
        bar.update(3)
        box = bar._widget._box
        assert box.children[0].value == 3 and box.children[1].value == "3/4"
    assert shown == [box]
