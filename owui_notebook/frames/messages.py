"""Message-level frames: every message of every chat, or of one chat with its text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client.errors import NotFoundError
from . import _sources as src
from ._digest import active_ids, export_record, tree_order
from ._fields import mapping_at
from ._types import Column, Schema, documents, epoch_seconds
from .cache import ExportCache

if TYPE_CHECKING:
    from ..client import OpenWebUI

_FULL = "*"

MESSAGE_COLUMNS = Schema(
    Column("chat_id", "string", "the chat"),
    Column("message_id", "string", "the message"),
    Column("parent_id", "string", f"the message it answers or follows (NA for a root) {_FULL}"),
    Column("role", "category", "user, assistant or system"),
    Column("model", "category", "the model that wrote an answer (NA for user messages)"),
    Column("model_name", "string", f"that model's display name when saved {_FULL}"),
    Column("active", "bool", f"on the thread the web UI shows (root to currentId) {_FULL}"),
    Column(
        "timestamp",
        "datetime",
        "when the message was saved (UTC; answers owui-notebook saves carry their finish time)",
    ),
    Column("content_length", "int", "characters of text, as the server's export counts them"),
    Column(
        "token_count",
        "int",
        "an answer's own tokens: its completion tokens from the provider's usage (the "
        "export's token_count is always null); NA for user messages",
    ),
    Column("prompt_tokens", "int", f"prompt tokens the provider reported for an answer {_FULL}"),
    Column("completion_tokens", "int", f"completion tokens reported for an answer {_FULL}"),
    Column("total_tokens", "int", f"prompt + completion tokens of an answer {_FULL}"),
    Column(
        "ttft_s", "float", f"time to first token of an answer that owui-notebook timed, s {_FULL}"
    ),
    Column(
        "response_time_s",
        "float",
        "generation time of an answer, request to last token, s (owui-notebook's timing, "
        f"or Ollama's total_duration) {_FULL}",
    ),
    Column("tokens_per_second", "float", f"completion tokens / (response_time_s - ttft_s) {_FULL}"),
    Column(
        "timestamp_gap_s",
        "float",
        "seconds from the parent's timestamp to this one: what the server's "
        f"average_response_time averages (about 0 for answers most clients save) {_FULL}",
    ),
    Column("rating", "int", "the thumbs rating on an answer: 1 or -1"),
    Column("tags", "object", "tags given with the rating"),
    Column("stopped", "bool", f"the answer was stopped before it finished {_FULL}"),
    Column("error", "bool", f"the answer carries an error {_FULL}"),
    Column(
        "client", "string", f"the client that saved and timed it, e.g. owui-notebook/0.1.0 {_FULL}"
    ),
)

CONTENT_COLUMN = Schema(Column("content", "string", "the message's text"))

CHAT_MESSAGE_COLUMNS = (
    MESSAGE_COLUMNS
    + Schema(
        Column("depth", "int", "steps from the root (0); -1 if a broken link hides the root"),
    )
    + CONTENT_COLUMN
)


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def message_rows(record: Mapping[str, Any], *, content: bool = False) -> list[dict[str, Any]]:
    """Rows of `MESSAGE_COLUMNS` (with ``depth``, and ``content`` if asked) for one record."""
    history = mapping_at(mapping_at(record, "chat"), "history")
    messages: dict[str, Any] = {
        k: m for k, m in mapping_at(history, "messages").items() if isinstance(m, Mapping)
    }
    current_id = history.get("currentId")
    linked = any("parentId" in m for m in messages.values())
    order: Sequence[tuple[str, int | None]]  # depth is unknown without links
    if linked:
        order = tree_order(messages)
        active = active_ids(messages, current_id)
    else:  # the server's export: no links, so no thread to follow
        order = [(key, None) for key in messages]
        active = None
    rows = []
    for key, depth in order:
        m = messages[key]
        parent = messages.get(m.get("parentId") or "")
        stamp = epoch_seconds(m.get("timestamp"))
        parent_stamp = epoch_seconds(parent.get("timestamp")) if parent else None
        ttft, total = _number(m.get("ttft")), _number(m.get("total"))
        completion = _number(m.get("completion_tokens"))
        speed = None
        if completion and ttft is not None and total is not None and total > ttft:
            speed = completion / (total - ttft)
        row = {
            "chat_id": record.get("id"),
            "message_id": key,
            "parent_id": m.get("parentId"),
            "role": m.get("role"),
            "model": m.get("model") or None,
            "model_name": m.get("modelName"),
            "active": (key in active) if active is not None else None,
            "timestamp": m.get("timestamp"),
            "content_length": m.get("content_length"),
            "token_count": m.get("token_count"),
            "prompt_tokens": m.get("prompt_tokens"),
            "completion_tokens": m.get("completion_tokens"),
            "total_tokens": m.get("total_tokens"),
            "ttft_s": ttft,
            "response_time_s": total,
            "tokens_per_second": speed,
            "timestamp_gap_s": (
                stamp - parent_stamp if stamp is not None and parent_stamp is not None else None
            ),
            "rating": m.get("rating"),
            "tags": m.get("tags"),
            "stopped": m.get("stopped"),
            "error": m.get("error"),
            "client": m.get("client"),
            "depth": depth,
        }
        if content:
            row["content"] = m.get("content")
        rows.append(row)
    return rows


def shape_messages(
    records: Iterable[Mapping[str, Any]], *, content: bool = False, **attrs: Any
) -> pd.DataFrame:
    """`messages_frame` of stats-export records (the server's, or `export_record`'s from
    full chats): chats in the given order, each chat's messages in thread order."""
    schema = MESSAGE_COLUMNS + CONTENT_COLUMN if content else MESSAGE_COLUMNS
    rows = [row for record in records for row in message_rows(record, content=content)]
    return schema.frame(rows, **attrs)


