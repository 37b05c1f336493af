# Generated from owui_notebook/client/_async/resources/tool_servers.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""External OpenAPI tool servers (admin): ``/api/v1/configs/tool_servers``."""

from __future__ import annotations

import builtins
from typing import Any

from ... import tool_servers as ts
from ...access import Access
from ...errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
)
from ...types import ToolServerConnection
from .._resource import Resource
from ._permission import permitted

_BASE = "/api/v1/configs/tool_servers"


class ToolServers(Resource):
    """The OpenAPI tool servers the server calls for chats (configuring them needs an admin).

    A chat uses one by its `tool_id` (``server:<id>``) in ``tool_ids=[...]``, beside
    workspace tools; the task runner also takes ``tool_server_ids=[...]``.
    """

    def list(self) -> builtins.list[ToolServerConnection]:
        """Every configured tool server (keys left out), with the id a chat names it by."""
        raw = self._raw()
        listed = self._listed()
        return [self._view(c, i, listed) for i, c in enumerate(raw)]

    def get(self, server: str) -> ToolServerConnection:
        """One tool server by id, tool id, name or URL, with the functions its spec offers."""
        raw = self._raw()
        listed = self._listed()
        index = self._find(raw, server, listed)
        view = self._view(raw[index], index, listed)
        if view.enabled:
            try:
                reply = self._verify_raw(raw[index])
            except ConfigurationError:
                pass  # configured but unreachable: `available` already says so
            else:
                view.functions = ts.operation_ids(ts.spec_of(reply))
        return view

    def verify(
        self, url: str, *, path: str = "openapi.json", key: str | None = None
    ) -> dict[str, Any]:
        """The OpenAPI spec the server loads from `url` (what it would offer the model)."""
        conn = ts.connection(
            url,
            server_id="",
            name="",
            description="",
            path=path,
            key=key,
            access=Access.private(),
            enabled=True,
        )
        return ts.spec_of(self._verify_raw(conn))

    def add(
        self,
        url: str,
        *,
        id: str | None = None,
        name: str | None = None,
        description: str | None = None,
        path: str = "openapi.json",
        key: str | None = None,
        access: Access | str = "private",
        enabled: bool = True,
        verify: bool = True,
    ) -> ToolServerConnection:
        """Connect a tool server at `url` (its spec at `path`; `key` sent as a bearer token).

        With `verify` (the default) the server must load its spec first, so a wrong URL
        is an error now rather than a tool that never appears. `name` and `description`
        default to the spec's title and description, `id` to the name in lower case.
        ``access="private"`` lets only admins use it; ``"public"`` or ``Access.to(...)``
        shares it.
        """
        grant = Access.of(access)
        spec: dict[str, Any] = {}
        if verify:
            spec = self.verify(url, path=path, key=key)
            if not spec:
                raise ConfigurationError(
                    f"{url.rstrip('/')}/{path.lstrip('/')} is not an OpenAPI spec (no paths)"
                )
        info = spec.get("info") if isinstance(spec.get("info"), dict) else {}
        name = name or str((info or {}).get("title") or "") or url
        server_id = id or ts.slug(name)
        raw = self._raw()
        for i, existing in enumerate(raw):
            if str((existing.get("info") or {}).get("id") or i) == server_id:
                raise ConfigurationError(
                    f"a tool server with id {server_id!r} exists already ({existing.get('url')}): "
                    "pass another id=, or remove it first"
                )
        new = ts.connection(
            url,
            server_id=server_id,
            name=name,
            description=description
            if description is not None
            else str((info or {}).get("description") or ""),
            path=path,
            key=key,
            access=grant,
            enabled=enabled,
        )
        self._save([*raw, new])
        return self.get(server_id)

    def resolve(self, servers: builtins.list[str]) -> builtins.list[str]:
        """The ``server:`` tool ids (what ``tool_ids=[...]`` takes) for tool servers named
        by id, tool id, name or URL; any user may call it (only an admin's call knows the
        connections' own ids on 0.6). An unknown one is a `ConfigurationError`."""
        tools = self._client.tools.list()
        listed = {t.id: t.name for t in tools}
        try:
            known = ts.aliases(self._raw(), listed)
        except (AuthenticationError, PermissionDeniedError):
            known = {}
        return ts.resolve(servers, listed, known)

    def remove(self, server: str) -> bool:
        """Disconnect a tool server (by id, tool id, name or URL); the others are kept."""
        raw = self._raw()
        index = self._find(raw, server, self._listed())
        self._save([c for i, c in enumerate(raw) if i != index])
        return True

    # -- helpers ------------------------------------------------------------------------

    def _raw(self) -> builtins.list[dict[str, Any]]:
        body = permitted(self._client, lambda: self._get(_BASE), "configure tool servers")
        rows = body.get("TOOL_SERVER_CONNECTIONS") if isinstance(body, dict) else None
        return [r for r in rows or [] if isinstance(r, dict)]

    def _save(self, rows: builtins.list[dict[str, Any]]) -> None:
        permitted(
            self._client,
            lambda: self._post(_BASE, {"TOOL_SERVER_CONNECTIONS": rows}),
            "configure tool servers",
        )

    def _listed(self) -> builtins.list[str]:
        return [str(r.get("id")) for r in self._get_list("/api/v1/tools/")]

    def _verify_raw(self, conn: dict[str, Any]) -> Any:
        where = f"{conn['url']}/{str(conn.get('path') or '').lstrip('/')}"
        try:
            return permitted(
                self._client,
                lambda: self._post(f"{_BASE}/verify", conn),
                "configure tool servers",
            )
        except APIStatusError as exc:
            if exc.status_code not in (400, 500):
                raise
            raise ConfigurationError(
                f"Open WebUI could not load an OpenAPI spec from {where} (it must be "
                "reachable from the Open WebUI server, not only from this notebook)"
            ) from None

    @staticmethod
    def _view(raw: dict[str, Any], index: int, listed: builtins.list[str]) -> ToolServerConnection:
        tool_id, available = ts.tool_id_of(raw, index, listed)
        view = ts.public_view(raw, index)
        return ToolServerConnection.model_validate(
            {**view, "tool_id": tool_id, "available": available}
        )

    @staticmethod
    def _find(raw: builtins.list[dict[str, Any]], server: str, listed: builtins.list[str]) -> int:
        for i, conn in enumerate(raw):
            if ts.match(server, conn, i, ts.tool_id_of(conn, i, listed)[0]):
                return i
        known = ", ".join(str((c.get("info") or {}).get("id") or i) for i, c in enumerate(raw))
        raise NotFoundError(
            f"no tool server {server!r} on this server (configured: {known or 'none'})",
            method="GET",
            path=_BASE,
            status_code=404,
        )
