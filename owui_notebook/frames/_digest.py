"""Full chats digested into the records the server's stats endpoints send (pure; no I/O).

Where a server lacks ``/api/v1/chats/stats/usage`` (< 0.6.42) or ``/stats/export`` (< 0.7.0),
the frames compute the same records from the full chats, with the server's own rules
(``client.export_rules``, copied from Open WebUI 0.12.4's ``routers/chats.py``), so a frame
has the same columns and the same numbers whichever source it came from. The digest of a
chat also carries what only the full chat knows (parent ids, the provider's token usage,
the timings owui-notebook saves on its answers, title and flags) in extra keys the server's
records lack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..client.export_rules import aggregate, export_message, export_record_of
from ..client.history import thread_ids
from ..client.turns import CLIENT_KEY
from ..client.usage import normalize_usage
from ._fields import mapping_at

# Keys of the per-message entries in the server's export, then those only a digest has.
EXPORT_MESSAGE_KEYS = (
    "id",
    "role",
    "model",
    "content_length",
    "token_count",
    "timestamp",
    "rating",
    "tags",
)


def as_dict(record: Any) -> dict[str, Any]:
    """A chat record (typed or plain) as a plain dict."""
    if hasattr(record, "model_dump") and not isinstance(record, dict):
        return record.model_dump()
    return dict(record)


def history_of(record: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    history = mapping_at(mapping_at(record, "chat"), "history")
    return dict(mapping_at(history, "messages")), history.get("currentId")


def message_usage(message: Mapping[str, Any]) -> dict[str, int | None]:
    """The provider's token counts, wherever this release stored them.

    Open WebUI keeps them in ``usage`` (newer), ``info.usage``, or, for Ollama answers of
    older releases, straight in ``info`` (``prompt_eval_count``/``eval_count``).
    """
    info = mapping_at(message, "info")
    for candidate in (message.get("usage"), info.get("usage"), info):
        if isinstance(candidate, dict):
            usage = normalize_usage(dict(candidate))
            if any(v is not None for v in usage.values()):
                return usage
    return {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}


def _generation_seconds(message: Mapping[str, Any], timings: Mapping[str, Any]) -> float | None:
    total = timings.get("total")
    if isinstance(total, (int, float)) and not isinstance(total, bool):
        return float(total)
    info = mapping_at(message, "info")
    duration = info.get("total_duration")  # Ollama: nanoseconds
    if isinstance(duration, (int, float)) and not isinstance(duration, bool) and duration > 0:
        return duration / 1e9
    return None


def digest_message(message: Mapping[str, Any], *, content: bool = False) -> dict[str, Any]:
    """One message as the export describes it, plus what only the full message carries."""
    timings = mapping_at(message, CLIENT_KEY)
    usage = message_usage(message)
    role = message.get("role")
    ttft = timings.get("ttft")
    total = _generation_seconds(message, timings)
    completion = usage["completion_tokens"]
    out: dict[str, Any] = {
        **export_message(message),
        "token_count": completion if role == "assistant" else None,
        # Only in digests of full chats:
        "parentId": message.get("parentId"),
        "childrenIds": list(message.get("childrenIds") or []),
        "modelName": message.get("modelName"),
        **usage,
        "ttft": ttft if isinstance(ttft, (int, float)) and not isinstance(ttft, bool) else None,
        "total": total,
        "stopped": timings.get("stopped") if timings else None,
        "error": bool(message.get("error")) if role == "assistant" else None,
        "client": timings.get("client"),
    }
    if content:
        out["content"] = message.get("content") if isinstance(message.get("content"), str) else ""
    return out


def export_record(record: Any, *, content: bool = False) -> dict[str, Any]:
    """A full chat as a stats-export record (``id, user_id, created_at, updated_at, tags,
    stats, chat.history``) with the extra keys only a full chat can fill."""
    record = as_dict(record)
    return {
        **export_record_of(record, lambda m: digest_message(m, content=content)),
        # Only in digests of full chats:
        "title": record.get("title"),
        "archived": record.get("archived"),
        "pinned": record.get("pinned"),
        "folder_id": record.get("folder_id"),
    }


def usage_record(record: Any) -> dict[str, Any] | None:
    """The usage-stats item the server would send for a full chat, or ``None`` where the
    server leaves the chat out (no messages, or no current message on the thread)."""
    record = as_dict(record)
    messages, current_id = history_of(record)
    if not messages or not current_id:
        return None
    stats, path = aggregate(messages, current_id, usage_rules=True)
    if not path:
        return None  # the server's last_message_at lookup fails and it skips the chat
    meta = mapping_at(record, "meta")
    return {
        "id": record.get("id"),
        **stats,
        "tags": list(meta.get("tags") or []),
        "last_message_at": messages[path[-1]].get("timestamp"),
        "updated_at": record.get("updated_at"),
        "created_at": record.get("created_at"),
    }


def tree_order(messages: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, int]]:
    """``(key, depth)`` in thread order: depth first from each root, siblings in the order
    their parent lists them; messages no walk reaches (a parentId cycle) come last, depth -1."""
    children: dict[str | None, list[str]] = {}
    for key, message in messages.items():
        parent = message.get("parentId")
        children.setdefault(parent if parent in messages else None, []).append(key)
    for parent, kids in children.items():
        if parent is None:
            continue
        listed = messages[parent].get("childrenIds") or []
        rank = {child: i for i, child in enumerate(listed)}
        kids.sort(key=lambda k: rank.get(k, len(rank)))  # stable: unlisted keep their order
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    stack = [(key, 0) for key in reversed(children.get(None, []))]
    while stack:
        key, depth = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        out.append((key, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(key, [])))
    out.extend((key, -1) for key in messages if key not in seen)
    return out


def active_ids(messages: Mapping[str, Any], current_id: str | None) -> set[str]:
    """Keys on the thread the web UI shows (root to ``currentId``)."""
    return set(thread_ids(messages, current_id))
