"""Telling "not allowed" from "not signed in" where Open WebUI answers 401 for both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from ...errors import AuthenticationError, PermissionDeniedError

if TYPE_CHECKING:
    from ..client import AsyncOpenWebUI

T = TypeVar("T")


async def permitted(client: AsyncOpenWebUI, call: Callable[[], Awaitable[T]], action: str) -> T:
    """Run `call`; a bare 401 from a signed-in user becomes a `PermissionDeniedError` saying
    that this user may not `action` (the server's own message is just "401").

    `call` is a function, not an awaitable, so that the generated sync form sends inside
    the ``try``."""
    try:
        return await call()
    except AuthenticationError as exc:
        try:
            me = await client.me()
        except AuthenticationError:
            raise exc from None
        raise PermissionDeniedError(
            f"{me.name or me.email or 'this user'} ({me.role}) may not {action}: "
            "an admin can grant the permission (Admin Panel › Users › Groups or Default "
            "permissions)",
            method=exc.method,
            path=exc.path,
            status_code=exc.status_code,
            detail=exc.detail,
        ) from None
