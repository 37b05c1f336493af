"""Work-arounds for known server bugs, each detected from the server's own answer.

Detecting the symptom (instead of trusting version numbers) costs nothing on healthy
servers and also covers builds in between releases. Where the symptom cannot be told from a
real failure (a bare 500), the releases that have the bug decide.
"""

from __future__ import annotations

import uuid
from typing import Any

from .features import parse_version

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


def chats_all_fails(version: str) -> bool:
    """Open WebUI 0.6.42-0.6.43 answer ``GET /api/v1/chats/all`` with 500 for every user.

    The route iterates the paged result that 0.6.42 made ``get_chats_by_user_id`` return
    instead of its items (open-webui #20206, fixed in 0.7.0). A 500 says nothing more, so
    the version decides.
    """
    return (0, 6, 42) <= parse_version(version) < (0, 7, 0)
