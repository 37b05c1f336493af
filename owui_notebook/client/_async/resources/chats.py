"""The chats router: ``/api/v1/chats``."""

from __future__ import annotations

import builtins
import time
from collections.abc import AsyncIterator, Callable
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
from .._resource import AsyncResource
from ._access import resolve_access

if TYPE_CHECKING:
    from ..chat import AsyncChat

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


class AsyncChats(AsyncResource):
    """Saved chats. Listing methods return `ChatSummary` rows; the rest whole `ChatRecord`s."""

    # -- listing ---------------------------------------------------------------------------

    async def list(
        self,
        page: int | None = None,
        *,
        include_pinned: bool = False,
        include_folders: bool = False,
    ) -> builtins.list[ChatSummary]:
        """One page (60 rows, newest first) or, with ``page=None``, every non-archived chat."""
        return _summaries(
            await self._get_list(
                f"{_BASE}/list",
                page=page,
                include_pinned=include_pinned or None,
                include_folders=include_folders or None,
            )
        )

    async def iter(self, *, include_folders: bool = True) -> AsyncIterator[ChatSummary]:
        """Every chat, fetched page by page."""
        page = 1
        while True:
            rows = await self.list(page, include_pinned=True, include_folders=include_folders)
            if not rows:
                return
            for row in rows:
                yield row
            page += 1

    async def search(self, text: str, page: int | None = None) -> builtins.list[ChatSummary]:
        """Chats whose title or messages match `text` (server-side search)."""
        return _summaries(await self._get_list(f"{_BASE}/search", text=text, page=page))

    async def pinned(self) -> builtins.list[ChatSummary]:
        return _summaries(await self._get_list(f"{_BASE}/pinned"))

    async def archived(
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
        return await self._pages(
            f"{_BASE}/archived", page, query=query, order_by=order_by, direction=direction
        )

    async def archived_count(self) -> int:
        """How many chats are archived (counted here where the server has no count)."""
        try:
            body = await self._get(f"{_BASE}/archived/count")
        except (NotFoundError, UnexpectedResponseError):
            body = None
        if isinstance(body, int) and not isinstance(body, bool):
            return body
        return len(await self.archived())

    async def list_by_user(
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
        return await self._pages(
            f"{_BASE}/list/user/{user_id}",
            page,
            query=query,
            order_by=order_by,
            direction=direction,
        )

    async def _pages(
        self, path: str, page: int | None, **params: Any
    ) -> builtins.list[ChatSummary]:
        """One page of a listing or, with ``page=None``, every page until an empty one."""
        if page is not None:
            return _summaries(await self._get_list(path, page=page, **params))
        rows: dict[str, ChatSummary] = {}
        number = 1
        while True:
            batch = _summaries(await self._get_list(path, page=number, **params))
            fresh = [r for r in batch if r.id not in rows]
            if not fresh:  # empty, or a server that ignores the page and repeats itself
                return list(rows.values())
            rows.update((r.id, r) for r in fresh)
            number += 1

    async def find(self, id_or_title: str) -> ChatSummary:
        """A saved chat by id, or by exact title in any case (the newest if several).

        The one lookup by title: the magics' ``%owui chat --continue`` uses it too."""
        try:
            record = await self.get(id_or_title)
            return ChatSummary.model_validate(record.model_dump())
        except (NotFoundError, UnexpectedResponseError):
            pass
        except APIStatusError as exc:
            if exc.status_code != 401:  # some releases answer 401 for a chat they lack
                raise
        wanted = id_or_title.strip().casefold()
        matches = [c for c in await self.search(id_or_title) if c.title.casefold() == wanted]
        if not matches:
            raise NotFoundError(
                f"no chat with id or title {id_or_title!r}",
                method="GET",
                path=f"{_BASE}/search",
                status_code=404,
            )
        return max(matches, key=lambda c: c.updated_at or 0)

    async def open(self, id_or_title: str, model: str | None = None) -> AsyncChat:
        """A saved chat, by id or title, loaded and ready to continue (``.send(...)``)."""
        found = await self.find(id_or_title)
        chat = self._client.chat(model, chat_id=found.id)
        await chat.load()
        return chat

    async def by_folder(self, folder_id: str) -> builtins.list[ChatRecord]:
        return [_record(r) for r in await self._get_list(f"{_BASE}/folder/{folder_id}")]

    async def folder_list(
        self, folder_id: str, page: int | None = None
    ) -> builtins.list[ChatSummary]:
        """The chats in a folder as summaries: one page (10) or every page with
        ``page=None`` (built from the full chats where the server has no such listing)."""
        path = f"{_BASE}/folder/{folder_id}/list"
        try:
            return await self._pages(path, page)
        except (NotFoundError, UnexpectedResponseError):
            pass
        rows = [ChatSummary.model_validate(r.model_dump()) for r in await self.by_folder(folder_id)]
        rows.sort(key=lambda r: r.updated_at or 0, reverse=True)
        return rows if page is None else rows[(page - 1) * 10 : page * 10]

    async def by_tag(
        self, name: str, *, skip: int = 0, limit: int = 50
    ) -> builtins.list[ChatSummary]:
        body = await self._post(f"{_BASE}/tags", {"name": name, "skip": skip, "limit": limit})
        return _summaries(body or [])

    async def all(self) -> AsyncIterator[ChatRecord]:
        """Every chat of this user, archived ones too, with its full message tree, most
        recently changed first (streamed where the server can)."""
        if chats_all_fails(await self._client.version()):
            async for record in self._all_one_by_one():
                yield record
            return
        async for row in self._http.records("GET", f"{_BASE}/all"):
            yield _record(row)

    async def _all_one_by_one(self) -> AsyncIterator[ChatRecord]:
        """What ``/all`` would give, from what 0.6.42-0.6.43 serve (their ``/all`` fails, see
        `quirks.chats_all_fails`): the archived chats whole, every other chat by its id from
        the paged listing (pinned and foldered ones too), merged newest change first."""
        archived = sorted(await self.all_archived(), key=_seconds, reverse=True)
        listed = await self._pages(f"{_BASE}/list", None, include_pinned=True, include_folders=True)
        listed.sort(key=_seconds, reverse=True)
        done = {r.id for r in archived}
        for row in listed:
            while archived and _seconds(archived[0]) >= _seconds(row):
                yield archived.pop(0)
            if row.id in done:  # archived meanwhile: already (or about to be) given whole
                continue
            try:
                record = await self.get(row.id)
            except (NotFoundError, AuthenticationError):  # deleted meanwhile (0.6 says 401)
                continue
            yield record
        for record in archived:
            yield record

    async def all_db(self) -> builtins.list[ChatRecord]:
        """Every chat of every user, with message trees (admins; the server's admin export)."""
        return [_record(r) for r in await self._get_list(f"{_BASE}/all/db")]

    async def all_archived(self) -> builtins.list[ChatRecord]:
        return [_record(r) for r in await self._get_list(f"{_BASE}/all/archived")]

    async def all_tags(self) -> builtins.list[Tag]:
        return [Tag.model_validate(r) for r in await self._get_list(f"{_BASE}/all/tags")]

    # -- one chat ---------------------------------------------------------------------------

    async def get(self, chat_id: str) -> ChatRecord:
        return _record(await self._get(f"{_BASE}/{chat_id}"))

    async def create(
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
        record = _record(await self._post(f"{_BASE}/new", body))
        if created is not None:
            created(record)
        if folder_id is not None and record.folder_id != folder_id:
            # Servers before folder_id on /new (0.6.x) ignore it; move the chat instead.
            record = await self.move_to_folder(record.id, folder_id)
        return record

    async def update(self, chat_id: str, chat: dict[str, Any]) -> ChatRecord:
        """Merge `chat` into the saved chat body (top-level keys replace the server's)."""
        return _record(await self._post(f"{_BASE}/{chat_id}", {"chat": chat}))

    async def rename(self, chat_id: str, title: str) -> ChatRecord:
        return await self.update(chat_id, {"title": title})

    async def delete(self, chat_id: str) -> bool:
        return bool(await self._delete(f"{_BASE}/{chat_id}"))

    async def delete_all(self) -> bool:
        """Delete every chat of this user. There is no undo."""
        return bool(await self._delete(f"{_BASE}/"))

    async def update_message(self, chat_id: str, message_id: str, content: str) -> ChatRecord:
        """Replace one message's content in place."""
        try:
            return _record(
                await self._post(f"{_BASE}/{chat_id}/messages/{message_id}", {"content": content})
            )
        except ServerError:
            # 0.7.2's endpoint fails (500) before it saves anything: it passes the database
            # layer an argument that it does not take. Edit the message in the chat instead.
            record = await self.get(chat_id)
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
            return await self.update(chat_id, body)

    async def clone(self, chat_id: str, *, title: str | None = None) -> ChatRecord:
        return _record(await self._post(f"{_BASE}/{chat_id}/clone", {"title": title}))

    async def compact(self, chat_id: str, *, model: str | None = None) -> dict[str, Any]:
        """Ask the server to summarise the older part of a long chat so that it fits the
        model's context (its reply says whether it ``compacted`` and what it dropped)."""
        path = f"{_BASE}/{chat_id}/compact"
        try:
            body = await self._post(path, {"model": model} if model else None)
        except (NotFoundError, UnexpectedResponseError):
            raise await self._newer("chat compaction", "chat_compact", "0.10.2") from None
        except APIStatusError as exc:
            if exc.status_code != 405:
                raise
            raise await self._newer("chat compaction", "chat_compact", "0.10.2") from None
        return body if isinstance(body, dict) else {"result": body}

    async def message_event(
        self, chat_id: str, message_id: str, type: str, data: dict[str, Any]
    ) -> bool:
        """Send an event to a message as a tool would (``status``, ``message``, ``replace``,
        ``citation``, ...): open web UIs show it, and the server saves what it persists."""
        path = f"{_BASE}/{chat_id}/messages/{message_id}/event"
        return bool(await self._post(path, {"type": type, "data": data}))

    async def _newer(self, what: str, feature: str, has_it: str) -> UnsupportedFeatureError:
        version = await self._client.version()
        return UnsupportedFeatureError(
            f"this server (Open WebUI {version}) has no {what}; it needs a newer "
            f"Open WebUI ({has_it} has it)",
            feature=feature,
            have=version,
        )

    async def import_chats(self, chats: builtins.list[dict[str, Any]]) -> builtins.list[ChatRecord]:
        """Import chats as they are (each ``{"chat": {...}, "meta"?, "pinned"?, "folder_id"?}``).

        Newer servers take a batch; older ones (0.6.x) one chat per request.
        """
        forms = [c if "chat" in c else {"chat": c} for c in chats]
        if not forms:
            return []
        try:
            body = await self._post(f"{_BASE}/import", {"chats": forms})
        except BadRequestError:
            body = None
        if isinstance(body, list):
            return [_record(r) for r in body]
        return [_record(await self._post(f"{_BASE}/import", form)) for form in forms]

    # -- flags: pin, archive, share, folder -------------------------------------------------

    async def is_pinned(self, chat_id: str) -> bool:
        return bool(await self._get(f"{_BASE}/{chat_id}/pinned"))

    async def pin(self, chat_id: str, pinned: bool = True) -> ChatRecord:
        """Pin (or unpin) a chat. The server's endpoint toggles; this sets the state asked for."""
        record = await self.get(chat_id)
        if bool(record.pinned) != pinned:
            record = _record(await self._post(f"{_BASE}/{chat_id}/pin"))
        return record

    async def unpin(self, chat_id: str) -> ChatRecord:
        return await self.pin(chat_id, False)

    async def archive(self, chat_id: str, archived: bool = True) -> ChatRecord:
        """Archive (or unarchive) a chat; like `pin`, sets the state rather than toggling."""
        record = await self.get(chat_id)
        if bool(record.archived) != archived:
            record = _record(await self._post(f"{_BASE}/{chat_id}/archive"))
        return record

    async def unarchive(self, chat_id: str) -> ChatRecord:
        return await self.archive(chat_id, False)

    async def archive_all(self) -> bool:
        return bool(await self._post(f"{_BASE}/archive/all"))

    async def unarchive_all(self) -> bool:
        """Unarchive every chat (one call where the server has it, else chat by chat)."""
        done = await self._if_supported("POST", f"{_BASE}/unarchive/all")
        if done is not None:
            return done
        for record in await self.all_archived():
            await self._post(f"{_BASE}/{record.id}/archive")
        return True

    async def archive_older_than(
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
            folder_id = await self._folder_id(folder)
            rows = [
                ChatSummary.model_validate(r.model_dump())
                for r in await self.by_folder(folder_id)
                if not r.archived
            ]
        else:
            rows = [row async for row in self.iter(include_folders=True)]
            # 0.6 leaves chats in folders out of the listing: ask each folder too.
            filed: dict[str, ChatSummary] = {}
            for f in await self._client.folders.list():
                for r in await self.by_folder(f.id):
                    if not r.archived:
                        filed[r.id] = ChatSummary.model_validate(r.model_dump())
            if outside_folders:
                rows = [r for r in rows if r.id not in filed]
            else:
                rows += filed.values()
        old = [r for r in dict((r.id, r) for r in rows).values() if _seconds(r) < cutoff]
        if not dry_run:
            for row in old:
                await self.archive(row.id)
        return old

    async def _folder_id(self, name_or_id: str) -> str:
        folders = await self._client.folders.list()
        for f in folders:
            if f.id == name_or_id:
                return f.id
        for f in folders:
            if f.name.casefold() == name_or_id.strip().casefold():
                return f.id
        raise NotFoundError(
            f"no folder {name_or_id!r}", method="GET", path="/api/v1/folders/", status_code=404
        )

    async def share(self, chat_id: str) -> ChatRecord:
        """Create a share link; the record's ``share_id`` names it (``/s/<share_id>``)."""
        record = _record(await self._post(f"{_BASE}/{chat_id}/share"))
        copy = record.id != chat_id or (record.user_id or "").startswith("shared-")
        if not record.share_id and copy:
            # Up to 0.8 the answer may be the shared copy (0.6: its id is the share id; 0.7:
            # a "shared-" owner): the chat itself is what callers expect, with share_id set.
            record = await self.get(chat_id)
        return record

    async def unshare(self, chat_id: str) -> bool:
        return bool(await self._delete(f"{_BASE}/{chat_id}/share"))

    async def get_shared(self, share_id: str) -> ChatRecord:
        return _record(await self._get(f"{_BASE}/share/{share_id}"))

    async def clone_shared(self, share_id: str) -> ChatRecord:
        """A chat of your own copied from a shared one (by its ``share_id``)."""
        return _record(await self._post(f"{_BASE}/{share_id}/clone/shared"))

    async def unshare_all(self) -> bool:
        """Delete every share link of this user (chat by chat where the server has no
        call for it)."""
        done = await self._if_supported("DELETE", f"{_BASE}/share/all")
        if done is not None:
            return done
        async for record in self.all():
            if record.share_id:
                await self.unshare(record.id)
        return True

    async def shared_access(self, chat_id: str) -> Access:
        """Who may open a shared chat's link (0.9+; before that, anyone signed in)."""
        try:
            grants = await self._get(f"{_BASE}/shared/{chat_id}/access")
        except (NotFoundError, UnexpectedResponseError):
            raise await self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        stored = {"access_grants": grants if isinstance(grants, list) else []}
        return Access.from_record(stored) or Access.private()

    async def set_shared_access(self, chat_id: str, access: Access | str) -> Access:
        """Set who may open a shared chat's link (``"public"``: anyone signed in; groups by
        name or id); returns the access now stored."""
        resolved = await resolve_access(self._client, access)
        path = f"{_BASE}/shared/{chat_id}/access/update"
        try:
            await self._post(path, {"access_grants": resolved.grants()})
        except (NotFoundError, UnexpectedResponseError):
            raise await self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        except APIStatusError as exc:
            if exc.status_code != 405:
                raise
            raise await self._newer(
                "access control on shared chats", "shared_access", "0.9.5"
            ) from None
        return await self.shared_access(chat_id)

    async def move_to_folder(self, chat_id: str, folder_id: str | None) -> ChatRecord:
        """Put a chat in a folder (``None`` takes it out of any folder)."""
        return _record(await self._post(f"{_BASE}/{chat_id}/folder", {"folder_id": folder_id}))

    async def _if_supported(self, method: str, path: str) -> bool | None:
        """Call a bulk endpoint some releases lack; ``None`` when this server has none."""
        try:
            return bool(await self._http.request(method, path))
        except (NotFoundError, UnexpectedResponseError):
            return None
        except APIStatusError as exc:
            if exc.status_code == 405:
                return None
            raise

    # -- tags -------------------------------------------------------------------------------

    async def tags(self, chat_id: str) -> builtins.list[Tag]:
        return [Tag.model_validate(r) for r in await self._get_list(f"{_BASE}/{chat_id}/tags")]

    async def add_tag(self, chat_id: str, name: str) -> builtins.list[Tag]:
        body = await self._post(f"{_BASE}/{chat_id}/tags", {"name": name})
        return [Tag.model_validate(r) for r in body or []]

    async def remove_tag(self, chat_id: str, name: str) -> builtins.list[Tag]:
        body = await self._http.request("DELETE", f"{_BASE}/{chat_id}/tags", json={"name": name})
        return [Tag.model_validate(r) for r in body or []]

    async def clear_tags(self, chat_id: str) -> bool:
        """Remove every tag from a chat (one call where the server has it, else tag by tag)."""
        done = await self._if_supported("DELETE", f"{_BASE}/{chat_id}/tags/all")
        if done is not None:
            return done
        for tag in await self.tags(chat_id):
            await self.remove_tag(chat_id, tag.name)
        return True
