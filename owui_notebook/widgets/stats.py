"""StatsDashboard: usage per model over time, response times and ratings, with filters.

    from owui_notebook import dashboard
    board = dashboard()              # your chats' messages; or dashboard(messages_frame(...))
    board.tables["usage"]            # the numbers behind each chart

Tables and charts come from the frames layer's analysis helpers (`usage_over_time`,
`response_times`, `ratings_by_model`) over a frame, or from the same queries in DuckDB over
a dataset (``dashboard(dataset="DIR")``: no message row is loaded, only small tables); they
are redrawn in a worker thread, so the notebook stays responsive, whenever a filter
changes: date range, models, users, per day or week.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..client.errors import OpenWebUIError
from ..frames import export_record, shape_messages
from ._base import MUTED, Panel
from ._board_data import DatasetSource, Figures, Filters, FrameSource
from ._charts import charts
from ._tasks import error_text, on_panel_loop

if TYPE_CHECKING:
    from ..client import AsyncOpenWebUI, ChatRecord, OpenWebUI

#: Columns a frame given to `StatsDashboard` must have (a `messages_frame` has them all).
REQUIRED_COLUMNS = ("timestamp", "role", "model")
FREQS = ("day", "week", "month")
_SOURCE = "client:/api/v1/chats/all"


async def load_messages(client: AsyncOpenWebUI) -> pd.DataFrame:
    """The signed-in user's messages as the frames layer's `messages_frame` has them (read
    with the async client, so the kernel's loop never waits), plus each chat's ``user_id``
    and ``user_name`` (what the user filter lists)."""
    records = [record async for record in client.chats.all()]
    names = await _user_names(client, {r.user_id for r in records if r.user_id})
    # Shaping thousands of chats takes a moment of CPU: off the loop too.
    return await asyncio.to_thread(_shape, records, names)


async def _user_names(client: AsyncOpenWebUI, ids: set[str]) -> dict[str, str]:
    """Display names of the users `ids`: the signed-in user's, then (admins) everyone's."""
    names: dict[str, str] = {}
    with contextlib.suppress(OpenWebUIError):
        me = await client.auths.me()
        names[me.id] = me.name or me.email or me.id
    if ids - set(names):
        with contextlib.suppress(OpenWebUIError):  # not an admin: ids stay as they are
            for user in await client.users.list():
                names[user.id] = user.name or user.email or user.id
    return names


def _shape(records: list[ChatRecord], names: dict[str, str] | None = None) -> pd.DataFrame:
    frame = shape_messages([export_record(r) for r in records], source=_SOURCE)
    owners = {r.id: r.user_id for r in records}
    frame["user_id"] = frame["chat_id"].map(owners).astype("string")
    frame["user_name"] = frame["user_id"].map(names or {}).astype("string")
    return frame


def _user_options(frame: pd.DataFrame) -> list[Any]:
    """The user filter's choices: ``(name, id)`` pairs where a ``user_name`` column names them
    (a name two users share gets the id's start), else the ids themselves."""
    if "user_id" not in frame.columns:
        return []
    ids = sorted(str(u) for u in frame["user_id"].dropna().unique())
    if "user_name" not in frame.columns:
        return ids
    known = frame.dropna(subset=["user_id", "user_name"])
    names = dict(zip(known["user_id"].astype(str), known["user_name"].astype(str), strict=True))
    if not names:
        return ids
    labels = {i: names.get(i, i) for i in ids}
    shared = {n for n in labels.values() if list(labels.values()).count(n) > 1}
    pairs = [(f"{n} ({i[:8]})" if n in shared else n, i) for i, n in labels.items()]
    return sorted(pairs, key=lambda pair: pair[0].lower())


class StatsDashboard(Panel):
    """Charts of how models are used, how fast they answer and how they are rated.

    `data` is a frame of messages such as ``owui_notebook.frames.messages_frame(client)``
    gives (``timestamp``, ``role`` and ``model`` are required; a ``user_id`` column enables
    the user filter, which lists a ``user_name`` column's names where there is one), or an
    `owui_notebook.dataset.Dataset` (every figure a DuckDB aggregate; no rows loaded).
    Without it the dashboard loads the signed-in user's chats through `client` (Reload
    fetches them again). `freq` is ``day``, ``week`` or ``month``.
    """

    def __init__(
        self,
        data: pd.DataFrame | Any = None,
        *,
        client: AsyncOpenWebUI | OpenWebUI | None = None,
        freq: str = "day",
    ) -> None:
        if freq not in FREQS:
            raise ValueError(f"freq must be one of {', '.join(FREQS)}, not {freq!r}")
        super().__init__(client, connect=data is None or client is not None)
        self.messages: pd.DataFrame | None = None
        self.dataset: Any = None
        self._source: FrameSource | DatasetSource = FrameSource(shape_messages([]))
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: Figures | None = None
        self._quiet = False
        self._dirty = False
        self._redrawing: asyncio.Task[None] | None = None

        self.start_picker = widgets.DatePicker(description="From")
        self.end_picker = widgets.DatePicker(description="To")
        self.model_select = widgets.SelectMultiple(
            description="Models", rows=5, layout=widgets.Layout(width="300px")
        )
        self.user_select = widgets.SelectMultiple(
            description="Users", rows=5, layout=widgets.Layout(width="300px")
        )
        self.freq_toggle = widgets.ToggleButtons(
            options=[("Per day", "day"), ("Per week", "week"), ("Per month", "month")],
            value=freq,
            style={"button_width": "90px"},
        )
        self.reload_button = widgets.Button(
            description="Reload", icon="refresh", disabled=self._client is None
        )
        self.summary = widgets.HTML()
        self.charts = widgets.Box(
            layout=widgets.Layout(display="flex", flex_flow="row wrap", width="100%")
        )
        for control in (
            self.start_picker,
            self.end_picker,
            self.model_select,
            self.user_select,
            self.freq_toggle,
        ):
            control.observe(self._filters_changed, names="value")
        self.reload_button.on_click(lambda _b: self.reload())
        filters = widgets.HBox(
            [
                widgets.VBox([self.start_picker, self.end_picker, self.freq_toggle]),
                self.model_select,
                self.user_select,
            ]
        )
        self.widget = self._frame(
            filters,
            widgets.HBox([self.reload_button, self.summary, self.status]),
            self.charts,
            name="owui-stats-dashboard",
        )
        if data is not None:
            self.set_data(data)
        else:
            self.reload()

    def __repr__(self) -> str:
        if self.dataset is not None:
            return f"<StatsDashboard dataset={getattr(self.dataset, 'path', '?')}>"
        rows = 0 if self.messages is None else len(self.messages)
        return f"<StatsDashboard messages={rows}>"

    # -- data ---------------------------------------------------------------------------

    @on_panel_loop
    def reload(self) -> None:
        """Fetch the messages from the server again (in a task; ``await board.wait()``)."""
        if self._client is None:
            self._show_error("this dashboard was given its data; it has no server to reload from")
            return
        self._tasks.start(self._load(), name="owui-stats-load")

    async def _load(self) -> None:
        self._say("loading your chats…")
        self.reload_button.disabled = True
        try:
            messages = await load_messages(self._client)
        except Exception as exc:
            self._show_error(f"could not load the chats: {error_text(exc)}")
            return
        finally:
            self.reload_button.disabled = False
        self.set_data(messages)
        self._say("")

    @on_panel_loop
    def set_data(self, messages: pd.DataFrame | Any) -> None:
        """Chart `messages` (with at least `REQUIRED_COLUMNS`), or a `Dataset` (each figure
        an aggregate query over its files); the filters start wide open."""
        if isinstance(messages, pd.DataFrame):
            frame = _typed(messages)
            self.messages, self.dataset = frame, None
            self._source = FrameSource(frame)
        elif hasattr(messages, "answer_summary"):
            self.messages, self.dataset = None, messages
            self._source = DatasetSource(messages)
        else:
            raise TypeError(
                f"a dashboard charts a messages frame or a Dataset, not {type(messages).__name__}:"
                " for a directory, use dashboard(dataset=DIR)"
            )
        options = self._source.options()
        users = [] if options.users is None else _user_options(options.users)
        self._quiet = True  # one redraw for all these changes, not one each
        try:
            self.model_select.options, self.model_select.value = options.models, ()
            self.user_select.options, self.user_select.value = users, ()
            self.user_select.disabled = not users
            self.start_picker.value = options.first.date() if options.first is not None else None
            self.end_picker.value = options.last.date() if options.last is not None else None
        finally:
            self._quiet = False
        self.refresh()

    def _filters(self) -> Filters:
        return Filters(
            start=self.start_picker.value,
            end=self.end_picker.value,
            models=tuple(self.model_select.value),
            users=tuple(self.user_select.value),
            freq=self.freq_toggle.value,
        )

    @property
    def filtered(self) -> pd.DataFrame:
        """The answers the filters let through (every model / user when none is picked);
        a failed answer with no text is none (see `frames.analysis.answer_mask`). A
        dashboard of a dataset holds no rows: ask its `dataset` (``.sql(...)``) for them."""
        if self.dataset is not None:
            raise TypeError(
                "a dashboard of a dataset holds no message rows: its figures are in "
                ".tables; query rows with .dataset.sql(...)"
            )
        if self.messages is None:
            return shape_messages([])
        return FrameSource(self.messages).filtered(self._filters())

    # -- charts -------------------------------------------------------------------------

    @on_panel_loop
    def _filters_changed(self, _change: Any) -> None:
        if not self._quiet:
            self.refresh()

    @on_panel_loop
    def refresh(self) -> None:
        """Redraw tables and charts for the current filters (in a task, coalesced)."""
        self._dirty = True
        if self._redrawing is None or self._redrawing.done():
            self._redrawing = self._tasks.start(self._redraw(), name="owui-stats-redraw")

    async def _redraw(self) -> None:
        # Filters changed during a redraw get one more redraw, not one per change.
        while self._dirty:
            self._dirty = False
            figures, images = await asyncio.to_thread(_draw, self._source, self._filters())
            self.figures, self.tables = figures, figures.tables
            self.summary.value = _summary(figures.summary)
            if images is None:
                self._show_tables(figures.tables)
            else:
                self._show_images(images)

    def _show_images(self, images: list[bytes]) -> None:
        current = list(self.charts.children)
        if len(current) != len(images) or not all(isinstance(w, widgets.Image) for w in current):
            current = [widgets.Image(format="png") for _ in images]
            self.charts.children = tuple(current)
        for widget, png in zip(current, images, strict=True):
            with widget.hold_sync():
                widget.value = png

    def _show_tables(self, tables: dict[str, pd.DataFrame]) -> None:
        parts = [
            f'<div style="{MUTED}">charts need matplotlib: pip install "owui-notebook[plot]"</div>'
        ]
        for name, table in tables.items():
            parts.append(f"<h4>{html.escape(name)}</h4>{table.to_html()}")
        self.charts.children = (widgets.HTML("".join(parts)),)


def _typed(messages: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in messages.columns]
    if missing:
        raise ValueError(
            f"the data lacks column(s) {missing}: pass a frame like messages_frame() gives"
        )
    frame = messages.copy()
    # Figures a hand-made frame lacks are missing values, typed as a messages_frame's.
    typed = shape_messages([])
    for name in typed.columns:
        if name not in frame.columns:
            frame[name] = pd.Series(None, index=frame.index, dtype=object).astype(typed[name].dtype)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def _draw(
    source: FrameSource | DatasetSource, filters: Filters
) -> tuple[Figures, list[bytes] | None]:
    figures = source.figures(filters)
    return figures, charts(figures)


def _summary(summary: dict[str, Any]) -> str:
    if not summary["answers"]:
        return f'<span style="{MUTED}">no answers in this selection</span>'
    counts = [
        _count(summary["answers"], "answer"),
        _count(summary["chats"], "chat"),
        _count(len(summary["models"]), "model"),
    ]
    text = " · ".join(counts)
    if summary["first"] is not None:
        text += f" · {summary['first']:%Y-%m-%d} to {summary['last']:%Y-%m-%d}"
    return f'<span style="{MUTED}">{html.escape(text)}</span>'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def dashboard(
    data: pd.DataFrame | Any = None,
    *,
    client: AsyncOpenWebUI | OpenWebUI | None = None,
    freq: str = "day",
    dataset: Any = None,
) -> StatsDashboard:
    """A `StatsDashboard`; leave it last in the cell to show it. `dataset` (a directory
    written by ``owui-notebook export``, or a `Dataset`) charts it instead of the server."""
    if dataset is not None:
        if isinstance(dataset, (str, os.PathLike)):
            from ..dataset import Dataset

            dataset = Dataset(dataset)
        data = dataset
    return StatsDashboard(data, client=client, freq=freq)
