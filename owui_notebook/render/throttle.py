"""When to push the next render of a growing answer to the front end."""

from __future__ import annotations

import time
from collections.abc import Callable

# Jupyter drops output above 1 MB/s or 1,000 messages/s (iopub_*_rate_limit); stay far below.
DEFAULT_INTERVAL = 0.08
DEFAULT_BYTES_PER_SECOND = 250_000


class Throttle:
    """At most one render per `interval` seconds, spaced further apart as the output grows.

    Each render resends the whole answer, so a long answer would otherwise approach the
    front end's byte rate limit; the gap after a render of ``size`` bytes is at least
    ``size / bytes_per_second``.
    """

    def __init__(
        self,
        interval: float = DEFAULT_INTERVAL,
        bytes_per_second: float = DEFAULT_BYTES_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.bytes_per_second = bytes_per_second
        self._clock = clock
        self._next = 0.0
        self.renders = 0
        self.bytes_sent = 0

    def due(self) -> bool:
        """Whether a render may go out now."""
        return self._clock() >= self._next

    def wait(self) -> float:
        """Seconds until the next render may go out (0 when one is due)."""
        return max(0.0, self._next - self._clock())

    def sent(self, size: int) -> None:
        """Record a render of `size` bytes that just went out."""
        self.renders += 1
        self.bytes_sent += size
        self._next = self._clock() + max(self.interval, size / self.bytes_per_second)