@documents(MESSAGE_COLUMNS)
def messages_frame(
    client: OpenWebUI | ExportCache,
    *,
    source: str = "client",
    content: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per message of every chat of this user (archived ones too), every branch:
    chats most recently changed first, each chat's messages in thread order.

    `source`: ``"client"`` (default) reads the full chats, the only place the true
    figures live (parent ids, the provider's token usage, owui-notebook's timings);
    ``"server"`` reads the stats export (Open WebUI >= 0.7.0), whose messages carry only
    role, model, length, timestamp and rating; ``"auto"`` takes the export where the
    server has it. `content` adds the text (``"client"`` only). Pass an `ExportCache` to
    reuse and refresh what it holds. Columns marked * are NA from the server's export.
    """
    if isinstance(client, ExportCache):
        cache = client
        if content and not cache.content:
            raise ValueError(
                "this ExportCache holds no message text: make it with "
                "ExportCache(client, source='client', content=True)"
            )
    else:
        if content and source != "client":
            raise ValueError("content=True needs source='client' (the export has no text)")
        cache = ExportCache(client, source=source, content=content, progress=progress)
    cache.ensure()
    with_content = content and cache.content and cache.mode == "client"
    records = sorted(cache.records.values(), key=_newest_first)
    return shape_messages(records, content=with_content, **cache.attrs)


def _newest_first(record: Mapping[str, Any]) -> tuple[float, str]:
    return (-(epoch_seconds(record.get("updated_at")) or 0.0), str(record.get("id")))


@documents(CHAT_MESSAGE_COLUMNS)
def chat_messages_frame(client: OpenWebUI, chat_id: str) -> pd.DataFrame:
    """Every message of one chat with its text, in thread order (branches depth first,
    siblings as the chat lists them); ``active`` marks the thread the web UI shows.

    An unknown id (or someone else's chat) raises `NotFoundError` in one line.
    """
    path = f"/api/v1/chats/{chat_id}"
    if not isinstance(chat_id, str) or not chat_id.strip():
        raise src.unknown_chat(str(chat_id), path)
    try:
        record = client.chats.get(chat_id)
    except NotFoundError:
        raise src.unknown_chat(chat_id, path) from None
    rows = message_rows(export_record(record, content=True), content=True)
    return CHAT_MESSAGE_COLUMNS.frame(rows, **src.attrs(client, src.client_side(path)))
