"""`usage_frame`: the server's per-chat usage stats, and their model counts in long form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _sources as src
from ._digest import usage_record
from ._fields import as_mapping, plain
from ._progress import Progress
from ._types import Column, Schema, documents, epoch_seconds
from .export import AGGREGATES

if TYPE_CHECKING:
    from ..client import OpenWebUI

USAGE_COLUMNS = (
    Schema(
        Column("chat_id", "string", "the chat's id"),
        Column("created_at", "datetime", "when it was created (UTC)"),
        Column("updated_at", "datetime", "when it last changed (UTC)"),
        Column("last_message_at", "datetime", "timestamp of the active thread's last message"),
        Column("tags", "object", "its tags (list of tag ids)"),
    )
    + AGGREGATES
)

USAGE_MODEL_COLUMNS = Schema(
    Column("chat_id", "string", "the chat's id"),
    Column("model", "category", "a model that answered in it"),
    Column("thread_count", "int", "its answers on the active thread (the server's `models`)"),
    Column("history_count", "int", "its answers in every branch (the server's `history_models`)"),
)


def shape_usage(records: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    """`usage_frame` of usage-stats items (dicts or `ChatUsageStats`), as the server sends
    them or as `usage_record` makes them from full chats. Fields the server adds beyond
    the documented ones are kept, as extra columns."""
    rows = []
    for record in records:
        row = plain(record)
        row["chat_id"] = row.pop("id", None)
        row["models"] = dict(row.get("models") or {})
        row["history_models"] = dict(row.get("history_models") or {})
        row["tags"] = list(row.get("tags") or [])
        rows.append(row)
    return USAGE_COLUMNS.frame(rows, extra=True, **attrs)


@documents(USAGE_COLUMNS)
def usage_frame(
    client: OpenWebUI,
    *,
    source: str = "auto",
    items_per_page: int = 100,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per chat of this user that has messages (archived ones too), with every
    field of ``/api/v1/chats/stats/usage``, most recently changed first.

    `source`: ``"server"`` (Open WebUI >= 0.6.42), ``"client"`` (computed from the full
    chats by the server's rules: the same numbers), or ``"auto"`` (the server's where it
    has them; ``attrs["source"]``/``attrs["note"]`` say which). The server's figures
    mislead in one place: `average_response_time` is not generation time; for true
    timings and token counts use `messages_frame` or `export_frame(source="client")`.
    """
    if src.use_server(client, source, "chat_usage_stats"):
        items = _server_items(client, items_per_page, progress)
        return shape_usage(items, **src.attrs(client, src.server(src.USAGE)))
    note = src.missing_note(client, "chat_usage_stats", src.ALL_CHATS) if source == "auto" else None
    with Progress("loading chats", enabled=progress) as bar:
        records = []
        for chat in client.chats.all():
            bar.update()
            record = usage_record(chat)
            if record is not None:
                records.append(record)
    records.sort(key=lambda r: (-(epoch_seconds(r.get("updated_at")) or 0.0), str(r["id"])))
    return shape_usage(records, **src.attrs(client, src.client_side(src.ALL_CHATS), note))


def _server_items(client: OpenWebUI, per_page: int, progress: bool | None) -> list[Any]:
    items: list[Any] = []
    with Progress("loading usage stats", enabled=progress) as bar:
        page = 1
        while True:
            result = client.stats.usage(page, items_per_page=per_page)
            if page == 1:
                bar.set_total(result.total)
            items.extend(result.items)
            bar.update(len(result.items))
            # The server skips chats without messages, so a short page is not the end;
            # its total (which counts them) is.
            if result.total is None:
                if len(result.items) < per_page:
                    return items
            elif result.total <= page * per_page:
                return items
            page += 1


@documents(USAGE_MODEL_COLUMNS)
def shape_usage_models(usage: pd.DataFrame) -> pd.DataFrame:
    """The model counts of a `usage_frame` (or `export_frame`) in long form: one row per
    chat and model, current-thread and all-branch counts side by side."""
    rows = []
    for chat_id, thread, history in zip(
        usage["chat_id"], usage["models"], usage["history_models"], strict=True
    ):
        thread, history = as_mapping(thread), as_mapping(history)
        for model in sorted(set(history) | set(thread)):
            rows.append(
                {
                    "chat_id": chat_id,
                    "model": model,
                    "thread_count": thread.get(model, 0),
                    "history_count": history.get(model, 0),
                }
            )
    return USAGE_MODEL_COLUMNS.frame(rows, **dict(usage.attrs))


@documents(USAGE_MODEL_COLUMNS)
def usage_models_frame(
    client: OpenWebUI | pd.DataFrame,
    *,
    source: str = "auto",
    progress: bool | None = None,
) -> pd.DataFrame:
    """`usage_frame`'s model counts in long form (chat x model), loaded from `client`, or
    reshaped from a `usage_frame` you pass instead."""
    if isinstance(client, pd.DataFrame):
        return shape_usage_models(client)
    return shape_usage_models(usage_frame(client, source=source, progress=progress))
