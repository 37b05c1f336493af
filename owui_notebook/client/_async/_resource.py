"""Base of every resource group (``client.chats``, ``client.models``, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._responses import expect

if TYPE_CHECKING:
    from .client import AsyncOpenWebUI


class AsyncResource:
    """What every resource group shares: the client, its HTTP layer, the request verbs.

    A group with a method named ``list`` spells the builtin ``builtins.list`` in its
    method signatures: they are resolved in the class body, where ``list`` is the method."""

    def __init__(self, client: AsyncOpenWebUI) -> None:
        self._client = client
        self._http = client._http

    async def _get(self, path: str, **params: Any) -> Any:
        return await self._http.request("GET", path, params=params)

    async def _post(self, path: str, body: Any = None, **params: Any) -> Any:
        return await self._http.request("POST", path, json=body, params=params)

    async def _delete(self, path: str, **params: Any) -> Any:
        return await self._http.request("DELETE", path, params=params)

    async def _get_list(self, path: str, **params: Any) -> list[Any]:
        return expect(await self._get(path, **params), list, "GET", path)

    async def _all_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a listing that is one plain list (older releases) or pages of
        ``{items, total}`` (newer ones), read page by page until the total is reached."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            body = await self._get(path, page=page, **params)
            if isinstance(body, list):
                return [r for r in body if isinstance(r, dict)]
            items = body.get("items") if isinstance(body, dict) else None
            items = [r for r in items or [] if isinstance(r, dict)]
            rows.extend(items)
            total = body.get("total") if isinstance(body, dict) else None
            if not items or total is None or len(rows) >= total:
                return rows
            page += 1

    async def _require(self, feature: str) -> None:
        await self._client.require(feature)
