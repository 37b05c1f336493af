"""What every stream object shares: iterate it once, close it with ``async with``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from typing_extensions import Self

T = TypeVar("T")


class AsyncStreamBase(Generic[T]):
    """Iterating starts the work (`_iterate`); leaving ``async with`` or `aclose` ends an
    unfinished one, so its ``finally`` blocks (saving what arrived) run at once."""

    _iterator: AsyncIterator[T] | None = None

    def _iterate(self) -> AsyncIterator[T]:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        # Never iterated means nothing was sent, so there is nothing to end either.
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]

    def __aiter__(self) -> AsyncIterator[T]:
        if self._iterator is None:
            self._iterator = self._iterate()
        return self._iterator
