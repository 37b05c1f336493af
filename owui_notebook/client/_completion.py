"""The completion request (pure): ``POST /api/chat/completions`` and the body it takes."""

from __future__ import annotations

from typing import Any

COMPLETIONS_PATH = "/api/chat/completions"


def completion_body(
    model: str, messages: list[dict[str, Any]], *, stream: bool, params: dict[str, Any]
) -> dict[str, Any]:
    """The request body: OpenAI fields pass through Open WebUI to the provider."""
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": stream}
    if stream:
        body["stream_options"] = {"include_usage": True}
    body.update({k: v for k, v in params.items() if v is not None})
    return body


def error_text(body: dict[str, Any]) -> str:
    """The error a whole (not streamed) reply carries, as text."""
    err = body.get("error") or body.get("detail")
    if isinstance(err, dict):
        return str(err.get("message") or err)
    return str(err)
