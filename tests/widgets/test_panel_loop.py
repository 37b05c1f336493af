"""PanelTasks: whatever thread or loop work arrives from, it runs on the panel's loop."""

from __future__ import annotations

import asyncio
import threading

from owui_notebook.widgets._tasks import PanelTasks, on_panel_loop
from tests.helpers.loop import Subshell, until


class Recorder:
    """A panel's bare bones: its tasks, and where each piece of its work ran."""

    def __init__(self) -> None:
        self._tasks = PanelTasks(lambda _error: None)
        self.ran: list[tuple[asyncio.AbstractEventLoop, threading.Thread]] = []

    def _where(self) -> None:
        self.ran.append((asyncio.get_running_loop(), threading.current_thread()))

    async def work(self) -> None:
        self._where()

    @on_panel_loop
    def click(self) -> str:
        self._where()
        self._tasks.start(self.work(), name="work")
        return "clicked"

    @on_panel_loop
    def ping(self) -> str:
        return "pong"

    @on_panel_loop
    def broken(self) -> None:
        raise ValueError("bad input")


async def test_work_from_a_subshell_thread_runs_on_the_panels_loop():
    loop, main = asyncio.get_running_loop(), threading.current_thread()
    panel = Recorder()
    assert panel._tasks.loop is loop
    with Subshell() as subshell:
        # Handed over: the call returns None at once, the work runs on the panel's loop.
        assert await subshell.call(panel.click) is None
        await until(lambda: len(panel.ran) == 2, what="click and its task")
        assert await subshell.call(lambda: panel._tasks.start(panel.work(), name="w")) is None
        await until(lambda: len(panel.ran) == 3, what="a task started from the subshell")
        await subshell.call(lambda: panel._tasks.call(panel._where))
        await until(lambda: len(panel.ran) == 4, what="a call from the subshell")
        # The caller has no loop at all (a plain thread): handed over too.
        thread = threading.Thread(target=panel.click)
        thread.start()
        thread.join()
        await until(lambda: len(panel.ran) == 6, what="a click from a plain thread")
        # What a handed-over call raises is the panel's to show: nobody else would see it.
        await subshell.call(panel.broken)
        await until(lambda: panel._tasks.errors, what="the error reported")
        assert subshell.loop is not panel._tasks.loop
    await panel._tasks.wait(timeout=10)
    assert panel.ran == [(loop, main)] * 6
    assert [str(e) for e in panel._tasks.errors] == ["bad input"]
    # On the panel's loop, a method runs at once and returns its value.
    assert panel.click() == "clicked" and len(panel.ran) == 7


def test_a_panel_made_without_a_loop_binds_the_first_it_runs_on_and_keeps_it():
    panel = Recorder()
    assert panel._tasks.loop is None

    async def first() -> asyncio.AbstractEventLoop:
        panel.click()
        await panel._tasks.wait(timeout=10)
        return asyncio.get_running_loop()

    bound = asyncio.new_event_loop()
    thread = threading.Thread(target=bound.run_forever)
    thread.start()
    try:
        loop = asyncio.run_coroutine_threadsafe(first(), bound).result(timeout=10)
        assert panel._tasks.loop is loop is bound
        # Another loop now (a second thread's) does not take the panel over.
        assert asyncio.run(_click_elsewhere(panel)) is None
        asyncio.run_coroutine_threadsafe(panel._tasks.wait(timeout=10), bound).result(10)
        assert [where for where, _ in panel.ran] == [bound] * 4
    finally:
        bound.call_soon_threadsafe(bound.stop)
        thread.join()
        bound.close()


async def _click_elsewhere(panel: Recorder) -> str | None:
    return panel.click()


def test_without_any_loop_the_panel_says_so():
    panel = Recorder()
    assert panel.ping() == "pong"  # nothing to hand over to: the method just runs
    coro = panel.work()
    assert panel._tasks.start(coro, name="w") is None
    assert "no running asyncio event loop" in str(panel._tasks.errors[-1])
