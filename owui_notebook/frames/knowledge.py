"""`knowledge_frame` and `knowledge_files_frame`: knowledge bases and the files in them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _sources as src
from ._fields import mapping_at, plain
from ._types import Column, Schema, documents
from .models import access_of

if TYPE_CHECKING:
    from ..client import OpenWebUI

KNOWLEDGE_COLUMNS = Schema(
    Column("knowledge_id", "string", "the knowledge base's id"),
    Column("name", "string", "its name (what `--kb NAME` and knowledge=[...] take)"),
    Column("description", "string", "its description"),
    Column("file_count", "int", "how many files it holds"),
    Column("files", "object", "the names of its files (list)"),
    Column(
        "access", "category", "public, private (owner and admins) or shared (some groups or users)"
    ),
    Column("write_access", "bool", "whether this user may change it (NA where not said)"),
    Column("user_id", "string", "who created it"),
    Column("created_at", "datetime", "when it was created"),
    Column("updated_at", "datetime", "when it last changed"),
)

KNOWLEDGE_FILE_COLUMNS = Schema(
    Column("knowledge_id", "string", "the knowledge base's id"),
    Column("knowledge", "string", "the knowledge base's name"),
    Column("file_id", "string", "the file's id"),
    Column("filename", "string", "its name"),
    Column("content_type", "category", "its media type"),
    Column("size", "int", "its size in bytes"),
    Column("created_at", "datetime", "when it was uploaded"),
)


def knowledge_row(kb: Any, files: Iterable[Any] | None = None) -> dict[str, Any]:
    data = plain(kb)
    names = [_file_name(f) for f in files] if files is not None else None
    if names is None and isinstance(data.get("files"), list):
        names = [_file_name(f) for f in data["files"]]
    return {
        "knowledge_id": data.get("id"),
        "name": data.get("name"),
        "description": data.get("description"),
        "file_count": len(names) if names is not None else data.get("file_count"),
        "files": [n for n in names or [] if n],
        "access": access_of(data),
        "write_access": data.get("write_access"),
        "user_id": data.get("user_id"),
        "created_at": data.get("created_at"),
        "updated_at": data.get("updated_at"),
    }


def _file_name(file: Any) -> str | None:
    data = file.model_dump() if hasattr(file, "model_dump") else file
    if not isinstance(data, Mapping):
        return None
    meta = mapping_at(data, "meta")
    return data.get("filename") or meta.get("name") or data.get("id")


def shape_knowledge(
    bases: Iterable[Any], files: Mapping[str, Iterable[Any]] | None = None, **attrs: Any
) -> pd.DataFrame:
    """`knowledge_frame` of `KnowledgeBase` objects (or the server's dicts); `files` maps a
    knowledge base's id to its files where the listing lacks them."""
    files = files or {}
    rows = []
    for kb in bases:
        kb_id = kb.id if hasattr(kb, "id") else kb.get("id")
        rows.append(knowledge_row(kb, files.get(kb_id)))
    return KNOWLEDGE_COLUMNS.frame(rows, **attrs)


@documents(KNOWLEDGE_COLUMNS)
def knowledge_frame(client: OpenWebUI) -> pd.DataFrame:
    """One row per knowledge base this user can read, with its files' names."""
    bases = client.knowledge.list()
    files = {kb.id: client.knowledge.files(kb) for kb in bases}
    return shape_knowledge(bases, files, **src.attrs(client, src.server("/api/v1/knowledge")))


@documents(KNOWLEDGE_FILE_COLUMNS)
def knowledge_files_frame(client: OpenWebUI, knowledge: Any = None) -> pd.DataFrame:
    """One row per file per knowledge base: every one, or only `knowledge` (name or id)."""
    bases = [client.knowledge.get(knowledge)] if knowledge else client.knowledge.list()
    rows = []
    for kb in bases:
        for file in client.knowledge.files(kb):
            meta = file.meta or {}
            rows.append(
                {
                    "knowledge_id": kb.id,
                    "knowledge": kb.name,
                    "file_id": file.id,
                    "filename": file.filename or meta.get("name"),
                    "content_type": meta.get("content_type"),
                    "size": meta.get("size"),
                    "created_at": file.created_at,
                }
            )
    return KNOWLEDGE_FILE_COLUMNS.frame(rows, **src.attrs(client, src.server("/api/v1/knowledge")))
