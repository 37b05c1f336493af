"""Chats in tests: a chat read back with the web UI's invariants checked, and what the
deterministic provider answers."""

from __future__ import annotations

from typing import Any

from owui_notebook.client import validate_history
from owui_notebook.sandbox.provider import answer_text


def saved(client: Any, chat_id: str) -> Any:
    """The chat as the server has it, after checking the web UI's invariants."""
    record = client.chats.get(chat_id)
    assert validate_history(record) == []
    return record


async def asaved(aclient: Any, chat_id: str) -> Any:
    """:func:`saved` for an async client."""
    record = await aclient.chats.get(chat_id)
    assert validate_history(record) == []
    return record


def expected(provider: Any, model: str, prompt: str, system: str | None = None) -> str:
    """What `model` answers to a first turn `prompt`, with its current knobs."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    return answer_text(model, messages, provider.models[model])
