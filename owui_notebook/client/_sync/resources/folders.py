# Generated from owui_notebook/client/_async/resources/folders.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Folders: ``/api/v1/folders``."""

from __future__ import annotations

import builtins
from typing import Any

from ...types import Folder
from .._resource import Resource

_BASE = "/api/v1/folders"


class Folders(Resource):
    """Chat folders (``client.folders``)."""

    def list(self) -> builtins.list[Folder]:
        """Every folder of this user."""
        return [Folder.model_validate(r) for r in self._get_list(f"{_BASE}/")]

    def get(self, folder_id: str) -> Folder:
        """One folder by id."""
        return Folder.model_validate(self._get(f"{_BASE}/{folder_id}"))

    def find(self, name: str) -> Folder | None:
        """The folder called `name` (case-insensitive), or ``None``."""
        wanted = name.strip().casefold()
        for folder in self.list():
            if folder.name.casefold() == wanted:
                return folder
        return None

    def create(self, name: str, *, parent_id: str | None = None) -> Folder:
        """A new folder (under `parent_id` if given)."""
        body: dict[str, Any] = {"name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        created = self._post(f"{_BASE}/", body)
        if isinstance(created, dict) and "id" in created and "name" in created:
            return Folder.model_validate(created)
        found = self.find(name)  # some releases answer with a bare status
        if found is None:
            raise LookupError(f"folder {name!r} was created but is not listed")
        return found

    def ensure(self, name: str) -> Folder:
        """The folder called `name`, created if it does not exist yet."""
        return self.find(name) or self.create(name)

    def rename(self, folder_id: str, name: str) -> Folder:
        """Rename a folder."""
        return Folder.model_validate(
            self._post(f"{_BASE}/{folder_id}/update", {"name": name})
        )

    def move(self, folder_id: str, parent_id: str | None) -> Folder:
        """Move a folder under `parent_id` (None: to the top level)."""
        body = self._post(f"{_BASE}/{folder_id}/update/parent", {"parent_id": parent_id})
        return Folder.model_validate(body)

    def delete(self, folder_id: str) -> bool:
        """Delete a folder."""
        return bool(self._delete(f"{_BASE}/{folder_id}"))
