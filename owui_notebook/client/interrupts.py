"""Ctrl-C held back while a turn is being saved, so that a second Ctrl-C cannot cut the save.

A stopped answer is saved in the ``finally`` of the stream; a further SIGINT (a second
click on the kernel's interrupt button) would otherwise land inside the save's HTTP calls
and lose the turn, or create a chat whose id the client never learns. `deferred_interrupts`
records SIGINT instead of raising it, and raises it once the block ends. The wait is
bounded: `grace` seconds after the first held-back signal, the interrupt is delivered
anyway (the caller must then treat the save as not done).

Only the main thread receives SIGINT, and only there can a handler be installed; anywhere
else the block runs unguarded, as before.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

# How long a save may hold back Ctrl-C: a save is a few requests, each bounded by the
# client's timeout; past this the user's interrupt wins over the save.
SAVE_GRACE_S = 10.0


class _Deferral:
    """State shared by the temporary SIGINT handler and the grace timer."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.active = True
        self.first: float | None = None  # monotonic time of the first held-back SIGINT
        self.pending = False
        self.expired = False
        self.raised = False
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.active and self.expired and not self.raised:
            # Once only: a further Ctrl-C must not cut the caller's cleanup of the cut save.
            self.raised = True
            self.pending = False
            raise KeyboardInterrupt
        self.pending = True
        if self.first is None:
            self.first = time.monotonic()
            self.timer = threading.Timer(self.grace, self.expire)
            self.timer.daemon = True
            self.timer.start()

    def expire(self) -> None:
        """The grace is over: deliver the interrupt into the block (ends a blocking read)."""
        with self.lock:
            if not self.active:
                return
            self.expired = True
            _signal_main_thread()

    def close(self) -> None:
        with self.lock:
            self.active = False
        if self.timer is not None:
            self.timer.cancel()


def _signal_main_thread() -> None:
    main = threading.main_thread().ident
    if hasattr(signal, "pthread_kill") and main is not None:
        # A real signal interrupts a blocking socket read; interrupt_main would not.
        signal.pthread_kill(main, signal.SIGINT)
    else:  # Windows
        import _thread

        _thread.interrupt_main()


@contextlib.contextmanager
def deferred_interrupts(grace: float = SAVE_GRACE_S) -> Iterator[None]:
    """Hold back SIGINT during the block; raise it (as the previous handler would) after.

    A SIGINT that arrives while the block runs is remembered and delivered when the block
    ends. If the block is still running `grace` seconds after the first one, the interrupt
    is raised inside the block (``KeyboardInterrupt``), so a hung save cannot keep the user
    waiting longer than that.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Any = signal.getsignal(signal.SIGINT)
    if previous is None:  # installed outside Python: cannot be put back, so leave it alone
        yield
        return
    state = _Deferral(grace)
    signal.signal(signal.SIGINT, state.handle)
    try:
        yield
    finally:
        state.close()
        signal.signal(signal.SIGINT, previous)
        if state.pending:
            # Hand the held-back interrupt to the handler that was there before (ipykernel's
            # KeyboardInterrupt, or whatever the program installed).
            signal.raise_signal(signal.SIGINT)
