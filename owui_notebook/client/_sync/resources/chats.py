# Generated from owui_notebook/client/_async/resources/chats.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""The chats router: ``/api/v1/chats``."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator, Callable
from typing import TYPE_CHECKING, Any

from ...access import Access
from ...errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
    UnsupportedFeatureError,
)
from ...quirks import chats_all_fails
from ...types import ChatRecord, ChatSummary, Tag
from .._resource import Resource
from ._access import resolve_access

if TYPE_CHECKING:
    from ..chat import Chat

_BASE = "/api/v1/chats"


def _summaries(rows: list[Any]) -> list[ChatSummary]:
    return [ChatSummary.model_validate(r) for r in rows if isinstance(r, dict)]


def _record(body: Any) -> ChatRecord:
    return ChatRecord.model_validate(body)


def _seconds(row: ChatSummary | ChatRecord) -> float:
    """A chat's last change in epoch seconds (some releases store ms or ns)."""
    stamp = float(row.updated_at or row.created_at or 0)
    while stamp > 1e11:
        stamp /= 1000
    return stamp


class Chats(Resource):
    """Saved chats. Listing methods return `ChatSummary` rows; the rest whole `ChatRecord`s."""

    # -- listing ---------------------------------------------------------------------------

    def list(
        self,
        page: int | None = None,
        *,
        include_pinned: bool = False,
        include_folders: bool = False,
    ) -> builtins.list[ChatSummary]:
        """One page (60 rows, newest first) or, with ``page=None``, every non-archived chat."""
        return _summaries(
            self._get_list(
                f"{_BASE}/list",
                page=page,
                include_pinned=include_pinned or None,
                include_folders=include_folders or None,
            )
        )

    def iter(self, *, include_folders: bool = True) -> Iterator[ChatSummary]:
        """Every chat, fetched page by page."""
        page = 1
        while True:
            rows = self.list(page, include_pinned=True, include_folders=include_folders)
            if not rows:
                return
            for row in rows:
                yield row
            page += 1

    def search(self, text: str, page: int | None = None) -> builtins.list[ChatSummary]:
        """Chats whose title or messages match `text` (server-side search)."""
        return _summaries(self._get_list(f"{_BASE}/search", text=text, page=page))

    def pinned(self) -> builtins.list[ChatSummary]:
        return _summaries(self._get_list(f"{_BASE}/pinned"))

    def archived(
        self,
        page: int | None = None,
        *,
        query: str | None = None,
        order_by: str | None = None,
        direction: str | None = None,
    ) -> builtins.list[ChatSummary]:
        """Archived chats: one page (60 rows) or, with ``page=None``, every page. `query`
        matches titles; `order_by` (``updated_at``, ``created_at``, ``title``) and
        `direction` (``asc``, ``desc``) sort them."""
        return self._pages(
            f"{_BASE}/archived", page, query=query, order_by=order_by, direction=direction
        )

    def archived_count(self) -> int:
        """How many chats are archived (counted here where the server has no count)."""
        try:
            body = self._get(f"{_BASE}/archived/count")
        except (NotFoundError, UnexpectedResponseError):
            body = None
        if isinstance(body, int) and not isinstance(body, bool):
            return body
        return len(self.archived())

    def list_by_user(
        self,
        user_id: str,
        page: int | None = None,
        *,
        query: str | None = None,
        order_by: str | None = None,
        direction: str | None = None,
    ) -> builtins.list[ChatSummary]:
        """Another user's chats, archived ones too (admins, where the server allows admins
        to see chats): one page of 60, or every page with ``page=None``."""
        return self._pages(
            f"{_BASE}/list/user/{user_id}",
            page,
            query=query,
            order_by=order_by,
            direction=direction,
        )

    def _pages(
        self, path: str, page: int | None, **params: Any
    ) -> builtins.list[ChatSummary]:
        """One page of a listing or, with ``page=None``, every page until an empty one."""
        if page is not None:
            return _summaries(self._get_list(path, page=page, **params))
        rows: dict[str, ChatSummary] = {}
        number = 1
        while True:
            batch = _summaries(self._get_list(path, page=number, **params))
            fresh = [r for r in batch if r.id not in rows]
            if not fresh:  # empty, or a server that ignores the page and repeats itself
                return list(rows.values())
            rows.update((r.id, r) for r in fresh)
            number += 1

    def find(self, id_or_title: str) -> ChatSummary:
        """A saved chat by id, or by exact title in any case (the newest if several).

        The one lookup by title: the magics' ``%owui chat --continue`` uses it too."""
        try:
            record = self.get(id_or_title)
            return ChatSummary.model_validate(record.model_dump())
        except (NotFoundError, UnexpectedResponseError):
            pass
        except APIStatusError as exc:
            if exc.status_code != 401:  # some releases answer 401 for a chat they lack
                raise
        wanted = id_or_title.strip().casefold()
        matches = [c for c in self.search(id_or_title) if c.title.casefold() == wanted]
        if not matches:
            raise NotFoundError(
                f"no chat with id or title {id_or_title!r}",
                method="GET",
                path=f"{_BASE}/search",
                status_code=404,
            )
        return max(matches, key=lambda c: c.updated_at or 0)

    def open(self, id_or_title: str, model: str | None = None) -> Chat:
        """A saved chat, by id or title, loaded and ready to continue (``.send(...)``)."""
        found = self.find(id_or_title)
        chat = self._client.chat(model, chat_id=found.id)
        chat.load()
        return chat

    def by_folder(self, folder_id: str) -> builtins.list[ChatRecord]:
        return [_record(r) for r in self._get_list(f"{_BASE}/folder/{folder_id}")]

    def folder_list(
        self, folder_id: str, page: int | None = None
    ) -> builtins.list[ChatSummary]:
        """The chats in a folder as summaries: one page (10) or every page with
        ``page=None`` (built from the full chats where the server has no such listing)."""
        path = f"{_BASE}/folder/{folder_id}/list"
        try:
            return self._pages(path, page)
        except (NotFoundError, UnexpectedResponseError):
            pass
        rows = [ChatSummary.model_validate(r.model_dump()) for r in self.by_folder(folder_id)]
        rows.sort(key=lambda r: r.updated_at or 0, reverse=True)
        return rows if page is None else rows[(page - 1) * 10 : page * 10]

    def by_tag(
        self, name: str, *, skip: int = 0, limit: int = 50
    ) -> builtins.list[ChatSummary]:
        body = self._post(f"{_BASE}/tags", {"name": name, "skip": skip, "limit": limit})
        return _summaries(body or [])

    def all(self) -> Iterator[ChatRecord]:
        """Every chat of this user, archived ones too, with its full message tree, most
        recently changed first (streamed where the server can)."""
        if chats_all_fails(self._client.version()):
            for record in self._all_one_by_one():
                yield record
            return
        for row in self._http.records("GET", f"{_BASE}/all"):
            yield _record(row)

    def _all_one_by_one(self) -> Iterator[ChatRecord]:
        """What ``/all`` would give, from what 0.6.42-0.6.43 serve (their ``/all`` fails, see
        `quirks.chats_all_fails`): the archived chats whole, every other chat by its id from
        the paged listing (pinned and foldered ones too), merged newest change first."""
        archived = sorted(self.all_archived(), key=_seconds, reverse=True)
        listed = self._pages(f"{_BASE}/list", None, include_pinned=True, include_folders=True)
        listed.sort(key=_seconds, reverse=True)
        done = {r.id for r in archived}
        for row in listed:
            while archived and _seconds(archived[0]) >= _seconds(row):
                yield archived.pop(0)
            if row.id in done:  # archived meanwhile: already (or about to be) given whole
                continue
            try:
                record = self.get(row.id)
            except (NotFoundError, AuthenticationError):  # deleted meanwhile (0.6 says 401)
                continue
            yield record
        for record in archived:
            yield record

    def all_db(self) -> builtins.list[ChatRecord]:
        """Every chat of every user, with message trees (admins; the server's admin export)."""
        return [_record(r) for r in self._get_list(f"{_BASE}/all/db")]

    def all_archived(self) -> builtins.list[ChatRecord]:
        return [_record(r) for r in self._get_list(f"{_BASE}/all/archived")]

    def all_tags(self) -> builtins.list[Tag]:
        return [Tag.model_validate(r) for r in self._get_list(f"{_BASE}/all/tags")]

    # -- one chat ---------------------------------------------------------------------------

    def get(self, chat_id: str) -> ChatRecord:
        return _record(self._get(f"{_BASE}/{chat_id}"))

    def create(
        self,
        chat: dict[str, Any],
        *,
        folder_id: str | None = None,
        created: Callable[[ChatRecord], object] | None = None,
    ) -> ChatRecord:
        """Save a new chat body (``{"title", "models", "history", "messages", ...}``).

        `created` is called with the new chat as soon as the server has made it, before
        the move into `folder_id` that old servers need: a caller that must not lose the
        new chat's id (if that move fails) records it there.
        """
        body: dict[str, Any] = {"chat": chat}
        if folder_id is not None:
            body["folder_id"] = folder_id
        record = _record(self._post(f"{_BASE}/new", body))
        if created is not None:
            created(record)
        if folder_id is not None and record.folder_id != folder_id:
            # Servers before folder_id on /new (0.6.x) ignore it; move the chat instead.
            record = self.move_to_folder(record.id, folder_id)
        return record

    def update(self, chat_id: str, chat: dict[str, Any]) -> ChatRecord:
        """Merge `chat` into the saved chat body (top-level keys replace the server's)."""
        return _record(self._post(f"{_BASE}/{chat_id}", {"chat": chat}))

    def rename(self, chat_id: str, title: str) -> ChatRecord:
        return self.update(chat_id, {"title": title})

    def delete(self, chat_id: str) -> bool:
        return bool(self._delete(f"{_BASE}/{chat_id}"))

    def delete_all(self) -> bool:
        """Delete every chat of this user. There is no undo."""
        return bool(self._delete(f"{_BASE}/"))

    def update_message(self, chat_id: str, message_id: str, content: str) -> ChatRecord:
        """Replace one message's content in place."""
        try:
            return _record(
                self._post(f"{_BASE}/{chat_id}/messages/{message_id}", {"content": content})
            )
        except ServerError:
            # 0.7.2's endpoint fails (500) before it saves anything: it passes the database
            # layer an argument that it does not take. Edit the message in the chat instead.
            record = self.get(chat_id)
            if message_id not in record.messages:
                raise
            history = record.history
            history["messages"][message_id] = {**record.messages[message_id], "content": content}
            body: dict[str, Any] = {"history": history}
            if isinstance(record.chat.get("messages"), list):  # the legacy flat copy
                body["messages"] = [
                    {**m, "content": content} if m.get("id") == message_id else m
                    for m in record.chat["messages"]
                    if isinstance(m, dict)
                ]
            return self.update(chat_id, body)

    def clone(self, chat_id: str, *, title: str | None = None) -> ChatRecord:
        return _record(self._post(f"{_BASE}/{chat_id}/clone", {"title": title}))

    def compact(self, chat_id: str, *, model: str | None = None) -> dict[str, Any]:
        """Ask the server to summarise the older part of a long chat so that it fits the
        model's context (its reply says whether it ``compacted`` and what it dropped)."""
        path = f"{_BASE}/{chat_id}/compact"
        try:
            body = self._post(path, {"model": model} if model else None)
        except (NotFoundError, UnexpectedResponseError):
            raise self._newer("chat compaction", "chat_compact", "0.10.2") from None
        except APIStatusError as exc:
            if exc.status_code != 405:
                raise
            raise self._newer("chat compaction", "chat_compact", "0.10.2") from None
        return body if isinstance(body, dict) else {"result": body}

    def message_event(
        self, chat_id: str, message_id: str, type: str, data: dict[str, Any]
    ) -> bool:
        """Send an event to a message as a tool would (``status``, ``message``, ``replace``,
        ``citation``, ...): open web UIs show it, and the server saves what it persists."""
        path = f"{_BASE}/{chat_id}/messages/{message_id}/event"
        return bool(self._post(path, {"type": type, "data": data}))

    def _newer(self, what: str, feature: str, has_it: str) -> UnsupportedFeatureError:
        version = self._client.version()
        return UnsupportedFeatureError(
            f"this server (Open WebUI {version}) has no {what}; it needs a newer "
            f"Open WebUI ({has_it} has it)",
            feature=feature,
            have=version,
        )

    def import_chats(self, chats: builtins.list[dict[str, Any]]) -> builtins.list[ChatRecord]:
        """Import chats as they are (each ``{"chat": {...}, "meta"?, "pinned"?, "folder_id"?}``).

        Newer servers take a batch; older ones (0.6.x) one chat per request.
        """
        forms = [c if "chat" in c else {"chat": c} for c in chats]
        if not forms:
            return []
        try:
            body = self._post(f"{_BASE}/import", {"chats": forms})
        except BadRequestError:
            body = None
        if isinstance(body, list):
            return [_record(r) for r in body]
        return [_record(self._post(f"{_BASE}/import", form)) for form in forms]

    # -- flags: pin, archive, share, folder -------------------------------------------------

    def is_pinned(self, chat_id: str) -> bool:
        return bool(self._get(f"{_BASE}/{chat_id}/pinned"))

    def pin(self, chat_id: str, pinned: bool = True) -> ChatRecord:
        """Pin (or unpin) a chat. The server's endpoint toggles; this sets the state asked for."""
        record = self.get(chat_id)
        if bool(record.pinned) != pinned:
            record = _record(self._post(f"{_BASE}/{chat_id}/pin"))
        return record

    def unpin(self, chat_id: str) -> ChatRecord:
        return self.pin(chat_id, False)

    def archive(self, chat_id: str, archived: bool = True) -> ChatRecord:
        """Archive (or unarchive) a chat; like `pin`, sets the state rather than toggling."""
        record = self.get(chat_id)
        if bool(record.archived) != archived:
            record = _record(self._post(f"{_BASE}/{chat_id}/archive"))
        return record

    def unarchive(self, chat_id: str) -> ChatRecord:
        return self.archive(chat_id, False)

    def archive_all(self) -> bool:
        return bool(self._post(f"{_BASE}/archive/all"))

    def unarchive_all(self) -> bool:
        """Unarchive every chat (one call where the server has it, else chat by chat)."""
        done = self._if_supported("POST", f"{_BASE}/unarchive/all")
        if done is not None:
            return done
        for record in self.all_archived():
            self._post(f"{_BASE}/{record.id}/archive")
        return True

    def archive_older_than(
        self,
        days: float,
        *,
        folder: str | None = None,
        outside_folders: bool = False,
        dry_run: bool = False,
    ) -> builtins.list[ChatSummary]:
        """Archive every chat last changed more than `days` ago; returns those chats.

        `folder` (a name or id) limits it to that folder, `outside_folders` to chats in no
        folder. `dry_run` only lists them. Pinned chats are archived too, like the web UI's
        "archive all".
        """
        if folder is not None and outside_folders:
            raise ConfigurationError("folder= and outside_folders=True contradict each other")
        if days < 0:
            raise ConfigurationError(f"days must be 0 or more, not {days}")
        cutoff = time.time() - days * 86400
        if folder is not None:
            folder_id = self._folder_id(folder)
            rows = [
                ChatSummary.model_validate(r.model_dump())
                for r in self.by_folder(folder_id)
                if not r.archived
            ]
        else:
            rows = [row for row in self.iter(include_folders=True)]
            # 0.6 leaves chats in folders out of the listing: ask each folder too.
            filed: dict[str, ChatSummary] = {}
            for f in self._client.folders.list():
                for r in self.by_folder(f.id):
                    if not r.archived:
                        filed[r.id] = ChatSummary.model_validate(r.model_dump())
            if outside_folders:
                rows = [r for r in rows if r.id not in filed]
            else:
                rows += filed.values()
        old = [r for r in dict((r.id, r) for r in rows).values() if _seconds(r) < cutoff]
        if not dry_run:
            for row in old:
                self.archive(row.id)
        return old

    def _folder_id(self, name_or_id: str) -> str:
        folders = self._client.folders.list()
        for f in folders:
            if f.id == name_or_id:
                return f.id
        for f in folders:
            if f.name.casefold() == name_or_id.strip().casefold():
                return f.id
        raise NotFoundError(
            f"no folder {name_or_id!r}", method="GET", path="/api/v1/folders/", status_code=404
        )

    def share(self, chat_id: str) -> ChatRecord:
        """Create a share link; the record's ``share_id`` names it (``/s/<share_id>``)."""
        record = _record(self._post(f"{_BASE}/{chat_id}/share"))
        copy = record.id != chat_id or (record.user_id or "").startswith("shared-")
        if not record.share_id and copy:
            # Up to 0.8 the answer may be the shared copy (0.6: its id is the share id; 0.7:
            # a "shared-" owner): the chat itself is what callers expect, with share_id set.
            record = self.get(chat_id)
        return record

    def unshare(self, chat_id: str) -> bool:
        return bool(self._delete(f"{_BASE}/{chat_id}/share"))

    def get_shared(self, share_id: str) -> ChatRecord:
        return _record(self._get(f"{_BASE}/share/{share_id}"))

    def clone_shared(self, share_id: str) -> ChatRecord:
        """A chat of your own copied from a shared one (by its ``share_id``)."""
        return _record(self._post(f"{_BASE}/{share_id}/clone/shared"))

    def unshare_all(self) -> bool:
        """Delete every share link of this user (chat by chat where the server has no
        call for it)."""
        done = self._if_supported("DELETE", f"{_BASE}/share/all")
        if done is not None:
            return done
        for record in self.all():
            if record.share_id:
                self.unshare(record.id)
        return True

    def shared_access(self, chat_id: str) -> Access:
        """Who may open a shared chat's link (0.9+; before that, anyone signed in)."""
        try:
            grants = self._get(f"{_BASE}/shared/{chat_id}/access")
        except (NotFoundError, UnexpectedResponseError):
            raise self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        stored = {"access_grants": grants if isinstance(grants, list) else []}
        return Access.from_record(stored) or Access.private()

    def set_shared_access(self, chat_id: str, access: Access | str) -> Access:
        """Set who may open a shared chat's link (``"public"``: anyone signed in; groups by
        name or id); returns the access now stored."""
        resolved = resolve_access(self._client, access)
        path = f"{_BASE}/shared/{chat_id}/access/update"
        try:
            self._post(path, {"access_grants": resolved.grants()})
        except (NotFoundError, UnexpectedResponseError):
            raise self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        except APIStatusError as exc:
            if exc.status_code != 405:
                raise
            raise self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        return self.shared_access(chat_id)

    def move_to_folder(self, chat_id: str, folder_id: str | None) -> ChatRecord:
        """Put a chat in a folder (``None`` takes it out of any folder)."""
        return _record(self._post(f"{_BASE}/{chat_id}/folder", {"folder_id": folder_id}))

    def _if_supported(self, method: str, path: str) -> bool | None:
        """Call a bulk endpoint some releases lack; ``None`` when this server has none."""
        try:
            return bool(self._http.request(method, path))
        except (NotFoundError, UnexpectedResponseError):
            return None
        except APIStatusError as exc:
            if exc.status_code == 405:
                return None
            raise

    # -- tags -------------------------------------------------------------------------------

    def tags(self, chat_id: str) -> builtins.list[Tag]:
        return [Tag.model_validate(r) for r in self._get_list(f"{_BASE}/{chat_id}/tags")]

    def add_tag(self, chat_id: str, name: str) -> builtins.list[Tag]:
        body = self._post(f"{_BASE}/{chat_id}/tags", {"name": name})
        return [Tag.model_validate(r) for r in body or []]

    def remove_tag(self, chat_id: str, name: str) -> builtins.list[Tag]:
        body = self._http.request("DELETE", f"{_BASE}/{chat_id}/tags", json={"name": name})
        return [Tag.model_validate(r) for r in body or []]

    def clear_tags(self, chat_id: str) -> bool:
        """Remove every tag from a chat (one call where the server has it, else tag by tag)."""
        done = self._if_supported("DELETE", f"{_BASE}/{chat_id}/tags/all")
        if done is not None:
            return done
        for tag in self.tags(chat_id):
            self.remove_tag(chat_id, tag.name)
        return True
