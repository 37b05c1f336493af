# Generated from owui_notebook/client/_async/resources/completions.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Raw completions: ``POST /api/chat/completions`` without saving anything."""

from __future__ import annotations

from typing import Any

from ..._completion import COMPLETIONS_PATH, completion_body
from ..._responses import expect
from .._resource import Resource
from ..completion_stream import CompletionStream


class Completions(Resource):
    def create(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> dict[str, Any]:
        """One whole OpenAI-style completion; ``temperature=``, ``max_tokens=``... pass through."""
        body = completion_body(model, messages, stream=False, params=params)
        reply = self._http.request("POST", COMPLETIONS_PATH, json=body, idempotent=True)
        return expect(reply, dict, "POST", COMPLETIONS_PATH)

    def stream(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> CompletionStream:
        """A streamed completion; iterate it for text deltas."""
        body = completion_body(model, messages, stream=True, params=params)
        return CompletionStream(self._http, body)
