"""Server-sent events and OpenAI-style stream chunks, parsed line by line.

Pure functions with no I/O so the same code serves the sync and async streams and can be
fuzzed on its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MALFORMED = "malformed stream data"


@dataclass
class SSEEvent:
    data: str
    event: str = "message"
    id: str | None = None


@dataclass
class SSEDecoder:
    """Feed lines (without their newline); a complete event comes back on the blank line."""

    _data: list[str] = field(default_factory=list)
    _event: str = ""
    _id: str | None = None

    def feed(self, line: str) -> SSEEvent | None:
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            return self.flush()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        return None

    def flush(self) -> SSEEvent | None:
        """Return the pending event, if any (also call this at the end of the stream)."""
        if not self._data:
            self._event = ""
            return None
        event = SSEEvent("\n".join(self._data), self._event or "message", self._id)
        self._data, self._event = [], ""
        return event


@dataclass
class ChunkInfo:
    """What one stream chunk carries that the caller cares about."""

    text: str = ""
    usage: dict[str, Any] | None = None
    finish_reason: str | None = None
    error: str | None = None
    done: bool = False
    sources: list[dict[str, Any]] | None = None  # citations: Open WebUI's ``{"sources": [...]}``
    extra: dict[str, Any] | None = None
    choice: bool = False  # the chunk has ``choices`` (an answer chunk, not an event)
    server_made: bool = False  # built by Open WebUI's own chunk template (see `StreamEnd`)


def parse_chunk(data: str) -> ChunkInfo:
    """Interpret the data of one SSE event from ``/api/chat/completions``.

    Open WebUI forwards the provider's OpenAI chunks and adds its own events (sources,
    selected model, errors as ``{"error": ...}`` or ``{"detail": ...}``); unknown shapes are
    kept in ``extra`` and never raise.
    """
    data = data.strip()
    if data == "[DONE]":
        return ChunkInfo(done=True)
    try:
        obj = json.loads(data)
    except ValueError:
        return ChunkInfo(error=f"{MALFORMED}: {data[:120]!r}")
    if not isinstance(obj, dict):
        return ChunkInfo(extra={"value": obj})
    info = ChunkInfo()
    err = obj.get("error")
    if err:
        info.error = _error_text(err)
        return info
    if "detail" in obj and "choices" not in obj:
        info.error = _error_text(obj["detail"])
        return info
    choices = obj.get("choices")
    if isinstance(choices, list) and choices:
        info.choice = True
        choice = choices[0] if isinstance(choices[0], dict) else {}
        delta = choice.get("delta") or choice.get("message") or {}
        if isinstance(delta, dict):
            content = delta.get("content")
            if isinstance(content, str):
                info.text = content
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            info.finish_reason = reason
        info.server_made = _server_made(obj)
    usage = obj.get("usage")
    if isinstance(usage, dict) and usage:
        info.usage = usage
    sources = obj.get("sources")
    if isinstance(sources, list):
        # Sent before the first token (retrieval) or later (tools, web pages): each adds more.
        info.sources = [s for s in sources if isinstance(s, dict)]
    if choices is None and usage is None and sources is None:
        info.extra = obj
    return info


# Open WebUI's `openai_chat_chunk_message_template` names a chunk "<model>-<uuid4>"; providers
# use their own ids ("chatcmpl-...").
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _server_made(obj: dict[str, Any]) -> bool:
    chunk_id, model = obj.get("id"), obj.get("model")
    if not (isinstance(chunk_id, str) and isinstance(model, str)):
        return False
    return chunk_id.startswith(f"{model}-") and bool(_UUID.fullmatch(chunk_id[len(model) + 1 :]))


@dataclass
class StreamEnd:
    """Whether a stream that reached the end of its body carried the whole answer.

    A normal end shows itself: every provider and Ollama's OpenAI endpoint send a chunk with a
    ``finish_reason`` and then ``data: [DONE]``; Open WebUI relays both and adds ``[DONE]`` to
    its own streams (pipe functions, converted Ollama streams, its error frames). A body that
    just ends without either was cut (a proxy's read timeout, a load balancer, a restart) even
    when the connection closed cleanly, and the answer is partial.

    One exception: 0.6.15 and 0.9.5 (not 0.12.4) end the stream of a pipe function written as
    an async generator with neither mark. Its chunks are built by Open WebUI's template (id
    ``<model>-<uuid4>``); a stream made only of those is taken as complete, since such a
    pipe's normal end and a cut cannot be told apart.
    """

    done: bool = False
    finish_reason: str | None = None
    chunks: int = 0  # chunks with choices
    server_made: int = 0  # of which built by Open WebUI's template

    def see(self, info: ChunkInfo) -> None:
        if info.done:
            self.done = True
        if info.finish_reason:
            self.finish_reason = info.finish_reason
        if info.choice:
            self.chunks += 1
            self.server_made += info.server_made

    @property
    def complete(self) -> bool:
        if self.done or self.finish_reason:
            return True
        return self.chunks > 0 and self.server_made == self.chunks


def _error_text(err: Any) -> str:
    if isinstance(err, dict):
        return str(err.get("message") or err.get("detail") or err.get("content") or err)
    return str(err)
