"""Server-side generation tasks: ``/api/v1/tasks/{title,tags,follow_up}/completions``."""

from __future__ import annotations

import json
import re
from typing import Any

from .._resource import AsyncResource

_BASE = "/api/v1/tasks"


def _answer_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    choices = body.get("choices") or []
    if choices and isinstance(choices[0], dict):
        content = (choices[0].get("message") or {}).get("content")
        return content if isinstance(content, str) else ""
    return ""


def _json_field(text: str, key: str) -> Any:
    """The task models answer JSON, sometimes wrapped in prose or code fences."""
    match = re.search(r"\{.*\}", text, re.S)
    if match:
        try:
            value = json.loads(match.group(0))
        except ValueError:
            value = None
        if isinstance(value, dict) and key in value:
            return value[key]
    return None


class AsyncTasks(AsyncResource):
    """The server's background tasks (``client.tasks``): titles, tags, follow-up questions."""

    async def _run(
        self, task: str, model: str, messages: list[dict[str, Any]], **extra: Any
    ) -> str:
        body = {"model": model, "messages": messages, "stream": False, **extra}
        return _answer_text(await self._post(f"{_BASE}/{task}/completions", body))

    async def title(
        self, model: str, messages: list[dict[str, Any]], *, chat_id: str | None = None
    ) -> str | None:
        """A short title for a conversation, or ``None`` if the server's title task is off."""
        text = await self._run("title", model, messages, chat_id=chat_id)
        title = _json_field(text, "title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        text = text.strip().strip('"').strip()
        return text.splitlines()[0][:80] if text and not text.startswith("{") else None

    async def tags(
        self, model: str, messages: list[dict[str, Any]], *, chat_id: str | None = None
    ) -> list[str]:
        """Tags for a conversation, as the server's tags task suggests them."""
        return await self._strings("tags", "tags", model, messages, chat_id)

    async def follow_ups(
        self, model: str, messages: list[dict[str, Any]], *, chat_id: str | None = None
    ) -> list[str]:
        """Follow-up questions the user might ask next."""
        return await self._strings("follow_up", "follow_ups", model, messages, chat_id)

    async def _strings(
        self, task: str, key: str, model: str, messages: list[dict[str, Any]], chat_id: str | None
    ) -> list[str]:
        items = _json_field(await self._run(task, model, messages, chat_id=chat_id), key)
        return [str(t) for t in items] if isinstance(items, list) else []
