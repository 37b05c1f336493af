"""Users (admins only): ``/api/v1/users``."""

from __future__ import annotations

import builtins
from typing import Any

from ...errors import ConfigurationError, NotFoundError, PermissionDeniedError
from ...types import User
from .._resource import AsyncResource

_BASE = "/api/v1/users"
ROLES = ("admin", "user", "pending")


class AsyncUsers(AsyncResource):
    """``client.users``: list, get, find, change role, delete (the server allows admins only)."""

    async def list(
        self,
        page: int | None = None,
        *,
        query: str | None = None,
        order_by: str | None = None,
        direction: str | None = None,
    ) -> builtins.list[User]:
        """Every user account, or with `page` one page of the server's listing (30 a page,
        from 1). `query` matches name or email; `order_by` (``name``, ``email``,
        ``created_at``, ``last_active_at``, ``role``) and `direction` (``asc``, ``desc``)
        sort."""
        if page is None and query is None and order_by is None and direction is None:
            body = await self._get(f"{_BASE}/all")
            rows = body.get("users") if isinstance(body, dict) else body
            return [User.model_validate(r) for r in rows or [] if isinstance(r, dict)]
        if page is not None:
            if page < 1:
                raise ConfigurationError(f"pages start at 1, not {page}")
            return (await self._page(page, query, order_by, direction))[0]
        users: dict[str, User] = {}
        number = 1
        while True:
            batch, total = await self._page(number, query, order_by, direction)
            fresh = [u for u in batch if u.id not in users]
            users.update((u.id, u) for u in fresh)
            # Pages until one adds nobody: a server that gives no total, or ignores the page
            # and repeats itself, still ends.
            if not fresh or (total is not None and len(users) >= total):
                return list(users.values())
            number += 1

    async def _page(
        self, page: int, query: str | None, order_by: str | None, direction: str | None
    ) -> tuple[builtins.list[User], int | None]:
        body = await self._get(
            f"{_BASE}/", page=page, query=query, order_by=order_by, direction=direction
        )
        rows = body.get("users") if isinstance(body, dict) else body
        total = body.get("total") if isinstance(body, dict) else None
        users = [User.model_validate(r) for r in rows or [] if isinstance(r, dict)]
        return users, total if isinstance(total, int) else None

    async def get(self, user_id: str) -> User:
        """One user with email and role (0.6's own endpoint gives only a name: the list
        serves every release alike)."""
        for user in await self.list():
            if user.id == user_id:
                return user
        raise NotFoundError(
            f"no user with id {user_id!r}", method="GET", path=f"{_BASE}/all", status_code=404
        )

    async def find(self, email_or_name: str) -> User:
        """The user with this email (case-insensitive), else this exact name."""
        wanted = email_or_name.strip().casefold()
        users = await self.list()
        for user in users:
            if (user.email or "").casefold() == wanted:
                return user
        named = [u for u in users if (u.name or "").casefold() == wanted]
        if len(named) == 1:
            return named[0]
        what = "several users are" if named else "no user is"
        raise NotFoundError(
            f"{what} called {email_or_name!r}: use the email or the id",
            method="GET",
            path=f"{_BASE}/all",
            status_code=404,
        )

    async def update(
        self,
        user_id: str,
        *,
        role: str | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> User:
        """Change a user's role (admin, user, pending), name or email; the rest stays."""
        if role is not None and role not in ROLES:
            raise ConfigurationError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        current = await self.get(user_id)
        # 0.6 wants every field of the form back; later releases take the changed ones.
        form: dict[str, Any] = {
            "role": role or current.role,
            "name": current.name if name is None else name,
            "email": current.email if email is None else email,
        }
        # Required up to 0.8, but listed by 0.6 only: 0.7 and 0.8 give it for one user.
        image = current.profile_image_url
        if image is None:
            one = await self._get(f"{_BASE}/{user_id}")
            image = one.get("profile_image_url") if isinstance(one, dict) else None
        if isinstance(image, str):
            form["profile_image_url"] = image
        return User.model_validate(await self._post(f"{_BASE}/{user_id}/update", form))

    async def set_role(self, user_id: str, role: str) -> User:
        """Change a user's role: ``admin``, ``user`` or ``pending``."""
        return await self.update(user_id, role=role)

    async def delete(self, user_id: str) -> bool:
        """Delete a user and everything they own on the server. There is no undo."""
        me = await self._client.me()
        if me.id == user_id:
            raise PermissionDeniedError(
                "you cannot delete your own account from here",
                method="DELETE",
                path=f"{_BASE}/{user_id}",
                status_code=403,
            )
        return bool(await self._delete(f"{_BASE}/{user_id}"))
