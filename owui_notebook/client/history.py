"""The chat message tree: reading it, checking it and repairing it.

Open WebUI stores a chat as ``chat.history = {"messages": {id: message}, "currentId": id}``.
Each message has ``parentId`` and ``childrenIds``; the web UI rebuilds the visible thread by
following ``parentId`` up from ``currentId``. These functions work on plain dicts so they
accept what the server returns without any conversion.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .errors import InvalidHistoryError

ASSISTANT_FIELDS = ("model", "modelName", "modelIdx")


def _history_of(chat: Any) -> dict[str, Any]:
    """Accept a chat record, its ``chat`` body, a typed chat, or the history itself."""
    if hasattr(chat, "model_dump") and not isinstance(chat, Mapping):
        chat = chat.model_dump()
    if not isinstance(chat, Mapping):
        raise TypeError(f"expected a chat dict, got {type(chat).__name__}")
    if "chat" in chat and isinstance(chat["chat"], Mapping):
        chat = chat["chat"]
    if "history" in chat and isinstance(chat["history"], Mapping):
        return dict(chat["history"])
    if "messages" in chat and isinstance(chat["messages"], Mapping):
        return dict(chat)
    raise TypeError("expected a chat with history.messages")


def _id(value: Any) -> str | None:
    """`value` if it can be a message id (a string), else None: trees from servers or
    other clients may hold anything where an id belongs."""
    return value if isinstance(value, str) else None


def _node(messages: Mapping[str, Any], key: Any) -> Mapping[str, Any]:
    """The message under `key`, or an empty mapping if there is none (or it is no object)."""
    message = messages.get(key) if isinstance(key, str) else None
    return message if isinstance(message, Mapping) else {}


def thread_ids(messages: Mapping[str, Any], leaf: str | None) -> list[str]:
    """Message ids from the root down to `leaf`, following ``parentId`` as the web UI does.

    The walk stops at a missing parent, a cycle or a message that is not an object, so it
    takes any tree a server sends.
    """
    out: list[str] = []
    seen: set[str] = set()
    node = _id(leaf)
    while node and node in messages and node not in seen:
        seen.add(node)
        out.append(node)
        message = messages[node]
        node = _id(message.get("parentId")) if isinstance(message, Mapping) else None
    out.reverse()
    return out


def thread(chat: Any, leaf: str | None = None) -> list[dict[str, Any]]:
    """Messages from the root down to `leaf` (default: ``currentId``), as the web UI shows them."""
    history = _history_of(chat)
    messages = history.get("messages") or {}
    ids = thread_ids(messages, leaf if leaf is not None else history.get("currentId"))
    return [messages[key] for key in ids if isinstance(messages[key], Mapping)]


def validate_history(chat: Any) -> list[str]:
    """Problems that would make the web UI show the chat wrongly; ``[]`` when it is sound.

    Checks: every child's ``parentId`` is its parent and every parent's ``childrenIds``
    lists exactly its children; no cycles; ``currentId`` is a leaf whose thread reaches a
    root; users answer assistants (or start the chat) and assistants answer users;
    assistant messages carry ``model``, ``modelName``, ``modelIdx`` and ``done: true``.
    """
    try:
        history = _history_of(chat)
    except TypeError as exc:
        return [str(exc)]
    messages = history.get("messages")
    if not isinstance(messages, Mapping):
        return ["history.messages is not a mapping"]
    problems: list[str] = []
    for key, msg in messages.items():
        if not isinstance(msg, Mapping):
            problems.append(f"message {key} is not an object")
            continue
        if msg.get("id") != key:
            problems.append(f"message {key} has id {msg.get('id')!r}")
        parent = msg.get("parentId")
        if parent is not None and _id(parent) is None:
            problems.append(f"message {key} has a parentId that is not an id: {parent!r}")
            parent = None
        if parent is not None:
            if parent not in messages:
                problems.append(f"message {key} has unknown parentId {parent}")
            elif key not in (_node(messages, parent).get("childrenIds") or []):
                problems.append(f"parent {parent} does not list child {key} in childrenIds")
        children = msg.get("childrenIds")
        if not isinstance(children, list):
            problems.append(f"message {key} has no childrenIds list")
            children = []
        if any(_id(child) is None for child in children):
            problems.append(f"message {key} has childrenIds that are not ids")
            children = [child for child in children if _id(child) is not None]
        if len(set(children)) != len(children):
            problems.append(f"message {key} lists a child twice")
        for child in children:
            if child not in messages:
                problems.append(f"message {key} lists unknown child {child}")
            elif _node(messages, child).get("parentId") != key:
                problems.append(
                    f"child {child} of {key} has parentId {_node(messages, child).get('parentId')}"
                )
        role = msg.get("role")
        parent_role = _node(messages, parent).get("role") if parent in messages else None
        if role == "assistant":
            missing = [f for f in ASSISTANT_FIELDS if msg.get(f) is None]
            if missing:
                problems.append(f"assistant message {key} lacks {', '.join(missing)}")
            if msg.get("done") is not True:
                problems.append(f"assistant message {key} is not done")
            if parent is None:
                problems.append(f"assistant message {key} has no parent user message")
            elif parent_role is not None and parent_role != "user":
                problems.append(f"assistant message {key} answers a {parent_role} message")
        elif role == "user":
            if parent_role is not None and parent_role != "assistant":
                problems.append(f"user message {key} follows a {parent_role} message")
        elif role != "system":
            problems.append(f"message {key} has role {role!r}")
    problems.extend(_cycle_problems(messages))
    current = history.get("currentId")
    if current is not None and _id(current) is None:
        problems.append(f"currentId is not an id: {current!r}")
        current = None
    if not messages:
        if current is not None:
            problems.append(f"currentId {current} set on an empty history")
        return problems
    if current is None:
        problems.append("currentId is missing")
    elif current not in messages:
        problems.append(f"currentId {current} is not a message")
    else:
        if _node(messages, current).get("childrenIds"):
            problems.append(f"currentId {current} is not a leaf")
        path = thread_ids(messages, current)
        if path and _node(messages, path[0]).get("parentId") is not None:
            problems.append("the thread from currentId does not reach a root")
    return problems


def _cycle_problems(messages: Mapping[str, Any]) -> list[str]:
    problems = []
    for start in messages:
        seen: set[str] = set()
        node: Any = start
        while node is not None and node in messages:
            if node in seen:
                problems.append(f"parentId cycle through {node}")
                break
            seen.add(node)
            node = _id(_node(messages, node).get("parentId"))
        if problems:
            break
    return problems


def check_history(chat: Any) -> None:
    """Raise `InvalidHistoryError` if `validate_history` finds problems."""
    problems = validate_history(chat)
    if problems:
        raise InvalidHistoryError(problems)


def repair_history(chat: Any) -> Any:
    """A copy of `chat` with parent/child links made consistent and ``currentId`` a leaf.

    Takes what `validate_history` takes (a chat record, its ``chat`` body, a typed chat or
    the history itself) and returns the same shape, only the history repaired.

    Fixes what servers and older clients leave behind: an assistant whose ``parentId`` was
    reset to ``null`` although its user message still lists it (Open WebUI 0.12.4's
    completion path), children lists that miss or invent children, ``done: false`` on
    finished answers, and a ``currentId`` that is missing or not a leaf. Content is never
    changed and no message is dropped.
    """
    history = _repair(_history_of(chat))
    if hasattr(chat, "model_copy") and not isinstance(chat, Mapping):
        body = {**getattr(chat, "chat", {}), "history": history}
        return chat.model_copy(update={"chat": body}, deep=True)
    if "chat" in chat and isinstance(chat["chat"], Mapping):
        return {
            **copy.deepcopy(dict(chat)),
            "chat": {**copy.deepcopy(dict(chat["chat"])), "history": history},
        }
    if "history" in chat and isinstance(chat["history"], Mapping):
        return {**copy.deepcopy(dict(chat)), "history": history}
    return history


def _repair(history: Mapping[str, Any]) -> dict[str, Any]:
    repaired = copy.deepcopy(dict(history))
    messages: dict[str, Any] = {
        k: dict(v) for k, v in (repaired.get("messages") or {}).items() if isinstance(v, Mapping)
    }
    for key, msg in messages.items():
        msg["id"] = key
        children = msg.get("childrenIds")
        msg["childrenIds"] = [c for c in children if _id(c)] if isinstance(children, list) else []
    claimed: dict[str, str] = {}
    for key, msg in messages.items():
        for child in msg["childrenIds"]:
            if child in messages and child != key:
                claimed.setdefault(child, key)
    for key, msg in messages.items():
        parent = _id(msg.get("parentId"))
        if parent is not None and parent not in messages:
            parent = None
        if parent is None and key in claimed:
            parent = claimed[key]
        msg["parentId"] = parent
    # Break cycles by detaching the message where the walk first repeats.
    for start in list(messages):
        seen: set[str] = set()
        node = start
        while node is not None:
            if node in seen:
                messages[node]["parentId"] = None
                break
            seen.add(node)
            node = messages[node]["parentId"]
    for msg in messages.values():
        msg["childrenIds"] = []
    for key, msg in messages.items():  # dicts keep insertion order, so siblings keep theirs
        if msg["parentId"] is not None:
            messages[msg["parentId"]]["childrenIds"].append(key)
    for msg in messages.values():
        if msg.get("role") == "assistant" and msg.get("done") is not True:
            msg["done"] = True
    repaired["messages"] = messages
    current = _id(repaired.get("currentId"))
    if current not in messages:
        current = next(reversed(messages), None) if messages else None
    while current is not None and messages[current]["childrenIds"]:
        current = messages[current]["childrenIds"][-1]
    repaired["currentId"] = current
    return repaired
