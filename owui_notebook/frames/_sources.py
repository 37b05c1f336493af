"""Where a frame's numbers come from, and the errors that say why they cannot.

Every frame records its origin in ``frame.attrs["source"]``: ``"server:<path>"`` for the
server's own figures, ``"client:<path>"`` for figures computed here from what that path
returned. ``attrs["note"]`` says why a fallback was taken; ``attrs["server_version"]``
names the release.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..client.errors import NotFoundError, PermissionDeniedError
from ..client.features import FEATURES

if TYPE_CHECKING:
    from ..client import OpenWebUI

SOURCES = ("auto", "server", "client")

ALL_CHATS = "/api/v1/chats/all"
ALL_CHATS_DB = "/api/v1/chats/all/db"
USAGE = "/api/v1/chats/stats/usage"
EXPORT = "/api/v1/chats/stats/export"
ANALYTICS = "/api/v1/analytics"
LEADERBOARD = "/api/v1/evaluations/leaderboard"
FEEDBACK_EXPORT = "/api/v1/evaluations/feedbacks/all/export"


def server(path: str) -> str:
    return f"server:{path}"


def client_side(path: str) -> str:
    return f"client:{path}"


def check_source(source: str, allowed: tuple[str, ...] = SOURCES) -> str:
    if source not in allowed:
        choices = ", ".join(repr(s) for s in allowed)
        raise ValueError(f"source must be one of {choices}, not {source!r}")
    return source


def use_server(client: OpenWebUI, source: str, feature: str) -> bool:
    """Whether to ask the server (``source="server"`` insists, and fails on old servers)."""
    check_source(source)
    if source == "server":
        client.require(feature)
        return True
    return source == "auto" and client.has(feature)


def missing_note(client: OpenWebUI, feature: str, path: str) -> str:
    """``"this server (Open WebUI 0.6.15) has no ..., which came in 0.7.0; computed from ..."``."""
    info = FEATURES[feature]
    return (
        f"this server (Open WebUI {client.version()}) has no {info.description}, which came "
        f"in {info.since}; computed from {path}"
    )


def attrs(client: OpenWebUI, source: str, note: str | None = None) -> dict[str, Any]:
    return {"source": source, "note": note, "server_version": client.version()}


@contextmanager
def admin_required(what: str) -> Iterator[None]:
    """Turn the server's refusal of an admin endpoint into one line that says so."""
    try:
        yield
    except PermissionDeniedError as exc:
        raise PermissionDeniedError(
            f"{what} needs an Open WebUI admin account; this user may not read {exc.path} "
            f"({exc.method} -> {exc.status_code}); sign in as an admin or ask one",
            method=exc.method,
            path=exc.path,
            status_code=exc.status_code,
            detail=exc.detail,
        ) from None


def unknown_chat(chat_id: str, path: str) -> NotFoundError:
    return NotFoundError(
        f"no chat {chat_id!r} on this server (or not yours): check the id, e.g. in "
        "chats_frame(client).chat_id",
        method="GET",
        path=path,
        status_code=404,
    )
