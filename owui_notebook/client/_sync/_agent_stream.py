# Generated from owui_notebook/client/_async/_agent_stream.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""What every agent run (the task runner, deep research) shares: one chat it streams turns of.

A run is one `Chat`; each turn is an ordinary chat stream, so whatever stops the run
(`abort()`, Ctrl-C, an error) keeps every turn answered so far. This base owns the run's
outcome (`result`, `finished`, `url`, `until_done`), stopping it (`abort`) and the guarded
turn (`_turn`); the subclasses own what they ask and the events they stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from ..agent_types import AgentResult
from ._stream_base import StreamBase

if TYPE_CHECKING:
    from ..types import ChatResult
    from .chat import Chat
    from .chat_stream import ChatStream


E = TypeVar("E")
R = TypeVar("R", bound=AgentResult)


class AgentStreamBase(StreamBase[E], Generic[E, R]):
    """An agent run over one chat; iterate it for events ``E``, `result` (``R``) after."""

    _noun: ClassVar[str]  # names the run in messages: "the {noun} has not finished yet"

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.error: str | None = None
        self._result: R | None = None
        self._current: ChatStream | None = None  # the turn in flight, for `abort`
        self._last: ChatResult | None = None  # the last turn's result, once it has ended
        self._aborted = False
        self._iterator: Iterator[E] | None = None

    def _describe(self) -> str:
        """What names this run in its repr, e.g. ``model='llama3'``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        state = self._result.status if self._result else "running"
        return f"<{type(self).__name__} {self._describe()} {state} chat={self.chat.id!r}>"

    @property
    def result(self) -> R:
        """The run's outcome; available once the stream has ended, however it ended."""
        if self._result is None:
            raise RuntimeError(f"the {self._noun} has not finished yet: iterate it first")
        return self._result

    @property
    def finished(self) -> bool:
        """Whether the run has ended (and `result` is there)."""
        return self._result is not None

    @property
    def url(self) -> str | None:
        """Link to the run's chat in the web UI (``None`` until its first answer is saved)."""
        return self.chat.url

    def abort(self) -> None:
        """Stop the run: the answer in flight ends at its next chunk and is saved as stopped."""
        self._aborted = True
        current = self._current
        if current is not None:
            current.abort()

    def until_done(self) -> R:
        for _ in self:
            pass
        return self.result

    @contextmanager
    def _turn(self, stream: ChatStream) -> Iterator[ChatStream]:
        """Run one turn of the chat: abortable while in flight, its result in ``_last`` after.

        A context manager rather than a generator of events, so that closing the run closes
        the turn at once (its partial answer saved as stopped), not when it is collected.
        """
        self._current, self._last = stream, None
        if self._aborted:
            stream.abort()
        try:
            with stream:
                yield stream
        finally:
            self._current = None
            self._last = stream.results[0] if stream.results else None
