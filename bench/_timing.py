"""Shared by the benchmarks: how long until the first item of a stream, and until its end."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any


def first_and_total(open_stream: Callable[[], AbstractContextManager[Any]]) -> tuple[float, float]:
    """Seconds from opening the stream to its first item, and to its (saved) end."""
    start = time.perf_counter()
    first = None
    with open_stream() as stream:
        for _ in stream:
            if first is None:
                first = time.perf_counter() - start
    total = time.perf_counter() - start
    return (first if first is not None else total), total
