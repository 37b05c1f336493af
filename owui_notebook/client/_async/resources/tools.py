"""Tools (the server's Python toolkits the model may call): ``/api/v1/tools``."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from ...errors import AuthenticationError, NotFoundError, PermissionDeniedError
from ...tool_servers import is_server_tool
from ...types import Tool
from .._resource import AsyncResource

_BASE = "/api/v1/tools"


class AsyncTools(AsyncResource):
    """The workspace tools a chat can use: pass their ids as ``tool_ids=[...]``."""

    async def list(self) -> builtins.list[Tool]:
        """The tools this user may use (their code is not included; see `get`)."""
        return [Tool.model_validate(r) for r in await self._get_list(f"{_BASE}/")]

    async def get(self, tool_id: str) -> Tool:
        """One tool with its code and function specs; `NotFoundError` names the known ids.

        A tool server (``server:<id>``) has no code: its functions come from its spec,
        known to admins (``client.tool_servers``); others get it as listed."""
        try:
            if is_server_tool(tool_id):
                return await self._server_tool(tool_id)
            return Tool.model_validate(await self._get(f"{_BASE}/id/{tool_id}"))
        except NotFoundError:
            known = sorted(t.id for t in await self.list())
            listed = ", ".join(known) if known else "none"
            raise NotFoundError(
                f"no tool {tool_id!r} on this server (tools you may use: {listed})",
                method="GET",
                path=f"{_BASE}/id/{tool_id}",
                status_code=404,
            ) from None

    async def check_ids(self, tool_ids: Iterable[str]) -> builtins.list[str]:
        """`tool_ids` without repeats, each checked against the tools this user may use.

        The server silently ignores a tool id it does not know, so a typo would only show as
        a tool that never runs: an unknown one is a `NotFoundError` before anything is sent.
        """
        wanted = list(dict.fromkeys(tool_ids))
        if not wanted:
            return wanted
        known = {t.id for t in await self.list()}
        for tool_id in wanted:
            if tool_id not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise NotFoundError(
                    f"{tool_id}: no such tool on this server (tools you may use: {listed})",
                    method="GET",
                    path=f"{_BASE}/",
                    status_code=404,
                )
        return wanted

    async def _server_tool(self, tool_id: str) -> Tool:
        listed = [t for t in await self.list() if t.id == tool_id]
        if not listed:
            raise NotFoundError(tool_id, method="GET", path=f"{_BASE}/", status_code=404)
        try:
            server = await self._client.tool_servers.get(tool_id)
        except (AuthenticationError, PermissionDeniedError, NotFoundError):
            return listed[0]
        return listed[0].model_copy(update={"specs": [{"name": f} for f in server.functions]})

    async def create(
        self, tool_id: str, content: str, *, name: str | None = None, description: str = ""
    ) -> Tool:
        """Install a tool from its Python source (a ``class Tools`` with typed methods).

        Needs an admin, or a user allowed to create workspace tools.
        """
        body = {
            "id": tool_id,
            "name": name or tool_id,
            "content": content,
            "meta": {"description": description, "manifest": {}},
        }
        await self._post(f"{_BASE}/create", body)
        return await self.get(tool_id)

    async def update(
        self,
        tool_id: str,
        *,
        content: str | None = None,
        name: str | None = None,
        description: str | None = None,
    ) -> Tool:
        """Change a tool's code, name or description (what is not given is kept)."""
        current = await self.get(tool_id)
        meta: dict[str, Any] = dict(current.meta or {})
        if description is not None:
            meta["description"] = description
        body = {
            "id": tool_id,
            "name": name or current.name,
            "content": content if content is not None else current.content or "",
            "meta": meta,
        }
        await self._post(f"{_BASE}/id/{tool_id}/update", body)
        return await self.get(tool_id)

    async def delete(self, tool_id: str) -> bool:
        """Delete a server tool (admins, or its owner)."""
        return bool(await self._delete(f"{_BASE}/id/{tool_id}/delete"))
