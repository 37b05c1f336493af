"""The few primitives that differ between the async and the sync client.

Code under ``_async/`` uses `AsyncBackend`; the generated ``_sync/`` copy uses `Backend`
(unasync renames the class). Everything else is shared text.
"""

from __future__ import annotations

import threading
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from typing import Any, TypeVar

from .interrupts import SAVE_GRACE_S, deferred_interrupts

R = TypeVar("R")

_END = object()


class AsyncBackend:
    @staticmethod
    async def sleep(seconds: float) -> None:
        import asyncio  # here, not above: the sync client never loads asyncio (import time)

        await asyncio.sleep(seconds)

    @staticmethod
    async def protected(
        work: Callable[..., Awaitable[R]], *args: Any, grace: float = SAVE_GRACE_S
    ) -> R:
        """Run ``work(*args)`` to the end even if the caller is cancelled meanwhile.

        A cancellation that arrives during the work waits for it (at most `grace` seconds,
        further cancellations included), then is passed on; past `grace` the work itself
        is cancelled. Used for saves, which must not stop half-way.
        """
        import asyncio

        task = asyncio.ensure_future(work(*args))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                raise
        deadline = time.monotonic() + grace
        while not task.done():
            left = deadline - time.monotonic()
            if left <= 0:
                task.cancel()
                break
            try:
                await asyncio.wait({task}, timeout=left)
            except asyncio.CancelledError:
                continue  # asked again: the bound above still holds
        await asyncio.gather(task, return_exceptions=True)  # its outcome is on the task
        raise asyncio.CancelledError

    @staticmethod
    async def merge(sources: Sequence[AsyncIterable[Any]]) -> AsyncIterator[tuple[int, Any]]:
        """Interleave several async iterables as items arrive: yields ``(index, item)``.

        An exception from one source is yielded as ``(index, exc)`` and ends only that
        source, so one failing model never stops the others. Leaving the loop early
        cancels every source still running.
        """
        import asyncio

        if len(sources) == 1:
            try:
                async for item in sources[0]:
                    yield 0, item
            except Exception as exc:
                yield 0, exc
            return
        q: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()

        async def pump(index: int, source: AsyncIterable[Any]) -> None:
            try:
                async for item in source:
                    await q.put((index, item))
            except Exception as exc:
                await q.put((index, exc))
            finally:
                await q.put((index, _END))

        tasks = [asyncio.ensure_future(pump(i, s)) for i, s in enumerate(sources)]
        try:
            remaining = len(tasks)
            while remaining:
                index, item = await q.get()
                if item is _END:
                    remaining -= 1
                    continue
                yield index, item
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


class Backend:
    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(seconds)

    @staticmethod
    def protected(work: Callable[..., R], *args: Any, grace: float = SAVE_GRACE_S) -> R:
        """Run ``work(*args)`` with Ctrl-C held back until it ends (at most `grace` s)."""
        with deferred_interrupts(grace):
            return work(*args)

    @staticmethod
    def merge(sources: Sequence[Iterable[Any]]) -> Iterator[tuple[int, Any]]:
        """Thread-based twin of `AsyncBackend.merge` for the sync client.

        One source is read inline, so a single answer crosses no thread and Ctrl-C lands
        in the reading code directly. With several, each is read by a daemon thread; on an
        early exit (Ctrl-C included) the sources are asked to stop via their ``abort()``.
        """
        import queue

        if len(sources) == 1:
            try:
                for item in sources[0]:
                    yield 0, item
            except Exception as exc:
                yield 0, exc
            return
        q: queue.Queue[tuple[int, Any]] = queue.Queue()

        def pump(index: int, source: Iterable[Any]) -> None:
            try:
                for item in source:
                    q.put((index, item))
            except Exception as exc:
                q.put((index, exc))
            finally:
                q.put((index, _END))

        threads = [
            threading.Thread(target=pump, args=(i, s), daemon=True, name=f"owui-stream-{i}")
            for i, s in enumerate(sources)
        ]
        for thread in threads:
            thread.start()
        remaining = len(threads)
        try:
            while remaining:
                try:
                    # A timeout keeps the wait interruptible by Ctrl-C on every platform.
                    index, item = q.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is _END:
                    remaining -= 1
                    continue
                yield index, item
        finally:
            if remaining:
                for source in sources:
                    abort = getattr(source, "abort", None)
                    if abort is not None:
                        abort()
                deadline = time.monotonic() + 1.0
                for thread in threads:
                    thread.join(max(0.0, deadline - time.monotonic()))
