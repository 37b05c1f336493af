"""`chats_frame`: the user's chats, with their flags, folder and tags."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _sources as src
from ._digest import as_dict, history_of
from ._fields import mapping_at
from ._progress import Progress
from ._types import Column, Schema, documents, epoch_seconds

if TYPE_CHECKING:
    from ..client import OpenWebUI

CHAT_COLUMNS = Schema(
    Column("chat_id", "string", "the chat's id"),
    Column("title", "string", "its title"),
    Column("created_at", "datetime", "when it was created (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
    Column("pinned", "bool", "pinned to the top of the sidebar"),
    Column("archived", "bool", "archived (hidden from the sidebar)"),
    Column("folder_id", "string", "its folder's id"),
    Column("folder", "string", "its folder's name"),
    Column("tags", "object", "its tags (list of tag ids: lower case, _ for spaces)"),
    Column("share_id", "string", "its share link's id (/s/<share_id>), if shared"),
    Column("models", "object", "the models the chat was last asked with (list)"),
    Column("message_count", "int", "messages in every branch"),
    Column("user_id", "string", "its owner"),
)

ARCHIVED = (False, True, "only")


def chat_row(record: Any, folders: Mapping[str, str] | None = None) -> dict[str, Any]:
    record = as_dict(record)
    messages, _ = history_of(record)
    meta = mapping_at(record, "meta")
    chat = mapping_at(record, "chat")
    folder_id = record.get("folder_id")
    return {
        "chat_id": record.get("id"),
        "title": record.get("title") or chat.get("title"),
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "pinned": bool(record.get("pinned")),
        "archived": bool(record.get("archived")),
        "folder_id": folder_id,
        "folder": (folders or {}).get(folder_id) if folder_id else None,
        "tags": list(meta.get("tags") or []),
        "share_id": record.get("share_id"),
        "models": [m for m in chat.get("models") or [] if m],
        "message_count": len(messages),
        "user_id": record.get("user_id"),
    }


def shape_chats(
    records: Iterable[Any], *, folders: Mapping[str, str] | None = None, **attrs: Any
) -> pd.DataFrame:
    """`chats_frame` of full chat records, most recently changed first; `folders` maps
    folder ids to names."""
    records = [as_dict(r) for r in records]
    records.sort(key=_newest_first)
    return CHAT_COLUMNS.frame([chat_row(r, folders) for r in records], **attrs)


def _newest_first(record: Mapping[str, Any]) -> tuple[float, float, str]:
    # updated_at has whole seconds; the chat body's own timestamp (ms, set when the chat
    # was made) orders chats changed in the same second.
    chat = mapping_at(record, "chat")
    return (
        -(epoch_seconds(record.get("updated_at")) or 0.0),
        -(epoch_seconds(chat.get("timestamp")) or 0.0),
        str(record.get("id")),
    )


def tag_id(name: str) -> str:
    """The id Open WebUI stores for a tag name (lower case, spaces as underscores)."""
    return name.strip().replace(" ", "_").lower()


@documents(CHAT_COLUMNS)
def chats_frame(
    client: OpenWebUI,
    *,
    archived: bool | str = False,
    folder: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """One row per chat of this user, most recently changed first.

    `archived`: False leaves archived chats out, True keeps them, ``"only"`` keeps only
    them. `folder` (a name or id), `tag` (a name) and `search` (the server's search of
    titles and messages) narrow the rows; `limit` keeps the newest N.
    """
    if archived not in ARCHIVED:
        raise ValueError(f"archived must be False, True or 'only', not {archived!r}")
    folders = {f.id: f.name for f in client.folders.list()}
    folder_id = _folder_id(folder, folders) if folder is not None else None
    wanted: set[str] | None = None
    sources = [src.ALL_CHATS]
    if search is not None and search.strip():
        wanted = _search(client, search)
        sources.append("/api/v1/chats/search")
    with Progress("loading chats", enabled=progress) as bar:
        records = []
        for record in client.chats.all():
            bar.update()
            if wanted is not None and record.id not in wanted:
                continue
            if archived is False and record.archived:
                continue
            if archived == "only" and not record.archived:
                continue
            if folder_id is not None and record.folder_id != folder_id:
                continue
            if tag is not None and tag_id(tag) not in {tag_id(t) for t in record.tags}:
                continue
            records.append(record)
    attrs = src.attrs(client, src.server(" + ".join(sources)))
    frame = shape_chats(records, folders=folders, **attrs)
    if limit is not None:
        frame = frame.head(limit).reset_index(drop=True)
    return frame


def _folder_id(folder: str, folders: Mapping[str, str]) -> str:
    if folder in folders:
        return folder
    wanted = folder.strip().casefold()
    for key, name in folders.items():
        if name.casefold() == wanted:
            return key
    names = sorted(folders.values())
    close = difflib.get_close_matches(folder, names, n=3, cutoff=0.4)
    hint = (
        f"; did you mean {', '.join(map(repr, close))}?"
        if close
        else (f"; folders: {', '.join(map(repr, names[:8]))}" if names else "; you have no folders")
    )
    raise ValueError(f"no folder {folder!r}{hint}")


def _search(client: OpenWebUI, text: str) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        rows = client.chats.search(text, page=page)
        new = {r.id for r in rows} - found
        if not new:  # an empty page, or a server that ignores `page` and repeats itself
            return found
        found |= new
        page += 1
