"""Asyncio tasks started from widget callbacks: kept alive, awaited, their errors shown.

A widget callback runs on the kernel's event loop and must return at once (a blocking
callback freezes every other widget, Stop included). So callbacks only start tasks here.
asyncio keeps only weak references to tasks, and an exception in a task nobody awaits is
lost (or printed to the server log long after): `PanelTasks` holds each task until it ends
and hands any exception to the panel, which shows it as one red line.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from ..client.errors import OpenWebUIError, redact


def error_text(error: BaseException) -> str:
    """One line for the user: the client's own message, or the exception's type and text."""
    if isinstance(error, OpenWebUIError):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return redact(" ".join(text.split()))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class PanelTasks:
    """The tasks of one panel.

    `on_error` is called (on the loop) with every exception a task ends with, except a
    cancellation; `errors` keeps them too, for tests and for a look after the fact.
    """

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()
        self.errors: list[BaseException] = []
        # The loop the panel was made on (the kernel's): callbacks that arrive from another
        # thread (some front ends' comm handlers) still schedule their work there.
        self._loop = _running_loop()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def start(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any] | None:
        """Run `coro` as a task on the panel's loop; returns the task (None if scheduled
        from another thread or if there is no loop to run it on)."""
        loop = _running_loop()
        if loop is not None:
            self._loop = loop
            return self._spawn(coro, name)
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._spawn, coro, name)
            return None
        coro.close()
        self._report(
            RuntimeError(
                "no running asyncio event loop: use the panel in Jupyter (or from async code)"
            )
        )
        return None

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._report(error)

    def _report(self, error: BaseException) -> None:
        self.errors.append(error)
        # The panel may be closed already; the error stays in `errors` then.
        with contextlib.suppress(Exception):
            self._on_error(error)

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until every task (including those started meanwhile) has ended."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while others := self._others():
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                raise TimeoutError(f"panel tasks still running after {timeout} s")
            await asyncio.wait(others, timeout=left)

    def cancel(self) -> None:
        for task in self._others():
            task.cancel()

    def _others(self) -> set[asyncio.Task[Any]]:
        # A panel task that waits for (or cancels) the others must not wait for itself.
        current = asyncio.current_task() if _running_loop() is not None else None
        return {t for t in self._tasks if t is not current}

    async def aclose(self) -> None:
        """Cancel every task and wait for them to end."""
        self.cancel()
        with contextlib.suppress(TimeoutError):
            await self.wait(timeout=5)
