"""Folders: ``/api/v1/folders``."""

from __future__ import annotations

import builtins
from typing import Any

from ...types import Folder
from .._resource import AsyncResource

_BASE = "/api/v1/folders"


class AsyncFolders(AsyncResource):
    """Chat folders (``client.folders``)."""

    async def list(self) -> builtins.list[Folder]:
        """Every folder of this user."""
        return [Folder.model_validate(r) for r in await self._get_list(f"{_BASE}/")]

    async def get(self, folder_id: str) -> Folder:
        """One folder by id."""
        return Folder.model_validate(await self._get(f"{_BASE}/{folder_id}"))

    async def find(self, name: str) -> Folder | None:
        """The folder called `name` (case-insensitive), or ``None``."""
        wanted = name.strip().casefold()
        for folder in await self.list():
            if folder.name.casefold() == wanted:
                return folder
        return None

    async def create(self, name: str, *, parent_id: str | None = None) -> Folder:
        """A new folder (under `parent_id` if given)."""
        body: dict[str, Any] = {"name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        created = await self._post(f"{_BASE}/", body)
        if isinstance(created, dict) and "id" in created and "name" in created:
            return Folder.model_validate(created)
        found = await self.find(name)  # some releases answer with a bare status
        if found is None:
            raise LookupError(f"folder {name!r} was created but is not listed")
        return found

    async def ensure(self, name: str) -> Folder:
        """The folder called `name`, created if it does not exist yet."""
        return await self.find(name) or await self.create(name)

    async def rename(self, folder_id: str, name: str) -> Folder:
        """Rename a folder."""
        return Folder.model_validate(
            await self._post(f"{_BASE}/{folder_id}/update", {"name": name})
        )

    async def move(self, folder_id: str, parent_id: str | None) -> Folder:
        """Move a folder under `parent_id` (None: to the top level)."""
        body = await self._post(f"{_BASE}/{folder_id}/update/parent", {"parent_id": parent_id})
        return Folder.model_validate(body)

    async def delete(self, folder_id: str) -> bool:
        """Delete a folder."""
        return bool(await self._delete(f"{_BASE}/{folder_id}"))
