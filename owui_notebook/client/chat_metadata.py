"""What `update_chat_metadata` hands back, and the checks on its arguments (pure; no I/O)."""

from __future__ import annotations

from typing import Any

from .errors import ConfigurationError
from .types import ServerModel


class ChatMetadata(ServerModel):
    """A chat's title, tags and folder after `update_chat_metadata`.

    ``suggested_title``/``suggested_tags`` are what the server's title and tags tasks gave
    when asked to regenerate (``None``: not asked, or the task gave nothing, so the old
    value was kept).
    """

    chat_id: str
    title: str
    tags: list[str]
    folder_id: str | None = None
    suggested_title: str | None = None
    suggested_tags: list[str] | None = None


def check_metadata_request(
    *,
    regenerate_title: bool,
    regenerate_tags: bool,
    title: str | None,
    tags: list[str] | None,
    folder: str | None,
) -> None:
    """One line for a call that asks for nothing, or for two contradicting things."""
    if not (regenerate_title or regenerate_tags) and title is None and tags is None and not folder:
        raise ConfigurationError(
            "nothing to update: pass regenerate_title=True, regenerate_tags=True, title=, "
            "tags= or folder="
        )
    if regenerate_title and title is not None:
        raise ConfigurationError("pass either title= or regenerate_title=True, not both")
    if regenerate_tags and tags is not None:
        raise ConfigurationError("pass either tags= or regenerate_tags=True, not both")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ConfigurationError("title= must be non-empty text")
    if tags is not None:
        tag_names(tags)


def tag_names(tags: Any) -> list[str]:
    """`tags` as a list of distinct names (one name may be given as a string)."""
    names = [tags] if isinstance(tags, str) else list(tags)
    if not all(isinstance(t, str) and t.strip() for t in names):
        raise ConfigurationError("tags= must be tag names, e.g. tags=['research']")
    return list(dict.fromkeys(t.strip() for t in names))


def model_ids(models: Any) -> list[str]:
    """`models` (one id or a list) as a list of distinct ids; at least one."""
    ids = [models] if isinstance(models, str) else list(models or [])
    if not ids or not all(isinstance(m, str) and m.strip() for m in ids):
        raise ConfigurationError("switch_chat_model needs model ids, e.g. 'llama3' or ['a', 'b']")
    return list(dict.fromkeys(m.strip() for m in ids))
