"""User groups (admins manage them): ``/api/v1/groups``.

Up to 0.8 a group carries its members (``user_ids``) and an update replaces them; 0.9+ keep
members apart, behind ``/users``, ``/users/add`` and ``/users/remove``. One interface here.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from ...errors import NotFoundError
from ...types import Group
from .._resource import AsyncResource

_BASE = "/api/v1/groups"


class AsyncGroups(AsyncResource):
    """``client.groups``: list, get, find, create, update, members, add/remove users, delete."""

    async def list(self) -> builtins.list[Group]:
        """Every group (for a non-admin: the groups they belong to)."""
        return [Group.model_validate(r) for r in await self._get_list(f"{_BASE}/") if r]

    async def get(self, group_id: str) -> Group:
        """One group by id."""
        return Group.model_validate(await self._get(f"{_BASE}/id/{group_id}"))

    async def find(self, name: str) -> Group:
        """The group called `name` (case-insensitive)."""
        wanted = name.strip().casefold()
        groups = await self.list()
        for group in groups:
            if group.name.casefold() == wanted:
                return group
        names = ", ".join(repr(g.name) for g in groups[:8]) or "none"
        raise NotFoundError(
            f"no group called {name!r} (groups: {names})",
            method="GET",
            path=f"{_BASE}/",
            status_code=404,
        )

    async def create(
        self, name: str, description: str = "", *, user_ids: Iterable[str] = ()
    ) -> Group:
        """A new group, with these members if given."""
        body = await self._post(f"{_BASE}/create", {"name": name, "description": description})
        group = Group.model_validate(body)
        members = list(dict.fromkeys(user_ids))
        if members:
            group = await self.set_members(group.id, members)
        return group

    async def update(
        self,
        group_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        permissions: dict[str, Any] | None = None,
    ) -> Group:
        """Rename, describe or set the permissions of a group; its members stay."""
        current = await self.get(group_id)
        return await self._update(
            current,
            name=current.name if name is None else name,
            description=current.description if description is None else description,
            permissions=current.permissions if permissions is None else permissions,
        )

    async def _update(self, current: Group, **fields: Any) -> Group:
        form: dict[str, Any] = {
            "name": current.name,
            "description": current.description,
            "permissions": current.permissions,
            "data": current.data,
            **fields,
        }
        if "user_ids" not in form and current.user_ids is not None:
            form["user_ids"] = current.user_ids  # up to 0.8 an update replaces the members
        return Group.model_validate(await self._post(f"{_BASE}/id/{current.id}/update", form))

    async def members(self, group_id: str) -> builtins.list[str]:
        """The ids of the group's members."""
        group = await self.get(group_id)
        if group.user_ids is not None:
            return list(group.user_ids)
        rows = await self._post(f"{_BASE}/id/{group_id}/users")
        return [r["id"] for r in rows or [] if isinstance(r, dict) and r.get("id")]

    async def set_members(self, group_id: str, user_ids: Iterable[str]) -> Group:
        """Make exactly these users the group's members."""
        wanted = list(dict.fromkeys(user_ids))
        current = await self.get(group_id)
        if current.user_ids is not None:
            return await self._update(current, user_ids=wanted)
        have = await self.members(group_id)
        group = current
        gone = [u for u in have if u not in wanted]
        new = [u for u in wanted if u not in have]
        if gone:
            group = await self._members_call(group_id, "remove", gone)
        if new:
            group = await self._members_call(group_id, "add", new)
        return group

    async def add_users(self, group_id: str, user_ids: Iterable[str]) -> Group:
        """Add users to a group (those already in it stay once)."""
        ids = list(dict.fromkeys(user_ids))
        current = await self.get(group_id)
        if current.user_ids is not None:
            return await self._update(current, user_ids=list(dict.fromkeys(current.user_ids + ids)))
        return await self._members_call(group_id, "add", ids)

    async def remove_users(self, group_id: str, user_ids: Iterable[str]) -> Group:
        """Take users out of a group."""
        ids = set(user_ids)
        current = await self.get(group_id)
        if current.user_ids is not None:
            return await self._update(
                current, user_ids=[u for u in current.user_ids if u not in ids]
            )
        return await self._members_call(group_id, "remove", sorted(ids))

    async def _members_call(self, group_id: str, verb: str, user_ids: builtins.list[str]) -> Group:
        body = await self._post(f"{_BASE}/id/{group_id}/users/{verb}", {"user_ids": user_ids})
        return Group.model_validate(body)

    async def delete(self, group_id: str) -> bool:
        """Delete a group (its members' accounts stay)."""
        return bool(await self._delete(f"{_BASE}/id/{group_id}/delete"))
