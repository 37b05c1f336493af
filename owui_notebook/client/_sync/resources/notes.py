# Generated from owui_notebook/client/_async/resources/notes.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Notes: ``/api/v1/notes`` (the web UI's Notes; a note's text is Markdown plus its HTML)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from ...access import Access
from ...errors import (
    APIStatusError,
    NotFoundError,
    UnexpectedResponseError,
    UnsupportedFeatureError,
)
from ...markdown_html import note_data
from ...types import Note
from .._resource import Resource
from ._access import resolve_access, uses_grants

_BASE = "/api/v1/notes"


class Notes(Resource):
    """``client.notes``: list, get, create, update, delete; `url` links to one in the web UI."""

    _available = False  # set once the server has answered a notes request

    def _check(self) -> None:
        """One clear line where this server has no notes, or has them switched off."""
        if self._available:
            return
        info = self._client.server_info()
        try:  # releases without notes answer the web page (or 404) here
            self._get(f"{_BASE}/", page=1)
        except (UnexpectedResponseError, NotFoundError):
            raise UnsupportedFeatureError(
                f"this server (Open WebUI {info.version}) has no notes; "
                "they need a newer Open WebUI (0.6.15 has them)",
                feature="notes",
                have=info.version,
            ) from None
        except APIStatusError as exc:
            if "disabled" not in str(exc.detail or "").lower():
                raise
            raise UnsupportedFeatureError(
                f"notes are switched off on this server (Open WebUI {info.version}): "
                "an admin can switch them on in Admin Panel › Settings › General",
                feature="notes",
                have=info.version,
            ) from None
        self._available = True

    def url(self, note_id: str) -> str:
        """The note's page in the web UI."""
        return f"{self._client.base_url}/notes/{note_id}"

    def list(self) -> builtins.list[Note]:
        """Every note this user may read (the server may shorten long bodies here: `get`
        gives the whole note)."""
        self._check()
        return [Note.model_validate(r) for r in self._get_list(f"{_BASE}/") if r]

    def get(self, note_id: str) -> Note:
        """One note by id."""
        self._check()
        return Note.model_validate(self._get(f"{_BASE}/{note_id}"))

    def create(
        self,
        title: str,
        markdown: str = "",
        *,
        access: Access | str = "private",
        data: Mapping[str, Any] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Note:
        """A new note holding `markdown`; private to you unless `access` says otherwise.

        `data` adds free-form keys to the note's body (``files``, ...; its ``content`` is
        the Markdown's), `meta` is stored as given."""
        self._check()
        form: dict[str, Any] = {
            "title": title,
            "data": {**(data or {}), **note_data(markdown)},
            "meta": dict(meta) if meta is not None else None,
        }
        form.update((resolve_access(self._client, access)).form())
        return Note.model_validate(self._post(f"{_BASE}/create", form))

    def update(
        self,
        note_id: str,
        *,
        title: str | None = None,
        markdown: str | None = None,
        data: Mapping[str, Any] | None = None,
        meta: Mapping[str, Any] | None = None,
        access: Access | str | None = None,
    ) -> Note:
        """Change what is given; the rest stays as saved. `data` and `meta` are merged into
        the stored ones; `access` goes through the server's access endpoint where it has one
        (0.9+)."""
        self._check()
        new_access = resolve_access(self._client, access) if access is not None else None
        current = self.get(note_id)
        body = {**(current.data or {}), **(data or {})}
        if markdown is not None:
            body.update(note_data(markdown))
        # Up to 0.8 an update replaces every field, so send back what is not being changed.
        form: dict[str, Any] = {"title": current.title if title is None else title, "data": body}
        if current.meta is not None or meta is not None:
            # 0.9 merges meta into the stored one and fails on None
            form["meta"] = {**(current.meta or {}), **(meta or {})}
        stored = current.model_dump()
        access_now = new_access or Access.from_record(stored)
        if access_now is not None:
            form.update(access_now.form())
        note = Note.model_validate(self._post(f"{_BASE}/{note_id}/update", form))
        if new_access is not None and uses_grants(stored):
            grants = {"access_grants": new_access.grants()}
            self._post(f"{_BASE}/{note_id}/access/update", grants)
            note = self.get(note_id)
        return note

    def delete(self, note_id: str) -> bool:
        """Delete a note."""
        self._check()
        return bool(self._delete(f"{_BASE}/{note_id}/delete"))
