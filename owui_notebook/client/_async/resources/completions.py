"""Raw completions: ``POST /api/chat/completions`` without saving anything."""

from __future__ import annotations

from typing import Any

from ..._completion import COMPLETIONS_PATH, completion_body
from ..._responses import expect
from .._resource import AsyncResource
from ..completion_stream import AsyncCompletionStream


def turn_body(
    model: str,
    messages: list[dict[str, Any]],
    chat_id: str,
    message_id: str,
    session_id: str | None,
) -> dict[str, Any]:
    """The body of a call about one saved turn (outlet filters, actions), as the web UI's."""
    return {
        "model": model,
        "messages": messages,
        "chat_id": chat_id,
        "id": message_id,
        "session_id": session_id,
    }


class AsyncCompletions(AsyncResource):
    """Raw chat completions (``client.completions``): nothing is saved as a chat."""

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

    async def completed(
        self,
        chat_id: str,
        message_id: str,
        model: str,
        messages: list[dict[str, Any]],
        *,
        session_id: str | None = None,
    ) -> dict[str, Any]:
        """Run the server's outlet filters over a finished turn (``/api/chat/completed``),
        as the web UI did after each answer up to 0.8; returns the messages as the filters
        left them. Newer servers run the filters inline and keep this for integrations."""
        body = turn_body(model, messages, chat_id, message_id, session_id)
        result = await self._http.request("POST", "/api/chat/completed", json=body)
        return result if isinstance(result, dict) else {"messages": messages}

    async def action(
        self,
        action_id: str,
        chat_id: str,
        message_id: str,
        model: str,
        messages: list[dict[str, Any]],
        *,
        session_id: str | None = None,
    ) -> Any:
        """Run a server action function (the buttons under an answer in the web UI) on a
        message; returns what the action returns."""
        body = turn_body(model, messages, chat_id, message_id, session_id)
        return await self._http.request("POST", f"/api/chat/actions/{action_id}", json=body)
