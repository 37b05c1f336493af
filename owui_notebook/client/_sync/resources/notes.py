# Generated from owui_notebook/client/_async/resources/notes.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Notes: ``/api/v1/notes`` (the web UI's Notes; a note's text is Markdown plus its HTML)."""

from __future__ import annotations

import builtins
from typing import Any

from ...access import Access
from ...errors import (
    APIStatusError,
    NotFoundError,
    UnexpectedResponseError,
    UnsupportedFeatureError,
)
from ...types import Note
from .._resource import Resource

_BASE = "/api/v1/notes"


def note_html(markdown: str) -> str:
    """The HTML the web UI's editor shows for `markdown` (raw HTML in it is escaped)."""
    from markdown_it import MarkdownIt

    html: str = (  # markdown-it types render() as Any (a custom renderer may return anything)
        MarkdownIt("commonmark", {"html": False})
        .enable(["table", "strikethrough"])
        .render(markdown)
    )
    return html


def note_data(markdown: str) -> dict[str, Any]:
    """A note body as the web UI stores an imported Markdown file."""
    return {"content": {"json": None, "html": note_html(markdown), "md": markdown}}


def _access_form(access: Access) -> dict[str, Any]:
    # Both spellings: each release reads its own and ignores the other.
    return {"access_control": access.access_control(), "access_grants": access.grants()}


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
        self._check()
        return Note.model_validate(self._get(f"{_BASE}/{note_id}"))

    def create(
        self, title: str, markdown: str = "", *, access: Access | str = "private"
    ) -> Note:
        """A new note holding `markdown`; private to you unless `access` says otherwise."""
        self._check()
        form: dict[str, Any] = {"title": title, "data": note_data(markdown), "meta": None}
        form.update(_access_form(Access.of(access)))
        return Note.model_validate(self._post(f"{_BASE}/create", form))

    def update(
        self, note_id: str, *, title: str | None = None, markdown: str | None = None
    ) -> Note:
        """Change the title and/or the text; the rest stays as saved."""
        self._check()
        current = self.get(note_id)
        # Up to 0.8 an update replaces every field, so send back what is not being changed.
        form: dict[str, Any] = {
            "title": current.title if title is None else title,
            "data": current.data
            if markdown is None
            else {**(current.data or {}), **note_data(markdown)},
        }
        if current.meta is not None:  # 0.9 merges meta into the stored one and fails on None
            form["meta"] = current.meta
        access = Access.from_record(current.model_dump())
        if access is not None:
            form.update(_access_form(access))
        return Note.model_validate(self._post(f"{_BASE}/{note_id}/update", form))

    def delete(self, note_id: str) -> bool:
        self._check()
        return bool(self._delete(f"{_BASE}/{note_id}/delete"))
