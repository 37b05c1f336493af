"""Shared by the widget tests: waiting on the loop, and the answers the provider gives."""

from __future__ import annotations

import asyncio
import threading
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


class Subshell:
    """A thread with an event loop of its own, as ipykernel 7 runs each comm subshell.

    JupyterLab 4.6's default (``commsOverSubshells="perCommTarget"``) delivers widget
    messages, and so button clicks and front-end value changes, on such a thread. `call`
    runs a callback there (inside a coroutine, so that its running loop is the subshell's)
    and returns when the callback has returned, without blocking the test's loop.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="subshell")
        self._thread.start()

    async def call(self, fn: Callable[[], object]) -> object:
        async def on_subshell() -> object:
            return fn()

        future = asyncio.run_coroutine_threadsafe(on_subshell(), self.loop)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    def __enter__(self) -> Subshell:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
