"""Work-arounds for known server bugs, each detected from the server's own answer.

Detecting the symptom (instead of trusting version numbers) costs nothing on healthy
servers and also covers builds in between releases.
"""

from __future__ import annotations

import uuid
from typing import Any

COMPLETIONS_PATHS = ("/api/chat/completions", "/api/v1/chat/completions")


def applies_to(path: str, body: Any) -> bool:
    """A completion request that carries no ``chat_id`` of its own."""
    return path in COMPLETIONS_PATHS and isinstance(body, dict) and "chat_id" not in body


def needs_local_chat_id(path: str, status: int, detail: Any, body: Any) -> bool:
    """Open WebUI 0.9.3-0.9.5 reject completions without a ``chat_id`` (open-webui #24575).

    They fail with 400 "'NoneType' object has no attribute 'startswith'". A temporary
    ``local:`` chat id avoids the crash and, unlike ``parent_id: null``, makes the server
    save nothing of its own.
    """
    return (
        status == 400 and "has no attribute 'startswith'" in str(detail) and applies_to(path, body)
    )


def with_local_chat_id(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "chat_id": f"local:{uuid.uuid4()}"}
