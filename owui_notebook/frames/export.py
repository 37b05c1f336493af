"""`export_frame`: one row per chat from the stats export, on every server version."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._fields import mapping_at
from ._types import Column, Schema, documents, epoch_seconds
from .cache import ExportCache

if TYPE_CHECKING:
    from ..client import OpenWebUI

_SERVER_FIGURE = "(the server's figure)"

#: Aggregate columns the usage stats and the export share, under the server's names.
AGGREGATES = Schema(
    Column("message_count", "int", "messages on the active thread (root to currentId)"),
    Column("history_message_count", "int", "messages in every branch"),
    Column("history_user_message_count", "int", "user messages in every branch"),
    Column("history_assistant_message_count", "int", "answers in every branch"),
    Column("models", "object", "{model: answers on the active thread}"),
    Column("history_models", "object", "{model: answers in every branch}"),
    Column(
        "average_response_time",
        "float",
        "mean seconds between a user message's and its answers' timestamps "
        f"{_SERVER_FIGURE}; not generation time (see mean_response_time_s)",
    ),
    Column(
        "average_user_message_content_length",
        "float",
        f"mean characters per user message, every branch {_SERVER_FIGURE}",
    ),
    Column(
        "average_assistant_message_content_length",
        "float",
        f"mean characters per answer, every branch {_SERVER_FIGURE}",
    ),
)

_ONLY_FULL = "*"

EXPORT_COLUMNS = (
    Schema(
        Column("chat_id", "string", "the chat's id"),
        Column("user_id", "string", "its owner"),
        Column("title", "string", f"its title {_ONLY_FULL}"),
        Column("created_at", "datetime", "when it was created (UTC)"),
        Column("updated_at", "datetime", "when it last changed (UTC)"),
        Column("tags", "object", "its tags (list of tag ids)"),
        Column("archived", "bool", f"archived {_ONLY_FULL}"),
        Column("pinned", "bool", f"pinned {_ONLY_FULL}"),
        Column("folder_id", "string", f"its folder {_ONLY_FULL}"),
    )
    + AGGREGATES
    + Schema(
        Column(
            "prompt_tokens",
            "int",
            f"prompt tokens over every answer, from the provider's usage {_ONLY_FULL}",
        ),
        Column(
            "completion_tokens",
            "int",
            f"completion tokens over every answer, from the provider's usage {_ONLY_FULL}",
        ),
        Column("total_tokens", "int", f"prompt + completion tokens {_ONLY_FULL}"),
        Column(
            "mean_ttft_s",
            "float",
            f"mean time to first token of the answers owui-notebook timed, s {_ONLY_FULL}",
        ),
        Column(
            "mean_response_time_s",
            "float",
            f"mean generation time (request to last token) of timed answers, s {_ONLY_FULL}",
        ),
    )
)


def shape_export(records: Iterable[Mapping[str, Any]], **attrs: Any) -> pd.DataFrame:
    """`export_frame` of stats-export records, as the server sends them or as
    `export_record` makes them from full chats; for callers that fetched them
    themselves (with `AsyncOpenWebUI`, say). `attrs` go to ``frame.attrs``."""
    return EXPORT_COLUMNS.frame((_chat_row(r) for r in records), **attrs)


def _chat_row(record: Mapping[str, Any]) -> dict[str, Any]:
    stats = mapping_at(record, "stats")
    messages = mapping_at(mapping_at(mapping_at(record, "chat"), "history"), "messages")
    answers = [m for m in messages.values() if m.get("role") == "assistant"]
    return {
        "chat_id": record.get("id"),
        "user_id": record.get("user_id"),
        "title": record.get("title"),
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "tags": list(record.get("tags") or []),
        "archived": record.get("archived"),
        "pinned": record.get("pinned"),
        "folder_id": record.get("folder_id"),
        **{c.name: stats.get(c.name) for c in AGGREGATES},
        "models": dict(stats.get("models") or {}),
        "history_models": dict(stats.get("history_models") or {}),
        "prompt_tokens": _sum(m.get("prompt_tokens") for m in answers),
        "completion_tokens": _sum(m.get("completion_tokens") for m in answers),
        "total_tokens": _sum(m.get("total_tokens") for m in answers),
        "mean_ttft_s": _mean(m.get("ttft") for m in answers),
        "mean_response_time_s": _mean(m.get("total") for m in answers),
    }


def _numbers(values: Iterable[Any]) -> list[float]:
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _sum(values: Iterable[Any]) -> int | None:
    found = _numbers(values)
    return int(sum(found)) if found else None


def _mean(values: Iterable[Any]) -> float | None:
    found = _numbers(values)
    return sum(found) / len(found) if found else None


@documents(EXPORT_COLUMNS)
def export_frame(
    client: OpenWebUI | ExportCache,
    *,
    source: str = "client",
    since: Any = None,
    stream: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per chat of this user (archived and empty ones too), oldest change first:
    the per-chat aggregates of ``/api/v1/chats/stats/export``.

    `source`: ``"client"`` (default) computes them from the full chats by the server's
    rules (the same numbers; tested against it), adding titles, flags, token usage and
    timings; ``"server"`` reads the server's stats export (Open WebUI >= 0.7.0; admins,
    or all users where community sharing is on), as one NDJSON response (`stream`) or in
    pages of 10; ``"auto"`` the server's where it can. On a 5,000-chat 0.12.4 server the
    full chats load about 7 times faster than the export (see `ExportCache`). Open WebUI
    0.9.6 and 0.10.2 drop untagged messages from their export; the client rebuilds those
    records from each full chat (one request per chat, see ``client.export_rules``).
    ``attrs["source"]``/``attrs["note"]`` say which was used. `since` (datetime or epoch
    seconds) keeps chats changed after then. Pass an `ExportCache` instead of a client to
    reuse and refresh what it holds (its own options then apply). Columns marked * are NA
    from the server's export.
    """
    cache = (
        client
        if isinstance(client, ExportCache)
        else ExportCache(client, source=source, stream=stream, since=since, progress=progress)
    )
    cache.ensure()
    return shape_export(sorted(cache.records.values(), key=_order), **cache.attrs)


def _order(record: Mapping[str, Any]) -> tuple[float, str]:
    return (epoch_seconds(record.get("updated_at")) or 0.0, str(record.get("id")))
