"""The chats router: ``/api/v1/chats``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from ...errors import (
    APIStatusError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
)
from ...types import ChatRecord, ChatSummary, Tag
from .._resource import AsyncResource

_BASE = "/api/v1/chats"


def _summaries(rows: list[Any]) -> list[ChatSummary]:
    return [ChatSummary.model_validate(r) for r in rows if isinstance(r, dict)]


def _record(body: Any) -> ChatRecord:
    return ChatRecord.model_validate(body)


def _seconds(row: ChatSummary) -> float:
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
    ) -> list[ChatSummary]:
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

    async def search(self, text: str, page: int | None = None) -> list[ChatSummary]:
        """Chats whose title or messages match `text` (server-side search)."""
        return _summaries(await self._get_list(f"{_BASE}/search", text=text, page=page))

    async def pinned(self) -> list[ChatSummary]:
        return _summaries(await self._get_list(f"{_BASE}/pinned"))

    async def archived(self, page: int | None = None) -> list[ChatSummary]:
        return _summaries(await self._get_list(f"{_BASE}/archived", page=page))

    async def by_folder(self, folder_id: str) -> list[ChatRecord]:
        return [_record(r) for r in await self._get_list(f"{_BASE}/folder/{folder_id}")]

    async def by_tag(self, name: str, *, skip: int = 0, limit: int = 50) -> list[ChatSummary]:
        body = await self._post(f"{_BASE}/tags", {"name": name, "skip": skip, "limit": limit})
        return _summaries(body or [])

    async def all(self) -> AsyncIterator[ChatRecord]:
        """Every chat of this user with its full message tree (streamed where the server can)."""
        async for row in self._http.records("GET", f"{_BASE}/all"):
            yield _record(row)

    async def all_db(self) -> list[ChatRecord]:
        """Every chat of every user, with message trees (admins; the server's admin export)."""
        return [_record(r) for r in await self._get_list(f"{_BASE}/all/db")]

    async def all_archived(self) -> list[ChatRecord]:
        return [_record(r) for r in await self._get_list(f"{_BASE}/all/archived")]

    async def all_tags(self) -> list[Tag]:
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

    async def import_chats(self, chats: list[dict[str, Any]]) -> list[ChatRecord]:
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
    ) -> list[ChatSummary]:
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
        if record.share_id is None and (record.user_id or "").startswith("shared-"):
            # Some releases (0.7) answer with the shared copy, not the chat that was shared.
            return await self.get(chat_id)
        return record

    async def unshare(self, chat_id: str) -> bool:
        return bool(await self._delete(f"{_BASE}/{chat_id}/share"))

    async def get_shared(self, share_id: str) -> ChatRecord:
        return _record(await self._get(f"{_BASE}/share/{share_id}"))

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

    async def tags(self, chat_id: str) -> list[Tag]:
        return [Tag.model_validate(r) for r in await self._get_list(f"{_BASE}/{chat_id}/tags")]

    async def add_tag(self, chat_id: str, name: str) -> list[Tag]:
        body = await self._post(f"{_BASE}/{chat_id}/tags", {"name": name})
        return [Tag.model_validate(r) for r in body or []]

    async def remove_tag(self, chat_id: str, name: str) -> list[Tag]:
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
