"""`models_frame`: the models this user may chat with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _sources as src
from ._fields import mapping_at, plain
from ._types import Column, Schema, documents

if TYPE_CHECKING:
    from ..client import OpenWebUI

MODEL_COLUMNS = Schema(
    Column("model", "category", "the model id (what chats and stats call it)"),
    Column("name", "string", "its display name"),
    Column("owned_by", "category", "the connection kind that serves it: openai, ollama, arena"),
    Column("connection_type", "category", "external (a provider) or local (newer releases)"),
    Column("base_model", "string", "for a custom model, the model it builds on"),
    Column("custom", "bool", "a workspace model built on a base model"),
    Column("capabilities", "object", "capabilities switched on (sorted list: vision, ...)"),
    Column(
        "access",
        "category",
        "public (every user), private (owner and admins), shared (some groups or users); "
        "NA for connection models nobody configured",
    ),
    Column("active", "bool", "enabled by an admin (NA where the server stores no settings)"),
    Column("hidden", "bool", "hidden from the model selector"),
    Column("description", "string", "its description"),
    Column("tags", "object", "its tags (list of names)"),
    Column("user_id", "string", "who created its settings"),
    Column("created_at", "datetime", "when its settings were created, else the provider's date"),
    Column("updated_at", "datetime", "when its settings last changed"),
)


def access_of(info: Mapping[str, Any] | None) -> str | None:
    """public / private / shared from a model's stored settings, across releases.

    Up to 0.8 a model has ``access_control`` (``None`` = public, else who may read); later
    releases keep ``access_grants`` (a ``user:*`` read grant = public).
    """
    if not info:
        return None
    if "access_grants" in info:
        grants = [g for g in info.get("access_grants") or [] if isinstance(g, Mapping)]
        if any(
            g.get("principal_type") == "user"
            and g.get("principal_id") == "*"
            and g.get("permission", "read") == "read"
            for g in grants
        ):
            return "public"
        return "shared" if grants else "private"
    if "access_control" in info:
        control = info.get("access_control")
        if control is None:
            return "public"
        read = mapping_at(control, "read")
        return "shared" if (read.get("group_ids") or read.get("user_ids")) else "private"
    return None


def _tag_names(tags: Any) -> list[str]:
    out = []
    for tag in tags or []:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if name:
            out.append(str(name))
    return out


def model_row(model: Any) -> dict[str, Any]:
    data = plain(model)
    info = mapping_at(data, "info")
    meta = mapping_at(info, "meta")
    caps = mapping_at(meta, "capabilities")
    return {
        "model": data.get("id"),
        "name": data.get("name") or info.get("name") or data.get("id"),
        "owned_by": data.get("owned_by"),
        "connection_type": data.get("connection_type"),
        "base_model": info.get("base_model_id"),
        "custom": bool(info.get("base_model_id")),
        "capabilities": sorted(k for k, v in caps.items() if v),
        "access": access_of(info),
        "active": info.get("is_active") if info else None,
        "hidden": bool(meta.get("hidden")),
        "description": meta.get("description"),
        "tags": _tag_names(data.get("tags") or meta.get("tags")),
        "user_id": info.get("user_id"),
        "created_at": info.get("created_at") or data.get("created"),
        "updated_at": info.get("updated_at"),
    }


def shape_models(models: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    """`models_frame` of `Model` objects or the dicts ``/api/models`` lists."""
    return MODEL_COLUMNS.frame((model_row(m) for m in models), **attrs)


@documents(MODEL_COLUMNS)
def models_frame(client: OpenWebUI, *, refresh: bool = False) -> pd.DataFrame:
    """One row per model this user may chat with (connections, custom models, pipes), in
    the server's order. `refresh` makes the server ask its connections again."""
    models = client.models.list(refresh=refresh)
    return shape_models(models, **src.attrs(client, src.server("/api/models")))
