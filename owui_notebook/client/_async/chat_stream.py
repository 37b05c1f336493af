"""A turn in flight: streams every model's answer, then saves the turn in the chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._backends import AsyncBackend
from ..errors import OpenWebUIError
from ..turns import Turn, TurnRequest
from ..types import ChatResult, StreamDelta
from ._stream_base import AsyncStreamBase
from .completion_stream import AsyncCompletionStream

if TYPE_CHECKING:
    from .chat import AsyncChat


class AsyncChatStream(AsyncStreamBase[Any]):
    """Iterate for the answer as it streams; when it ends, the turn is saved in the chat.

        async with chat.stream("Hello") as s:
            async for text in s:          # str deltas (StreamDelta for several models)
                ...
        s.result                          # ChatResult: ids, content, usage, timings

    Saving happens however the stream ends: completed, broken, stopped with `abort()`,
    cancelled or interrupted (Ctrl-C). A partial answer is kept and marked ``stopped``.
    """

    def __init__(
        self, chat: AsyncChat, request: TurnRequest, *, multi: bool, sequential: bool = False
    ) -> None:
        # The chat settles the turn (`_begin_turn`), explains a failure (`_explain`) and
        # saves it (`_end_turn`); the stream only runs it.
        self._chat = chat
        self._request = request
        self._multi = multi
        self._sequential = sequential
        self.extras = request.extras
        self.turn: Turn | None = None
        self.streams: list[AsyncCompletionStream] = []
        self.errors: list[BaseException | None] = [None] * len(request.models)
        self.results: list[ChatResult] = []
        self.saved = False
        self._interrupted = False
        self._iterator: AsyncIterator[Any] | None = None

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

    async def until_done(self) -> list[ChatResult]:
        async for _ in self:
            pass
        return self.results

    async def _iterate(self) -> AsyncIterator[Any]:
        self.turn, self.streams = await self._chat._begin_turn(self._request)
        models = self.turn.models
        if self._interrupted:
            for stream in self.streams:
                stream.abort()
        try:
            merged = one_after_another if self._sequential else AsyncBackend.merge
            async for index, item in merged(self.streams):
                if isinstance(item, BaseException):
                    self.errors[index] = await self._chat._explain(item, models[index])
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
            await self._save()
        failures = [e for e in self.errors if e is not None]
        if failures and (not self._multi or len(failures) == len(models)):
            raise failures[0]

    async def _save(self) -> None:
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
        await self._chat._end_turn(self.turn, results, follow_ups=follow_ups)


async def one_after_another(
    sources: list[AsyncCompletionStream],
) -> AsyncIterator[tuple[int, Any]]:
    """`AsyncBackend.merge`'s contract, but each source runs only after the previous ended."""
    for index, source in enumerate(sources):
        try:
            async for item in source:
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
    streams: list[AsyncCompletionStream], errors: list[BaseException | None], interrupted: bool
) -> bool:
    """A turn that produced no text because it failed or was stopped before the first token.

    Saving it would leave an empty exchange in the web UI; the caller gets the error instead
    and can simply retry. (A model that answers with an empty text is still saved.)
    """
    if any(s.content for s in streams):
        return False
    return interrupted or all(e is not None for e in errors)
