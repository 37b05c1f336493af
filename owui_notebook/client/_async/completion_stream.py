"""One model's streamed answer from ``/api/chat/completions`` (nothing saved)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from .._completion import COMPLETIONS_PATH, error_text
from .._responses import decode_json
from ..errors import ModelError, RequestTimeout, StreamInterrupted
from ..sse import MALFORMED, ChunkInfo, SSEDecoder, StreamEnd, parse_chunk
from ..types import Timings, Usage
from ._http import AsyncHTTP
from ._stream_base import AsyncStreamBase


class AsyncCompletionStream(AsyncStreamBase[str]):
    """Iterate for text deltas as the server sends them; figures are on the object after.

        async with client.completions.stream("alpha", messages) as s:
            async for text in s:
                print(text, end="")
        s.content, s.usage, s.timings

    `abort()` may be called from any thread; the stream stops at its next chunk.
    """

    def __init__(self, http: AsyncHTTP, body: dict[str, Any]) -> None:
        self._http = http
        self._body = body
        self.model: str = str(body.get("model", ""))
        self._parts: list[str] = []
        self.usage_raw: dict[str, Any] | None = None
        self.finish_reason: str | None = None
        self.sources: list[dict[str, Any]] = []  # citations, as the server sent them
        self.timings = Timings()
        self.aborted = False
        self.started = False
        self.finished = False
        self._iterator: AsyncIterator[str] | None = None
        self._start = 0.0

    @property
    def content(self) -> str:
        """The text received so far (all of it once the stream is done)."""
        return "".join(self._parts)

    @property
    def usage(self) -> Usage | None:
        """The token counts from the stream's last chunk, if the provider sent them."""
        return Usage.from_raw(self.usage_raw)

    def abort(self) -> None:
        """Stop reading: the loop over the stream ends at the next chunk."""
        self.aborted = True

    async def aclose(self) -> None:
        """Close the connection; a stream closed before its end counts as aborted."""
        if self._iterator is not None and not self.finished:
            self.aborted = True
            await super().aclose()

    async def until_done(self) -> str:
        """Read the whole answer and return it."""
        async for _ in self:
            pass
        return self.content

    async def _iterate(self) -> AsyncIterator[str]:
        if self.aborted:  # stopped before its turn came (a one-after-another comparison)
            return
        self.started = True
        self.timings.started_at = time.time()
        self._start = start = time.perf_counter()
        path = COMPLETIONS_PATH
        try:
            async with self._http.stream(
                "POST", path, json=self._body, idempotent=True
            ) as response:
                if "text/event-stream" not in response.headers.get("content-type", ""):
                    # The model is set not to stream: the whole answer comes as one JSON body.
                    await response.aread()
                    text = self._take_whole(decode_json(response, "POST", path))
                    self.timings.ttft = time.perf_counter() - start
                    if text:
                        yield text
                    return
                decoder = SSEDecoder()
                end = StreamEnd()
                async for line in response.aiter_lines():
                    if self.aborted:
                        return
                    event = decoder.feed(line)
                    if event is None:
                        continue
                    text = self._take(parse_chunk(event.data), end)
                    if text:
                        yield text
                    if end.done:
                        break
                else:
                    # The body ended. An event still pending was cut off after its last full
                    # line (complete JSON) or inside it (a fragment: the cut, not a model error).
                    event = decoder.flush()
                    if event is not None and not self.aborted:
                        info = parse_chunk(event.data)
                        if info.error and info.error.startswith(MALFORMED):
                            raise self._cut(path, "in the middle of an event")
                        text = self._take(info, end)
                        if text:
                            yield text
                    if not end.complete and not self.aborted:
                        raise self._cut(path, "without [DONE] or a finish_reason")
            self.finished = True
        except httpx.TimeoutException:
            raise RequestTimeout(
                f"model {self.model!r} stopped sending for too long; the partial answer was kept",
                method="POST",
                path=path,
            ) from None
        except httpx.TransportError as exc:
            raise StreamInterrupted(
                f"the stream from model {self.model!r} broke after {len(self.content)} characters "
                f"({type(exc).__name__}); the partial answer was kept",
                method="POST",
                path=path,
                partial=self.content,
            ) from None
        finally:
            self.timings.total = time.perf_counter() - start

    def _take(self, info: ChunkInfo, end: StreamEnd) -> str:
        """Record one chunk; its text, if any."""
        if info.error:
            raise ModelError(
                f"model {self.model!r} failed: {info.error}",
                model=self.model,
                partial=self.content,
            )
        end.see(info)
        if info.usage:
            self.usage_raw = info.usage
        if info.sources:
            self.sources.extend(info.sources)
        if info.finish_reason:
            self.finish_reason = info.finish_reason
        if info.text:
            if self.timings.ttft is None:
                self.timings.ttft = time.perf_counter() - self._start
            self._parts.append(info.text)
        return info.text

    def _cut(self, path: str, how: str) -> StreamInterrupted:
        # A clean end of the body before [DONE] or a finish_reason is a cut all the same
        # (a proxy's read timeout, a load balancer, a restart): handled as a reset is.
        return StreamInterrupted(
            f"the stream from model {self.model!r} ended after {len(self.content)} characters "
            f"{how}: a proxy or the server cut it short; the partial answer was kept",
            method="POST",
            path=path,
            partial=self.content,
        )

    def _take_whole(self, body: Any) -> str:
        if not isinstance(body, dict):
            # Open WebUI answers 200 and `null` when its own handling of the request failed
            # (0.7.2 for workspace models): no model ran, so this is no (empty) answer.
            raise ModelError(
                f"model {self.model!r} gave no answer: the server replied {json.dumps(body)[:40]} "
                "instead of one (its log says why)",
                model=self.model,
            )
        if body.get("error") or body.get("detail"):
            raise ModelError(f"model {self.model!r} failed: {error_text(body)}", model=self.model)
        choice = (body.get("choices") or [{}])[0] or {}
        message = choice.get("message") or {}
        content = message.get("content")
        text = content if isinstance(content, str) else ""
        self.finish_reason = choice.get("finish_reason")
        if isinstance(body.get("usage"), dict):
            self.usage_raw = body["usage"]
        if isinstance(body.get("sources"), list):  # the server merges its events into the body
            self.sources.extend(s for s in body["sources"] if isinstance(s, dict))
        if text:
            self._parts.append(text)
        self.finished = True
        return text
