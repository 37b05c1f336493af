"""Asyncio tasks started from widget callbacks: kept alive, awaited, their errors shown.

A widget callback must return at once (a blocking callback freezes every other widget,
Stop included). So callbacks only start tasks here. asyncio keeps only weak references to
tasks, and an exception in a task nobody awaits is lost (or printed to the server log long
after): `PanelTasks` holds each task until it ends and hands any exception to the panel,
which shows it as one red line.

A panel lives on one event loop, the one it was made on. ipykernel 7 may call a widget
callback on another thread with a loop of its own (JupyterLab 4.6's default
``commsOverSubshells="perCommTarget"`` runs comm messages on subshell threads), and what
a panel owns is bound to its loop (the client's connection pool, events, locks, tasks).
So work that arrives from elsewhere is handed to the panel's loop (`call`, `start`,
`on_panel_loop`), never run on the caller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

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


def _no_loop() -> RuntimeError:
    return RuntimeError(
        "no running asyncio event loop: use the panel in Jupyter (or from async code)"
    )


class PanelTasks:
    """The tasks of one panel, all on the panel's loop.

    `on_error` is called (on the loop) with every exception a task ends with, except a
    cancellation; `errors` keeps them too, for tests and for a look after the fact.
    """

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()
        self.errors: list[BaseException] = []
        # The panel's loop: the one running where the panel is made (the kernel's), else
        # the first one it is used on. It never changes afterwards.
        self._loop = _running_loop()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop every task of the panel runs on (None until one is known)."""
        return self._loop

    def on_loop(self) -> bool:
        """Whether the caller runs on the panel's loop (binding it if none was known)."""
        loop = _running_loop()
        if self._loop is None or self._loop.is_closed():
            self._loop = loop
        return loop is not None and loop is self._loop

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the panel's loop: now if the caller is on it, else as soon
        as the loop is free (never waiting for it: a widget callback must not block)."""
        if self.on_loop():
            fn(*args)
        elif self._loop is not None:
            self._loop.call_soon_threadsafe(self._guarded, fn, args)
        else:
            self._report(_no_loop())

    def _guarded(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        # Handed over: nobody is there to catch what `fn` raises, so the panel shows it.
        try:
            fn(*args)
        except Exception as exc:
            self._report(exc)

    def start(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any] | None:
        """Run `coro` as a task on the panel's loop; returns the task, or None when the
        caller is on another thread or loop (the task is started there soon) or when there
        is no loop to run it on (the panel says so)."""
        if self.on_loop():
            return self._spawn(coro, name)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._spawn, coro, name)
            return None
        coro.close()
        self._report(_no_loop())
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


class _HasTasks(Protocol):
    _tasks: PanelTasks


_R = TypeVar("_R")


def on_panel_loop(method: Callable[..., _R]) -> Callable[..., _R | None]:
    """Make a panel method safe to call from any thread: off the panel's loop (a widget
    callback on a kernel subshell's thread), the call is handed to the loop and returns
    None at once; on it, the method runs and returns as usual."""

    @functools.wraps(method)
    def wrapper(self: _HasTasks, *args: Any, **kwargs: Any) -> _R | None:
        # No loop anywhere yet (a plain script): nothing to protect; the method runs, and
        # any task it starts says that it needs one.
        if self._tasks.on_loop() or self._tasks.loop is None:
            return method(self, *args, **kwargs)
        self._tasks.call(functools.partial(method, self, *args, **kwargs))
        return None

    return wrapper
