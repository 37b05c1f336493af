"""Shared by the benchmarks: the server under test, and stream timing."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    url: str
    api_key: str
    jwt: str | None


@contextlib.contextmanager
def server(*, need_jwt: bool = False) -> Iterator[Target]:
    """$OWUI_URL and $OWUI_API_KEY (and $OWUI_JWT if needed), else a sandbox for the run."""
    url, key, jwt = (os.environ.get(k) for k in ("OWUI_URL", "OWUI_API_KEY", "OWUI_JWT"))
    if url and key and (jwt or not need_jwt):
        yield Target(url, key, jwt)
        return
    from owui_notebook.sandbox import Sandbox

    with Sandbox(log=lambda m: print(f"[sandbox] {m}", file=sys.stderr)) as box:
        yield Target(box.url, box.api_key, box.jwt)


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
