"""The guard that holds Ctrl-C back during a save, and its asyncio twin (no server needed)."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import pytest

from owui_notebook.client._backends import AsyncBackend, Backend
from owui_notebook.client.interrupts import deferred_interrupts


def test_ctrl_c_during_the_block_is_raised_after_it():
    steps = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupts(grace=60):
        signal.raise_signal(signal.SIGINT)
        steps.append("after the first")
        signal.raise_signal(signal.SIGINT)
        steps.append("after the second")
    assert steps == ["after the first", "after the second"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_block_without_ctrl_c_returns_its_value_and_restores_the_handler():
    assert Backend.protected(lambda a, b: a + b, 2, 3) == 5
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_wait_is_bounded_a_blocking_call_is_cut_after_the_grace():
    reached_end = False
    with pytest.raises(KeyboardInterrupt), deferred_interrupts(grace=0.2):
        signal.raise_signal(signal.SIGINT)
        for _ in range(300):  # 30 s unless the grace cuts it
            time.sleep(0.1)
        reached_end = True
    assert not reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_after_the_grace_a_further_ctrl_c_does_not_cut_the_cleanup():
    cleaned = False
    with pytest.raises(KeyboardInterrupt), deferred_interrupts(grace=0.1):
        signal.raise_signal(signal.SIGINT)
        try:
            for _ in range(300):
                time.sleep(0.1)
        except KeyboardInterrupt:
            signal.raise_signal(signal.SIGINT)  # held back again
            cleaned = True
            raise
    assert cleaned


def test_outside_the_main_thread_the_block_runs_unguarded():
    seen = []

    def work() -> None:
        with deferred_interrupts(grace=60):
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler]


async def test_a_cancelled_caller_waits_for_the_protected_work():
    finished = []

    async def save() -> str:
        await asyncio.sleep(0.3)
        finished.append(True)
        return "chat-id"

    task = asyncio.ensure_future(AsyncBackend.protected(save))
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.sleep(0.05)
    task.cancel()  # asked again while it waits
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == [True]


async def test_protected_work_past_the_grace_is_cancelled():
    finished = []

    async def hung_save() -> None:
        await asyncio.sleep(30)
        finished.append(True)

    task = asyncio.ensure_future(AsyncBackend.protected(hung_save, grace=0.1))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == []
