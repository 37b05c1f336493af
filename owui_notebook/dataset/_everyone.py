"""Every user's chats, for admins (``sync_dataset(..., all_users=True)``).

Open WebUI (0.6 to 0.12) has no admin stream of every user's chats: ``/api/v1/chats/all/db``
builds all of them as one list in the server's memory, and ``/api/v1/analytics/messages``
(0.8+) pages the ``chat_message`` table 100 rows at a time, ordered by a timestamp of whole
seconds with an offset (rows that share a second can repeat or go missing between pages) and
without titles, tags, archive flags or ratings. So: the users page by page
(``/api/v1/users/?page=``), each user's chat listing page by page
(``/api/v1/chats/list/user/{id}``, oldest first, archived included), and each chat fetched
whole (``GET /api/v1/chats/{id}``), several requests in flight at once. Memory stays flat:
listings are consumed as they arrive and fetches run in small windows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..client.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from ..client.types import ChatRecord, ChatSummary, User

if TYPE_CHECKING:
    from ..client import OpenWebUI

# Requests in flight while fetching chats: the server answers each in a few ms of its own
# work, so a few overlapping requests hide the round trips without crowding it.
WORKERS = 4
WINDOW = 64
USERS_ARROW = pa.schema(
    [
        pa.field("user_id", pa.string()),
        pa.field("name", pa.string()),
        pa.field("email", pa.string()),
        pa.field("role", pa.string()),
    ]
)


def users(client: OpenWebUI) -> list[User]:
    """Every account, page by page; one clear error for a caller who is not an admin."""
    try:
        return client.users.list(order_by="created_at", direction="asc")
    except (AuthenticationError, PermissionDeniedError):
        raise PermissionDeniedError(
            "every user's chats (--all-users) need an admin account; without one, export "
            "your own chats (leave out --all-users)",
            method="GET",
            path="/api/v1/users/",
            status_code=403,
        ) from None


def listings(client: OpenWebUI, accounts: Iterable[User]) -> Iterator[ChatSummary]:
    """Every chat of every account, as listing rows (no messages), page by page."""
    for user in accounts:
        page = 1
        while True:
            try:
                rows = client.chats.list_by_user(
                    user.id, page, order_by="created_at", direction="asc"
                )
            except (AuthenticationError, PermissionDeniedError):
                raise PermissionDeniedError(
                    "this server does not let admins read users' chats "
                    "(ENABLE_ADMIN_CHAT_ACCESS=False): each user must export their own",
                    method="GET",
                    path=f"/api/v1/chats/list/user/{user.id}",
                    status_code=403,
                ) from None
            yield from rows
            if len(rows) < 60:  # the server's page size on every release
                break
            page += 1


def fetch(
    client: OpenWebUI, ids: Iterable[str], vanished: set[str], *, workers: int = WORKERS
) -> Iterator[ChatRecord]:
    """The chats `ids`, whole, in order; those deleted meanwhile go into `vanished`."""

    def get(chat_id: str) -> ChatRecord | None:
        try:
            return client.chats.get(chat_id)
        except (NotFoundError, PermissionDeniedError, AuthenticationError):
            # Deleted since the listing (other users' missing chats answer 401 on 0.12).
            return None

    with ThreadPoolExecutor(workers) as pool:
        window: list[str] = []
        for chat_id in ids:
            window.append(chat_id)
            if len(window) >= WINDOW:
                yield from _collect(pool, get, window, vanished)
                window = []
        yield from _collect(pool, get, window, vanished)


def _collect(pool: Any, get: Any, window: list[str], vanished: set[str]) -> Iterator[ChatRecord]:
    for chat_id, record in zip(window, pool.map(get, window), strict=True):
        if record is None:
            vanished.add(chat_id)
        else:
            yield record


def users_table(accounts: Iterable[User]) -> pa.Table:
    """The ``users`` table: id, name, email, role (so analyses can show names)."""
    rows = [{"user_id": u.id, "name": u.name, "email": u.email, "role": u.role} for u in accounts]
    return pa.Table.from_pylist(rows, schema=USERS_ARROW)
