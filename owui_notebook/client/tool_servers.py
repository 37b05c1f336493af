"""Open WebUI's external OpenAPI tool servers: pure helpers (no I/O).

An admin configures tool servers (``/api/v1/configs/tool_servers``: the whole list is read
and written at once). The server fetches each one's OpenAPI spec and offers its operations
to the model; a chat names a server in ``tool_ids`` as ``server:<id>``, the id the tools
listing (``/api/v1/tools/``) shows: the connection's own id on 0.9+, its position in the
list on older releases. The server calls the tool server itself, as it runs workspace tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .access import Access
from .errors import ConfigurationError

PREFIX = "server:"
# Fields of a stored connection that may hold secrets: never copied into what we return.
SECRET_FIELDS = ("key", "headers")
_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def is_server_tool(tool_id: str) -> bool:
    """Whether a tool id names a tool server (``server:...``), not a workspace tool."""
    return tool_id.startswith(PREFIX)


def slug(text: str) -> str:
    """A connection id made from a name: lower case, letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tool-server"


def spec_of(reply: Any) -> dict[str, Any]:
    """The OpenAPI spec in the verify endpoint's reply: the spec itself (0.9+) or
    ``{"openapi": spec, "specs": [...]}`` (0.6)."""
    if isinstance(reply, Mapping):
        if isinstance(reply.get("paths"), Mapping):
            return dict(reply)
        inner = reply.get("openapi")
        if isinstance(inner, Mapping) and isinstance(inner.get("paths"), Mapping):
            return dict(inner)
    return {}


def operation_ids(spec: Mapping[str, Any]) -> list[str]:
    """The operations of a spec the model may call (those with an ``operationId``)."""
    out: list[str] = []
    paths = spec.get("paths")
    for methods in paths.values() if isinstance(paths, Mapping) else ():
        if not isinstance(methods, Mapping):
            continue
        for method, operation in methods.items():
            if method in _HTTP_METHODS and isinstance(operation, Mapping):
                name = operation.get("operationId")
                if isinstance(name, str) and name:
                    out.append(name)
    return out


def connection(
    url: str,
    *,
    server_id: str,
    name: str,
    description: str,
    path: str,
    key: str | None,
    access: Access,
    enabled: bool,
) -> dict[str, Any]:
    """A connection entry as the admin panel writes it (access in both server forms)."""
    if not re.match(r"^https?://[^/\s]+", url or ""):
        raise ConfigurationError(
            f"tool server url must be http(s)://host[:port][/base], not {url!r}"
        )
    return {
        "url": url.rstrip("/"),
        "path": path,
        "type": "openapi",
        "spec_type": "url",
        "spec": "",
        "auth_type": "bearer" if key else "none",
        "key": key or "",
        "config": {
            "enable": enabled,
            "access_grants": access.grants(),
            "access_control": access.access_control(),
        },
        "info": {"id": server_id, "name": name, "description": description},
    }


def public_view(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A stored connection without its secrets, with its position and whether it has a key."""
    out = {k: v for k, v in raw.items() if k not in SECRET_FIELDS}
    out["index"] = index
    out["has_key"] = bool(raw.get("key"))
    return out


def tool_id_of(raw: Mapping[str, Any], index: int, listed: Iterable[str]) -> tuple[str, bool]:
    """The id a chat names this connection by, and whether the tools listing shows it
    (it does not when the server could not load the spec, or the connection is off)."""
    info = raw.get("info") if isinstance(raw.get("info"), Mapping) else {}
    own = str((info or {}).get("id") or "")
    listed = set(listed)
    candidates = [f"{PREFIX}{own}"] if own else []
    candidates.append(f"{PREFIX}{index}")
    for candidate in candidates:
        if candidate in listed:
            return candidate, True
    return candidates[0], False


def match(ref: str, raw: Mapping[str, Any], index: int, tool_id: str) -> bool:
    """Whether `ref` names this connection: its id, tool id, name or URL."""
    info = raw.get("info") if isinstance(raw.get("info"), Mapping) else {}
    names = {
        tool_id,
        str((info or {}).get("id") or ""),
        str((info or {}).get("name") or ""),
        str(raw.get("url") or "").rstrip("/"),
        str(index),
    }
    return ref.rstrip("/") in names - {""}


def aliases(raw: Iterable[Mapping[str, Any]], listed: Iterable[str]) -> dict[str, str]:
    """Each configured connection's id, name and URL -> the tool id the listing shows it by
    (0.6 lists servers by position only, so a connection's own id needs this map)."""
    listed = list(listed)
    out: dict[str, str] = {}
    for index, conn in enumerate(raw):
        tool_id, _ = tool_id_of(conn, index, listed)
        info = conn.get("info") if isinstance(conn.get("info"), Mapping) else {}
        for name in ((info or {}).get("id"), (info or {}).get("name"), conn.get("url")):
            if name:
                out.setdefault(str(name).rstrip("/"), tool_id)
    return out


def resolve(
    refs: Iterable[str], listed: Mapping[str, str], known: Mapping[str, str] | None = None
) -> list[str]:
    """The ``server:`` tool ids for `refs` (a tool id, a connection id, name or URL), from
    the tools listing `listed` (tool id -> name) and, for admins, the connections' `known`
    names (see `aliases`). An unknown one, or one the listing does not show (the server
    could not load it, or this user may not use it), is a `ConfigurationError` naming
    those there are: the server would skip it silently."""
    servers = {tid: name for tid, name in listed.items() if is_server_tool(tid)}
    known = known or {}
    out = []
    for ref in refs:
        if not isinstance(ref, str) or not ref:
            raise ConfigurationError(
                "tool servers are named by id strings, e.g. tool_server_ids=['weather']"
            )
        hits = [t for t, name in servers.items() if t in (ref, f"{PREFIX}{ref}") or name == ref]
        if not hits and known.get(ref.rstrip("/")) in servers:
            hits = [known[ref.rstrip("/")]]
        if not hits:
            names = ", ".join(sorted(servers)) or "none"
            raise ConfigurationError(
                f"no tool server {ref!r} that this user may use (tool servers: {names}; an "
                "admin adds them with client.tool_servers.add, and the server must reach them)"
            )
        out.append(hits[0])
    return list(dict.fromkeys(out))
