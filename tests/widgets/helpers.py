"""Shared by the widget tests: waiting on the loop, and the answers the provider gives."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from owui_notebook.client import validate_history
from owui_notebook.sandbox.provider import answer_text


async def until(predicate: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Yield to the loop (as a kernel does between messages) until `predicate()` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)


def expected(provider, model: str, prompt: str, system: str | None = None) -> str:
    """What `model` answers to a first turn `prompt`, with its current knobs."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    return answer_text(model, messages, provider.models[model])


async def saved(aclient, chat_id: str):
    """The chat as the server has it, after checking the web UI's invariants."""
    record = await aclient.chats.get(chat_id)
    assert validate_history(record) == []
    return record
