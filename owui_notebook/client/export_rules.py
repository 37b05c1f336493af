"""The server's stats-export rules, for records the client must make itself (pure; no I/O).

Open WebUI's ``/api/v1/chats/stats/export`` turns each chat into a record of per-message
stats and per-chat aggregates (``routers/chats.py``, ``_process_chat_for_export``). Open
WebUI 0.9.6 and 0.10.2 (seen on both; 0.9.5 and 0.11.4 are sound) declare the message
entry's ``tags`` as ``list[str | None] = None`` (``models/chats.py``, ``class MessageStats``),
so pydantic refuses the ``None`` the router passes for every message without annotation tags;
the router skips such a message (``except Exception: continue``) *before* counting it. Their
export then lists almost no messages and counts none of them in ``history_user_message_count``,
``history_assistant_message_count``, ``history_models`` and the averages, while
``history_message_count`` (``len(messages_map)``, taken first) stays right. `drops_messages`
sees that, and `export_record_of` rebuilds the record from the full chat by the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .history import thread_ids


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def content_length(message: Mapping[str, Any]) -> int:
    """Characters of text, as the server's export counts them (text parts of a list)."""
    content = message.get("content", "")
    if isinstance(content, str):
        return len(content)
    if isinstance(content, list):
        return sum(
            len(item.get("text", ""))
            for item in content
            if isinstance(item, dict) and item.get("type") == "text"
        )
    return 0


def _raw_length(message: Mapping[str, Any]) -> int:
    try:
        return len(message.get("content", ""))
    except TypeError:
        return 0


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0


def aggregate(
    messages: Mapping[str, Any], current_id: str | None, *, usage_rules: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Per-chat aggregates by the server's rules, and the active thread's ids; the usage
    endpoint's rules differ from the export's in two details, chosen by `usage_rules`:
    content measured with ``len()``, and a missing timestamp counted as 0, not skipped."""
    length = _raw_length if usage_rules else content_length
    history_models: dict[str, int] = {}
    users: list[Mapping[str, Any]] = []
    answers: list[Mapping[str, Any]] = []
    for message in messages.values():
        if not isinstance(message, dict):
            continue
        role = message.get("role", "")
        if role == "user":
            users.append(message)
        elif role == "assistant":
            answers.append(message)
            model = message.get("model")
            if model:
                history_models[model] = history_models.get(model, 0) + 1
    gaps = []
    for answer in answers:
        parent = messages.get(parent_id) if (parent_id := answer.get("parentId")) else None
        if not isinstance(parent, dict):
            continue
        t1, t0 = answer.get("timestamp"), parent.get("timestamp")
        if usage_rules:
            gaps.append((t1 or 0) - (t0 or 0))
        elif t1 and t0:
            gaps.append(t1 - t0)
    path = thread_ids(messages, current_id)
    models: dict[str, int] = {}
    for key in path:
        message = messages[key]
        if message.get("role") == "assistant" and message.get("model"):
            models[message["model"]] = models.get(message["model"], 0) + 1
    stats = {
        "average_response_time": sum(gaps) / len(gaps) if gaps else 0,
        "average_user_message_content_length": _mean([length(m) for m in users]),
        "average_assistant_message_content_length": _mean([length(m) for m in answers]),
        "models": models,
        "message_count": len(path),
        "history_models": history_models,
        "history_message_count": len(messages),
        "history_user_message_count": len(users),
        "history_assistant_message_count": len(answers),
    }
    return stats, path


def export_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """One message as the export's entry for it (``token_count`` is always null there)."""
    annotation = _mapping(message.get("annotation"))
    return {
        "id": message.get("id"),
        "role": message.get("role"),
        "model": message.get("model"),
        "content_length": content_length(message),
        "token_count": None,
        "timestamp": message.get("timestamp"),
        "rating": annotation.get("rating"),
        "tags": annotation.get("tags"),
    }


def export_record_of(
    chat: Mapping[str, Any],
    describe: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A full chat (``GET /api/v1/chats/{id}``) as the server's stats-export record;
    `describe` makes each message's entry (default `export_message`; the frames' digest
    adds what only a full message carries)."""
    describe = describe or export_message
    history = _mapping(_mapping(chat.get("chat")).get("history"))
    messages = dict(_mapping(history.get("messages")))
    current_id = history.get("currentId")
    stats, _ = aggregate(messages, current_id)
    return {
        "id": chat.get("id"),
        "user_id": chat.get("user_id"),
        "created_at": chat.get("created_at"),
        "updated_at": chat.get("updated_at"),
        "tags": list(_mapping(chat.get("meta")).get("tags") or []),
        "stats": stats,
        "chat": {
            "history": {
                "messages": {k: describe(m) for k, m in messages.items() if isinstance(m, dict)},
                "currentId": current_id,
            }
        },
    }


def drops_messages(record: Any) -> bool:
    """Whether an export record lists fewer messages than its own ``history_message_count``
    (the server skipped some: see the module docstring)."""
    if not isinstance(record, Mapping):
        return False
    count = _mapping(record.get("stats")).get("history_message_count")
    messages = _mapping(_mapping(_mapping(record.get("chat")).get("history")).get("messages"))
    return isinstance(count, int) and len(messages) < count
