# Generated from owui_notebook/client/_async/_stream_base.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""What every stream object shares: iterate it once, close it with ``with``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from typing_extensions import Self

T = TypeVar("T")


class StreamBase(Generic[T]):
    """Iterating starts the work (`_iterate`); leaving ``with`` or `close` ends an
    unfinished one, so its ``finally`` blocks (saving what arrived) run at once."""

    _iterator: Iterator[T] | None = None

    def _iterate(self) -> Iterator[T]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        # Never iterated means nothing was sent, so there is nothing to end either.
        if self._iterator is not None:
            self._iterator.close()  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[T]:
        if self._iterator is None:
            self._iterator = self._iterate()
        return self._iterator
