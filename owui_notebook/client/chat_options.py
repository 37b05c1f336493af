"""How a chat is set up: the options of ``client.chat(...)``, stated once (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class ChatOptions:
    """Everything ``client.chat(model, chat_id=..., **options)`` takes besides model and id.

    - `title`: the chat's title (else the server's title task names it with `auto_title`,
      else the first prompt's first words).
    - `system`: the system prompt of every turn.
    - `folder_id`, `tags`: where a new chat is filed.
    - `auto_title`, `auto_tags`: title and tag a new chat with the server's tasks.
    - `tool_ids`: the server's tools (see ``client.tools``) the model may use every turn.
    - `follow_ups`: ask the server for suggested next questions after each answer.
    - `params`: request fields sent with every turn (``temperature=``, ``max_tokens=``...):
      any other keyword given to ``client.chat`` lands here.
    """

    title: str | None = None
    system: str | None = None
    folder_id: str | None = None
    tags: list[str] = field(default_factory=list)
    auto_title: bool = False
    auto_tags: bool = False
    tool_ids: list[str] = field(default_factory=list)
    follow_ups: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, **options: Any) -> ChatOptions:
        """The options named by keyword; unknown keywords are request `params`."""
        names = {f.name for f in fields(cls)} - {"params"}
        given = {k: v for k, v in options.items() if k in names}
        params = {k: v for k, v in options.items() if k not in names}
        for key in ("tags", "tool_ids"):  # None means: none
            given[key] = list(given.get(key) or [])
        return cls(**given, params=params)
