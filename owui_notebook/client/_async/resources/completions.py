"""Raw completions: ``POST /api/chat/completions`` without saving anything."""

from __future__ import annotations

from typing import Any

from ..._completion import COMPLETIONS_PATH, completion_body
from ..._responses import expect
from .._resource import AsyncResource
from ..completion_stream import AsyncCompletionStream


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
