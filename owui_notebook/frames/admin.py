"""DataFrames of the server's people and saved things: users, groups, prompts, notes and
workspace (custom) models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client.access import Access
from . import _sources as src
from ._fields import plain
from ._types import Column, Schema, documents

if TYPE_CHECKING:
    from ..client import OpenWebUI


def _access_kind(record: Mapping[str, Any]) -> str | None:
    access = Access.from_record(record)
    return access.kind if access else None


USER_COLUMNS = Schema(
    Column("user_id", "string", "the user's id"),
    Column("name", "string", "display name"),
    Column("email", "string", "sign-in email"),
    Column("role", "category", "admin, user or pending"),
    Column("group_ids", "object", "the groups they belong to (list of ids; newer releases)"),
    Column("last_active_at", "datetime", "when they were last active (UTC)"),
    Column("created_at", "datetime", "when the account was made (UTC)"),
    Column("updated_at", "datetime", "when the account last changed (UTC)"),
)


def user_row(user: Any) -> dict[str, Any]:
    d = plain(user)
    return {**d, "user_id": d.get("id")}


def shape_users(users: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    return USER_COLUMNS.frame((user_row(u) for u in users), **attrs)


@documents(USER_COLUMNS)
def users_frame(client: OpenWebUI) -> pd.DataFrame:
    """One row per user account (admins only)."""
    with src.admin_required("the users list"):
        users = client.users.list()
    return shape_users(users, **src.attrs(client, src.server("/api/v1/users/all")))


GROUP_COLUMNS = Schema(
    Column("group_id", "string", "the group's id"),
    Column("name", "string", "its name"),
    Column("description", "string", "its description"),
    Column("member_count", "int", "how many users it has"),
    Column("user_ids", "object", "its members (list of ids)"),
    Column("user_id", "string", "who created it"),
    Column("created_at", "datetime", "when it was made (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
)


def group_row(group: Any, members: list[str] | None = None) -> dict[str, Any]:
    d = plain(group)
    ids = members if members is not None else d.get("user_ids")
    count = d.get("member_count")
    return {
        **d,
        "group_id": d.get("id"),
        "user_ids": ids,
        "member_count": count if count is not None else (len(ids) if ids is not None else None),
    }


def shape_groups(groups: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    return GROUP_COLUMNS.frame((group_row(g) for g in groups), **attrs)


@documents(GROUP_COLUMNS)
def groups_frame(client: OpenWebUI, *, members: bool = True) -> pd.DataFrame:
    """One row per group. `members` lists each group's member ids (one request per group
    on 0.9+, where groups no longer carry them)."""
    groups = client.groups.list()
    rows = []
    for group in groups:
        ids = group.user_ids
        if members and ids is None:
            with src.admin_required("group members"):
                ids = client.groups.members(group.id)
        rows.append(group_row(group, ids))
    return GROUP_COLUMNS.frame(rows, **src.attrs(client, src.server("/api/v1/groups/")))


PROMPT_COLUMNS = Schema(
    Column("command", "string", "typed as /command in the web UI (no slash here)"),
    Column("name", "string", "its title"),
    Column("content", "string", "the prompt text, {{variables}} and all"),
    Column("variables", "object", "its {{variables}}: names in order of first use"),
    Column("tags", "object", "its tags (0.9+)"),
    Column("access", "category", "public, private or shared"),
    Column("active", "bool", "switched on (0.9+)"),
    Column("prompt_id", "string", "its id (0.9+; older releases key prompts by command)"),
    Column("user_id", "string", "its author"),
    Column("created_at", "datetime", "when it was made (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
)


def prompt_row(prompt: Any) -> dict[str, Any]:
    from ..client.prompt_template import variables

    d = plain(prompt)
    return {
        **d,
        "command": str(d.get("command") or "").lstrip("/"),
        "variables": [v.name for v in variables(d.get("content") or "")],
        "access": _access_kind(d),
        "active": d.get("is_active"),
        "prompt_id": d.get("id"),
    }


def shape_prompts(prompts: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    return PROMPT_COLUMNS.frame((prompt_row(p) for p in prompts), **attrs)


@documents(PROMPT_COLUMNS)
def prompts_frame(client: OpenWebUI, *, search: str | None = None) -> pd.DataFrame:
    """One row per saved prompt this user may use (matching `search`, if given)."""
    prompts = client.prompts.search(search) if search else client.prompts.list()
    return shape_prompts(prompts, **src.attrs(client, src.server("/api/v1/prompts/")))


NOTE_COLUMNS = Schema(
    Column("note_id", "string", "the note's id (its page is /notes/<id>)"),
    Column("title", "string", "its title"),
    Column("markdown", "string", "its text (listings may shorten long notes)"),
    Column("access", "category", "public, private or shared"),
    Column("pinned", "bool", "pinned (newer releases)"),
    Column("user_id", "string", "its author"),
    Column("created_at", "datetime", "when it was made (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
)


def note_row(note: Any) -> dict[str, Any]:
    d = plain(note)
    content = (d.get("data") or {}).get("content")
    text = content.get("md") if isinstance(content, Mapping) else content
    return {
        **d,
        "note_id": d.get("id"),
        "markdown": text,
        "access": _access_kind(d),
        "pinned": d.get("is_pinned"),
    }


def shape_notes(notes: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    return NOTE_COLUMNS.frame((note_row(n) for n in notes), **attrs)


@documents(NOTE_COLUMNS)
def notes_frame(client: OpenWebUI) -> pd.DataFrame:
    """One row per note this user may read."""
    return shape_notes(client.notes.list(), **src.attrs(client, src.server("/api/v1/notes/")))


CUSTOM_MODEL_COLUMNS = Schema(
    Column("model", "category", "the workspace model's id"),
    Column("name", "string", "its display name"),
    Column("base_model", "string", "the model it builds on"),
    Column("system", "string", "its system prompt"),
    Column("params", "object", "its other parameters (temperature, max_tokens, ...)"),
    Column("access", "category", "public, private or shared"),
    Column("active", "bool", "enabled"),
    Column("description", "string", "its description"),
    Column("user_id", "string", "who made it"),
    Column("created_at", "datetime", "when it was made (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
)


def custom_model_row(record: Mapping[str, Any]) -> dict[str, Any]:
    params = dict(record.get("params") or {})
    meta = record.get("meta") or {}
    return {
        **record,
        "model": record.get("id"),
        "base_model": record.get("base_model_id"),
        "system": params.pop("system", None),
        "params": params,
        "access": _access_kind(record),
        "active": record.get("is_active"),
        "description": meta.get("description") if isinstance(meta, Mapping) else None,
    }


def shape_custom_models(records: Iterable[Mapping[str, Any]], **attrs: Any) -> pd.DataFrame:
    return CUSTOM_MODEL_COLUMNS.frame((custom_model_row(r) for r in records), **attrs)


@documents(CUSTOM_MODEL_COLUMNS)
def custom_models_frame(client: OpenWebUI) -> pd.DataFrame:
    """One row per workspace model, with its base model, system prompt, parameters and
    access (`models_frame` lists every model one can chat with, without these)."""
    return shape_custom_models(
        client.models.custom(), **src.attrs(client, src.server("/api/v1/models"))
    )
