"""`tools_frame`: the server's tools a chat can use (``tool_ids=[...]``): workspace tools
and external OpenAPI tool servers (``server:<id>``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _sources as src
from ._fields import list_at, mapping_at, plain
from ._types import Column, Schema, documents
from .models import access_of

if TYPE_CHECKING:
    from ..client import OpenWebUI

TOOL_COLUMNS = Schema(
    Column("tool_id", "string", "the tool's id (what `--tool ID` and tool_ids=[...] take)"),
    Column("kind", "category", "workspace (Python on the server) or tool server (OpenAPI)"),
    Column("name", "string", "its name"),
    Column("description", "string", "its description"),
    Column("functions", "object", "the functions the model may call (list of names)"),
    Column("access", "category", "public, private (owner and admins) or shared"),
    Column("user_id", "string", "who created it (none for a tool server: the admin's connection)"),
    Column("created_at", "datetime", "when it was created (none for a tool server)"),
    Column("updated_at", "datetime", "when it last changed (none for a tool server)"),
)


def tool_row(tool: Any) -> dict[str, Any]:
    data = plain(tool)
    meta = mapping_at(data, "meta")
    specs = list_at(data, "specs")
    if str(data.get("id") or "").startswith("server:"):
        # The server fills a tool server's owner with its id and both times with the moment
        # of the listing: nothing to show there.
        data = {**data, "user_id": None, "created_at": None, "updated_at": None}
        kind = "tool server"
    else:
        kind = "workspace"
    return {
        "tool_id": data.get("id"),
        "kind": kind,
        "name": data.get("name") or data.get("id"),
        "description": meta.get("description") or None,
        "functions": [str(s["name"]) for s in specs if isinstance(s, dict) and s.get("name")],
        "access": access_of(data),
        "user_id": data.get("user_id"),
        "created_at": data.get("created_at"),
        "updated_at": data.get("updated_at"),
    }


def shape_tools(tools: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    """`tools_frame` of `Tool` objects or the dicts ``/api/v1/tools/id/{id}`` sends."""
    return TOOL_COLUMNS.frame((tool_row(t) for t in tools), **attrs)


@documents(TOOL_COLUMNS)
def tools_frame(client: OpenWebUI) -> pd.DataFrame:
    """One row per tool this user may use, tool servers included, with the functions each
    offers the model (the listing leaves them out, so each tool is fetched once; a tool
    server's functions are known to admins only)."""
    tools = [client.tools.get(t.id) for t in client.tools.list()]
    return shape_tools(tools, **src.attrs(client, src.server("/api/v1/tools/")))
