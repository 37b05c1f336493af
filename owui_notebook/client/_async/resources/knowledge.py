"""Knowledge bases: ``/api/v1/knowledge`` (files whose chunks are searched for a chat).

One interface on every release. Where the server's API changed, this module hides it:
the listing is one list up to 0.6 and pages of ``{items, total}`` from 0.9; a knowledge
base's files come with it up to 0.6 and from ``/{id}/files`` (paged) from 0.7; updating a
knowledge base up to 0.7 must send back its access (and on 0.6 its file ids), or the server
drops them.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..._suggest import suggest
from ...errors import ConfigurationError, NotFoundError, ServerError, UnsupportedFeatureError
from ...types import FileRecord, KnowledgeBase
from .._resource import AsyncResource
from .files import _UUID, FileRef

_BASE = "/api/v1/knowledge"

# A knowledge base by object, id or exact name.
KnowledgeRef = KnowledgeBase | str


class AsyncKnowledge(AsyncResource):
    """Knowledge bases (``client.knowledge``): made from files, searched by chats."""

    async def list(self) -> builtins.list[KnowledgeBase]:
        """Every knowledge base this user can read, every page."""
        return [KnowledgeBase.model_validate(r) for r in await self._all_pages(f"{_BASE}/")]

    async def search(self, text: str) -> builtins.list[KnowledgeBase]:
        """Knowledge bases whose name or description contains `text` (any case)."""
        needle = text.casefold()
        return [
            kb
            for kb in await self.list()
            if needle in kb.name.casefold() or needle in (kb.description or "").casefold()
        ]

    async def get(self, kb: KnowledgeRef) -> KnowledgeBase:
        """One knowledge base by id or exact name (fresh from the server).

        `NotFoundError` names the closest knowledge bases when there is no such one.
        """
        if isinstance(kb, KnowledgeBase):
            kb = kb.id
        if _UUID.match(kb):
            try:
                return KnowledgeBase.model_validate(await self._get(f"{_BASE}/{kb}"))
            except NotFoundError:
                pass  # gone, or a name that looks like an id: the listing tells
        kb_id = (await self._by_name(kb)).id
        return KnowledgeBase.model_validate(await self._get(f"{_BASE}/{kb_id}"))

    async def _by_name(self, name: str) -> KnowledgeBase:
        bases = await self.list()
        for match in (
            [kb for kb in bases if kb.id == name],
            [kb for kb in bases if kb.name == name],
            [kb for kb in bases if kb.name.casefold() == name.casefold()],
        ):
            if len(match) == 1:
                return match[0]
            if len(match) > 1:
                ids = ", ".join(kb.id for kb in match)
                raise ConfigurationError(
                    f"{len(match)} knowledge bases are named {name!r}; pass one's id ({ids})"
                )
        names = sorted({kb.name for kb in bases})
        hint = suggest(name, names, none="; this user has no knowledge bases yet")
        raise NotFoundError(
            f"no knowledge base {name!r}{hint}",
            method="GET",
            path=f"{_BASE}/",
            status_code=404,
        )

    async def create(self, name: str, description: str = "") -> KnowledgeBase:
        """A new, private knowledge base."""
        if not name or not name.strip():
            raise ConfigurationError("a knowledge base needs a name")
        # 0.6 treats a missing access_control as public; {} is private there, and later
        # releases ignore the field (their knowledge bases start private).
        body = {"name": name, "description": description, "access_control": {}}
        return KnowledgeBase.model_validate(await self._post(f"{_BASE}/create", body))

    async def update(
        self, kb: KnowledgeRef, *, name: str | None = None, description: str | None = None
    ) -> KnowledgeBase:
        """Rename a knowledge base or change its description; its files stay."""
        current = await self.get(kb)
        body: dict[str, Any] = {
            "name": current.name if name is None else name,
            "description": current.description if description is None else description,
        }
        if not current.legacy:
            await self._post(f"{_BASE}/{current.id}/update", body)
            return await self.get(current.id)
        # Up to 0.7 the form overwrites every column: send back what must not change.
        if current.files_inline:
            body["data"] = current.data
        body["access_control"] = current.access_control
        try:
            await self._post(f"{_BASE}/{current.id}/update", body)
        except ServerError:
            # 0.6.15 saves the change, then fails (500) to describe a knowledge base that
            # holds files; the change stands if the server now shows it.
            updated = await self.get(current.id)
            if (updated.name, updated.description) != (body["name"], body["description"]):
                raise
            return updated
        return await self.get(current.id)

    async def delete(self, kb: KnowledgeRef) -> bool:
        """Delete a knowledge base (its files stay uploaded)."""
        kb_id = await self._id(kb)
        return bool(await self._delete(f"{_BASE}/{kb_id}/delete"))

    async def delete_matching(
        self, keyword: str, *, dry_run: bool = False
    ) -> builtins.list[KnowledgeBase]:
        """Delete every knowledge base whose name contains `keyword` (any case).

        Returns those deleted (with `dry_run`: those that would be, deleting nothing).
        """
        if not keyword or not keyword.strip():
            raise ConfigurationError("delete_matching needs a keyword (it would delete them all)")
        needle = keyword.casefold()
        matched = [kb for kb in await self.list() if needle in kb.name.casefold()]
        if not dry_run:
            for kb in matched:
                await self.delete(kb.id)
        return matched

    async def delete_all(self, *, confirm: bool = False) -> builtins.list[KnowledgeBase]:
        """Delete every knowledge base this user can see (their files stay uploaded).

        Nothing happens without ``confirm=True``: there is no undo. Returns those deleted.
        """
        if confirm is not True:
            raise ConfigurationError(
                "delete_all deletes every knowledge base you can see, with no undo: "
                "pass confirm=True to do it"
            )
        bases = await self.list()
        for kb in bases:
            await self.delete(kb.id)
        return bases

    # -- files ------------------------------------------------------------------------------

    async def files(self, kb: KnowledgeRef) -> builtins.list[FileRecord]:
        """The files in a knowledge base, every page."""
        current = await self.get(kb)
        # Up to 0.6 the files come with the knowledge base; from 0.7, pages of their own.
        rows = current.files or []
        if not current.files_inline:
            rows = await self._all_pages(f"{_BASE}/{current.id}/files")
        return [_file_record(r) for r in rows if isinstance(r, dict) and r.get("id")]

    async def add_file(self, kb: KnowledgeRef, file: FileRef) -> KnowledgeBase:
        """Add a file (a path is uploaded first) and index it for search; the knowledge base.

        A file whose content the knowledge base already holds is refused by the server
        (`BadRequestError`: duplicate content).
        """
        kb_id = await self._id(kb)
        record = await self._client.files.resolve(file)
        body = await self._post(f"{_BASE}/{kb_id}/file/add", {"file_id": record.id})
        return KnowledgeBase.model_validate(body)

    async def add_files(
        self, kb: KnowledgeRef, files: FileRef | Iterable[FileRef]
    ) -> KnowledgeBase:
        """Add several files (paths, directories' files, uploaded files or ids)."""
        kb_id = await self._id(kb)
        result: KnowledgeBase | None = None
        for file in _expand(files):
            result = await self.add_file(kb_id, file)
        return result if result is not None else await self.get(kb_id)

    async def remove_file(
        self, kb: KnowledgeRef, file: FileRecord | str, *, delete_file: bool = True
    ) -> KnowledgeBase:
        """Take a file out of a knowledge base (by record, id or file name).

        `delete_file` also deletes the uploaded file, as the web UI does. 0.6 always deletes
        it; asking it to keep the file there raises `UnsupportedFeatureError`.
        """
        current = await self.get(kb)
        if current.files_inline and not delete_file:
            version = await self._client.version()
            raise UnsupportedFeatureError(
                f"this server (Open WebUI {version}) always deletes a file taken out of a "
                "knowledge base; keeping it needs a newer Open WebUI (0.7.2 keeps it)",
                feature="knowledge_keep_removed_file",
                needs="0.7.2",
                have=version,
            )
        file_id = await self._file_id(current, file)
        body = await self._post(
            f"{_BASE}/{current.id}/file/remove",
            {"file_id": file_id},
            delete_file=str(delete_file).lower(),
        )
        return KnowledgeBase.model_validate(body)

    # -- in bulk ----------------------------------------------------------------------------

    async def create_many(
        self,
        mapping: Mapping[str, FileRef | Iterable[FileRef]],
        *,
        description: str = "",
        exist_ok: bool = False,
    ) -> dict[str, KnowledgeBase]:
        """Create one knowledge base per name, with its files (paths, directories, records).

            client.knowledge.create_many({"Projects": ["falcon.md", "heron.md"], "HR": "hr/"})

        With `exist_ok` a knowledge base of that name that exists already gets the files.
        """
        existing = {kb.name: kb for kb in await self.list()}
        clashes = [name for name in mapping if name in existing]
        if clashes and not exist_ok:
            raise ConfigurationError(
                f"knowledge bases named {', '.join(map(repr, clashes))} exist already; "
                "pass exist_ok=True to add the files to them"
            )
        made: dict[str, KnowledgeBase] = {}
        for name, files in mapping.items():
            kb = existing.get(name) or await self.create(name, description)
            made[name] = await self.add_files(kb.id, files)
        return made

    # -- attaching knowledge to a chat turn -------------------------------------------------

    async def attachments(
        self, knowledge: KnowledgeRef | Iterable[KnowledgeRef] | None
    ) -> builtins.list[dict[str, Any]]:
        """Knowledge bases as the items the web UI attaches to a prompt (``collection``)."""
        if knowledge is None:
            return []
        if isinstance(knowledge, (KnowledgeBase, str)):
            knowledge = [knowledge]
        return [self.attachment(await self.get(kb)) for kb in knowledge]

    def attachment(self, kb: KnowledgeBase) -> dict[str, Any]:
        """One knowledge base as a ``files`` item of a chat request and its user message."""
        return {
            "type": "collection",
            "id": kb.id,
            "name": kb.name,
            "description": kb.description,
            "status": "processed",
        }

    # -- helpers ----------------------------------------------------------------------------

    async def _id(self, kb: KnowledgeRef) -> str:
        return kb.id if isinstance(kb, KnowledgeBase) else (await self.get(kb)).id

    async def _file_id(self, kb: KnowledgeBase, file: FileRecord | str) -> str:
        if isinstance(file, FileRecord):
            return file.id
        files = await self.files(kb)
        for match in ([f for f in files if f.id == file], [f for f in files if f.filename == file]):
            if match:
                return match[0].id
        hint = suggest(file, [f.filename or f.id for f in files], none="; it has no files")
        raise NotFoundError(
            f"no file {file!r} in knowledge base {kb.name!r}{hint}",
            method="GET",
            path=f"{_BASE}/{kb.id}/files",
            status_code=404,
        )


def _file_record(row: dict[str, Any]) -> FileRecord:
    # 0.6 describes a knowledge base's files by id and meta only: the name is meta's.
    if not row.get("filename"):
        row = {**row, "filename": (row.get("meta") or {}).get("name")}
    return FileRecord.model_validate(row)


def _expand(files: FileRef | Iterable[FileRef]) -> list[FileRef]:
    """One file or many; a directory stands for the files in it (not hidden, sorted)."""
    if isinstance(files, (FileRecord, str, os.PathLike, dict)):
        files = [files]
    out: list[FileRef] = []
    for file in files:
        path = Path(file).expanduser() if isinstance(file, (str, os.PathLike)) else None
        if path is not None and path.is_dir():
            out.extend(
                p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")
            )
        else:
            out.append(file)
    return out
