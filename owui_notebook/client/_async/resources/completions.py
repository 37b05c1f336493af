"""Raw completions: ``POST /api/chat/completions`` without saving anything."""

from __future__ import annotations

from typing import Any

from ..._responses import expect
from .._resource import AsyncResource
from ..completion_stream import COMPLETIONS_PATH, AsyncCompletionStream


def completion_body(
    model: str, messages: list[dict[str, Any]], *, stream: bool, params: dict[str, Any]
) -> dict[str, Any]:
    """The request body: OpenAI fields pass through Open WebUI to the provider."""
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": stream}
    if stream:
        body["stream_options"] = {"include_usage": True}
    body.update({k: v for k, v in params.items() if v is not None})
    return body


class AsyncCompletions(AsyncResource):
    async def create(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> dict[str, Any]:
        """One whole OpenAI-style completion; ``temperature=``, ``max_tokens=``... pass through."""
        body = completion_body(model, messages, stream=False, params=params)
        reply = await self._http.request("POST", COMPLETIONS_PATH, json=body, idempotent=True)
        return expect(reply, dict, "POST", COMPLETIONS_PATH)

    def stream(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> AsyncCompletionStream:
        """A streamed completion; iterate it for text deltas."""
        body = completion_body(model, messages, stream=True, params=params)
        return AsyncCompletionStream(self._http, body)
