# Generated from owui_notebook/client/_async/chat_stream.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""A turn in flight: streams every model's answer, then saves the turn in the chat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._backends import Backend
from ..errors import OpenWebUIError
from ..turns import Turn, TurnRequest
from ..types import ChatResult, StreamDelta
from ._stream_base import StreamBase
from .completion_stream import CompletionStream

if TYPE_CHECKING:
    from .chat import Chat


class ChatStream(StreamBase[Any]):
    """Iterate for the answer as it streams; when it ends, the turn is saved in the chat.

        with chat.stream("Hello") as s:
            for text in s:          # str deltas (StreamDelta for several models)
                ...
        s.result                          # ChatResult: ids, content, usage, timings

    Saving happens however the stream ends: completed, broken, stopped with `abort()`,
    cancelled or interrupted (Ctrl-C). A partial answer is kept and marked ``stopped``.
    """

    def __init__(
        self, chat: Chat, request: TurnRequest, *, multi: bool, sequential: bool = False
    ) -> None:
        # The chat settles the turn (`_begin_turn`), explains a failure (`_explain`) and
        # saves it (`_end_turn`); the stream only runs it.
        self._chat = chat
        self._request = request
        self._multi = multi
        self._sequential = sequential
        self.extras = request.extras
        self.turn: Turn | None = None
        self.streams: list[CompletionStream] = []
        self.errors: list[BaseException | None] = [None] * len(request.models)
        self.results: list[ChatResult] = []
        self.saved = False
        self._interrupted = False
        self._iterator: Iterator[Any] | None = None

    @property
    def result(self) -> ChatResult:
        """The (first) model's result; available once the stream has ended."""
        if not self.results:
            raise RuntimeError("the stream has not finished yet: iterate it first")
        return self.results[0]

    @property
    def content(self) -> str:
        """Text received so far from the first model."""
        return self.streams[0].content if self.streams else ""

    def abort(self) -> None:
        """Stop every model at its next chunk; what arrived is kept and saved as stopped."""
        self._interrupted = True
        for stream in self.streams:
            stream.abort()

    def until_done(self) -> list[ChatResult]:
        for _ in self:
            pass
        return self.results

    def _iterate(self) -> Iterator[Any]:
        self.turn, self.streams = self._chat._begin_turn(self._request)
        models = self.turn.models
        if self._interrupted:
            for stream in self.streams:
                stream.abort()
        try:
            merged = one_after_another if self._sequential else Backend.merge
            for index, item in merged(self.streams):
                if isinstance(item, BaseException):
                    self.errors[index] = self._chat._explain(item, models[index])
                    continue
                if self._multi:
                    yield StreamDelta(model=models[index], index=index, text=item)
                else:
                    yield item
        except BaseException:
            # Ctrl-C, cancellation or the caller leaving the loop: keep what arrived.
            self._interrupted = True
            raise
        finally:
            self._save()
        failures = [e for e in self.errors if e is not None]
        if failures and (not self._multi or len(failures) == len(models)):
            raise failures[0]

    def _save(self) -> None:
        if self.saved or self.turn is None:
            return
        self.saved = True  # saving began (a panel's Stop no longer cancels the task)
        results = []
        for index, stream in enumerate(self.streams):
            error = self.errors[index]
            results.append(
                self.turn.result(
                    index,
                    content=stream.content,
                    usage=stream.usage_raw,
                    timings=stream.timings,
                    finish_reason=stream.finish_reason,
                    stopped=(self._interrupted or stream.aborted)
                    and error is None
                    and not stream.finished,
                    error=_error_text(error),
                    sources=stream.sources,
                )
            )
        self.results = results
        if _nothing_to_save(self.streams, self.errors, self._interrupted):
            return
        follow_ups = self.extras.follow_ups and not self._interrupted
        self._chat._end_turn(self.turn, results, follow_ups=follow_ups)


def one_after_another(
    sources: list[CompletionStream],
) -> Iterator[tuple[int, Any]]:
    """`Backend.merge`'s contract, but each source runs only after the previous ended."""
    for index, source in enumerate(sources):
        try:
            for item in source:
                yield index, item
        except Exception as exc:
            yield index, exc


def _error_text(error: BaseException | None) -> str | None:
    if error is None:
        return None
    if isinstance(error, OpenWebUIError):
        return error.message
    return f"{type(error).__name__}: {error}"


def _nothing_to_save(
    streams: list[CompletionStream], errors: list[BaseException | None], interrupted: bool
) -> bool:
    """A turn that produced no text because it failed or was stopped before the first token.

    Saving it would leave an empty exchange in the web UI; the caller gets the error instead
    and can simply retry. (A model that answers with an empty text is still saved.)
    """
    if any(s.content for s in streams):
        return False
    return interrupted or all(e is not None for e in errors)
