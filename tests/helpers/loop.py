"""Waiting on an event loop as a kernel does, and a comm subshell's loop beside it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable


async def until(predicate: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Yield to the loop (as a kernel does between messages) until `predicate()` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)


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
