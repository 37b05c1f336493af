"""A saved chat's title, tags, folder and models, changed in one call each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..chat_metadata import ChatMetadata, check_metadata_request, model_ids, tag_names
from ..errors import ConfigurationError
from ..history import thread
from ..turns import task_messages
from ..types import ChatRecord

if TYPE_CHECKING:
    from .client import AsyncOpenWebUI


async def update_chat_metadata(
    client: AsyncOpenWebUI,
    chat_id: str,
    *,
    regenerate_title: bool = False,
    regenerate_tags: bool = False,
    title: str | None = None,
    tags: list[str] | None = None,
    folder: str | None = None,
    model: str | None = None,
) -> ChatMetadata:
    """Regenerate (server's title/tags tasks, over the saved thread) or set a chat's metadata.

    Regenerated tags replace the chat's tags; `tags` sets exactly these. `folder` is a folder
    name or id (made if new). The tasks run with `model`, else the chat's first model.
    """
    check_metadata_request(
        regenerate_title=regenerate_title,
        regenerate_tags=regenerate_tags,
        title=title,
        tags=tags,
        folder=folder,
    )
    record = await client.chats.get(chat_id)
    suggested_title: str | None = None
    suggested_tags: list[str] | None = None
    if regenerate_title or regenerate_tags:
        messages = task_messages(thread(record.history))
        if not messages:
            raise ConfigurationError(f"chat {chat_id} has no messages to make a title or tags from")
        use = model or next(iter(record.chat.get("models") or []), None)
        if not use:
            raise ConfigurationError("the chat names no model: pass model= for the server's tasks")
        if regenerate_title:
            suggested_title = await client.tasks.title(use, messages, chat_id=chat_id)
            title = suggested_title
        if regenerate_tags:
            suggested_tags = tag_names(await client.tasks.tags(use, messages, chat_id=chat_id))
            tags = suggested_tags or None  # nothing suggested: keep the chat's tags
    if title:
        record = await client.chats.rename(chat_id, title.strip())
    if tags is not None:
        await _set_tags(client, chat_id, tag_names(tags))
    if folder:
        folder_id = (await client.folders.ensure(folder)).id
        record = await client.chats.move_to_folder(chat_id, folder_id)
    return ChatMetadata(
        chat_id=chat_id,
        title=record.title or "",
        tags=await _tag_list(client, chat_id),
        folder_id=record.folder_id,
        suggested_title=suggested_title,
        suggested_tags=suggested_tags,
    )


async def _set_tags(client: AsyncOpenWebUI, chat_id: str, names: list[str]) -> None:
    current = set(await _tag_list(client, chat_id))
    # Tag ids are normalised names (lowercase, spaces as underscores): compare on those.
    wanted = {_tag_id(n) for n in names}
    for name in current:
        if _tag_id(name) not in wanted:
            await client.chats.remove_tag(chat_id, name)
    have = {_tag_id(n) for n in current}
    for name in names:
        if _tag_id(name) not in have:
            await client.chats.add_tag(chat_id, name)


async def _tag_list(client: AsyncOpenWebUI, chat_id: str) -> list[str]:
    return [t.name for t in await client.chats.tags(chat_id)]


def _tag_id(name: str) -> str:
    return name.strip().replace(" ", "_").lower()


async def switch_chat_model(
    client: AsyncOpenWebUI, chat_id: str, models: str | list[str]
) -> ChatRecord:
    """Make `models` the chat's model(s): the web UI's model picker and the next turn use them.

    Each id is checked first (`NotFoundError` names the closest ids); the history is kept.
    """
    ids = model_ids(models)
    for model in ids:
        await client.models.get(model)
    update: dict[str, Any] = {"models": ids}
    return await client.chats.update(chat_id, update)
