"""Tags: the user's chat tags (served under ``/api/v1/chats``)."""

from __future__ import annotations

import builtins

from ...types import ChatSummary, Tag
from .._resource import AsyncResource


class AsyncTags(AsyncResource):
    """Chat tags (``client.tags``)."""

    async def list(self) -> builtins.list[Tag]:
        """Every tag this user has put on a chat."""
        return [Tag.model_validate(r) for r in await self._get_list("/api/v1/chats/all/tags")]

    async def chats(
        self, name: str, *, skip: int = 0, limit: int = 50
    ) -> builtins.list[ChatSummary]:
        """Chats carrying the tag `name`."""
        body = await self._post("/api/v1/chats/tags", {"name": name, "skip": skip, "limit": limit})
        return [ChatSummary.model_validate(r) for r in body or []]
