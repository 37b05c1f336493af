# Generated from owui_notebook/client/_async/resources/_permission.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Telling "not allowed" from "not signed in" where Open WebUI answers 401 for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ...errors import AuthenticationError, PermissionDeniedError

if TYPE_CHECKING:
    from ..client import OpenWebUI

T = TypeVar("T")


def permitted(client: OpenWebUI, call: Callable[[], T], action: str) -> T:
    """Run `call`; a bare 401 from a signed-in user becomes a `PermissionDeniedError` saying
    that this user may not `action` (the server's own message is just "401").

    `call` is a function, not an awaitable, so that the generated sync form sends inside
    the ``try``."""
    try:
        return call()
    except AuthenticationError as exc:
        try:
            me = client.me()
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
