"""What the dashboard charts, from a frame of messages or from a dataset on disk.

Both sources answer the same two questions, `options()` (what the filters offer) and
`figures(filters)` (the tables, the box plot's figures and the summary), with the same
small frames: `FrameSource` by the frames layer's helpers over the rows it holds,
`DatasetSource` by DuckDB over the Parquet files, so that no message row is loaded however
large the dataset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..frames import ratings_by_model, response_times, usage_over_time
from ..frames.analysis import answer_mask, response_time_boxes


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: dates inclusive, no models or users meaning all."""

    start: dt.date | None = None
    end: dt.date | None = None
    models: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    freq: str = "day"


@dataclass
class Options:
    models: list[str] = field(default_factory=list)
    users: pd.DataFrame | None = None  # user_id (and user_name) of each user
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None


@dataclass
class Figures:
    tables: dict[str, pd.DataFrame]  # usage, response_times, ratings
    boxes: pd.DataFrame  # response times' box plot figures per model
    summary: dict[str, Any]  # answers, chats, models, first, last
    freq: str = "day"


class FrameSource:
    """Messages held in memory (a `messages_frame`, or what the client loaded)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def options(self) -> Options:
        answers = self.frame[answer_mask(self.frame)]
        stamps = answers["timestamp"].dropna()
        users = None
        if "user_id" in self.frame.columns:
            users = self.frame.loc[:, [c for c in ("user_id", "user_name") if c in self.frame]]
        return Options(
            models=sorted(str(m) for m in answers["model"].dropna().unique()),
            users=users,
            first=stamps.min() if len(stamps) else None,
            last=stamps.max() if len(stamps) else None,
        )

    def filtered(self, filters: Filters) -> pd.DataFrame:
        """The answers `filters` let through (see `frames.analysis.answer_mask`)."""
        frame = self.frame[answer_mask(self.frame)]
        if filters.start is not None:
            frame = frame[frame["timestamp"] >= pd.Timestamp(filters.start, tz="UTC")]
        if filters.end is not None:
            end = pd.Timestamp(filters.end, tz="UTC") + dt.timedelta(days=1)
            frame = frame[frame["timestamp"] < end]
        if filters.models:
            frame = frame[frame["model"].astype(str).isin(filters.models)]
        if filters.users:
            frame = frame[frame["user_id"].astype(str).isin(filters.users)]
        return frame

    def figures(self, filters: Filters) -> Figures:
        answers = self.filtered(filters)
        tables = {
            "usage": usage_over_time(answers, freq=filters.freq),
            "response_times": response_times(answers),
            "ratings": ratings_by_model(answers),
        }
        stamps = answers["timestamp"].dropna()
        summary = {
            "answers": len(answers),
            "chats": int(answers["chat_id"].nunique()),
            "models": sorted(str(m) for m in answers["model"].dropna().unique()),
            "first": stamps.min() if len(stamps) else None,
            "last": stamps.max() if len(stamps) else None,
        }
        return Figures(tables, response_time_boxes(answers), summary, filters.freq)


class DatasetSource:
    """A `owui_notebook.dataset.Dataset`: every figure an aggregate query in DuckDB."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def options(self) -> Options:
        summary = self.dataset.answer_summary()
        return Options(
            models=summary["models"],
            users=self.dataset.user_names(),
            first=summary["first"],
            last=summary["last"],
        )

    def _where(self, filters: Filters) -> dict[str, Any]:
        return {
            "start": filters.start,
            "end": None if filters.end is None else filters.end + dt.timedelta(days=1),
            "models": filters.models,
            "users": filters.users,
        }

    def figures(self, filters: Filters) -> Figures:
        where = self._where(filters)
        ds = self.dataset
        tables = {
            "usage": ds.usage_over_time(freq=filters.freq, **where),
            "response_times": ds.response_times(**where),
            "ratings": ds.ratings_by_model(**where),
        }
        boxes = ds.response_time_boxes(**where)
        return Figures(tables, boxes, ds.answer_summary(**where), filters.freq)
