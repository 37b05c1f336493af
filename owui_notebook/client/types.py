"""Typed views of what the server returns.

Every model accepts unknown fields (Open WebUI adds fields most releases) and keeps them,
so ``model_dump()`` gives back everything the server sent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .usage import normalize_usage


class ServerModel(BaseModel):
    """Base for server objects: tolerant of extra fields, which are kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


class ServerInfo(ServerModel):
    """``GET /api/version`` plus the parts of ``GET /api/config`` the client uses."""

    version: str
    name: str | None = None
    features: dict[str, Any] = Field(default_factory=dict)
    default_models: str | None = None


class SessionUser(ServerModel):
    """The signed-in user (``GET /api/v1/auths/``)."""

    id: str
    name: str | None = None
    email: str | None = None
    role: str | None = None
    token: str | None = Field(default=None, repr=False)
    permissions: dict[str, Any] | None = Field(default=None, repr=False)


class Model(ServerModel):
    """A model the server offers (``GET /api/models``)."""

    id: str
    name: str | None = None
    owned_by: str | None = None
    object: str | None = None
    created: int | None = None
    info: dict[str, Any] | None = Field(default=None, repr=False)
    arena: bool | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class ChatSummary(ServerModel):
    """A row of a chat listing: id and title, no messages."""

    id: str
    title: str = ""
    updated_at: int | None = None
    created_at: int | None = None


class ChatRecord(ServerModel):
    """A whole saved chat, with its message tree in ``chat["history"]``."""

    id: str
    user_id: str | None = None
    title: str = ""
    chat: dict[str, Any] = Field(default_factory=dict, repr=False)
    updated_at: int | None = None
    created_at: int | None = None
    share_id: str | None = None
    archived: bool | None = False
    pinned: bool | None = False
    meta: dict[str, Any] | None = None
    folder_id: str | None = None

    @property
    def history(self) -> dict[str, Any]:
        return self.chat.get("history") or {"messages": {}, "currentId": None}

    @property
    def messages(self) -> dict[str, dict[str, Any]]:
        return self.history.get("messages") or {}

    @property
    def current_id(self) -> str | None:
        return self.history.get("currentId")

    @property
    def tags(self) -> list[str]:
        return list((self.meta or {}).get("tags") or [])


class Folder(ServerModel):
    id: str
    name: str
    parent_id: str | None = None
    user_id: str | None = None
    created_at: int | None = None
    updated_at: int | None = None


class Tag(ServerModel):
    id: str
    name: str
    user_id: str | None = None


class FileRecord(ServerModel):
    id: str
    filename: str | None = None
    user_id: str | None = None
    meta: dict[str, Any] | None = Field(default=None, repr=False)
    data: dict[str, Any] | None = Field(default=None, repr=False)
    created_at: int | None = None


class Feedback(ServerModel):
    id: str
    user_id: str | None = None
    type: str | None = None
    data: dict[str, Any] | None = None
    meta: dict[str, Any] | None = None
    created_at: int | None = None
    updated_at: int | None = None


class ChatUsageStats(ServerModel):
    """One chat's aggregates from ``/api/v1/chats/stats/usage`` (server-side, experimental)."""

    id: str
    models: dict[str, int] = Field(default_factory=dict)
    message_count: int | None = None
    history_models: dict[str, int] = Field(default_factory=dict)
    history_message_count: int | None = None
    history_user_message_count: int | None = None
    history_assistant_message_count: int | None = None
    average_response_time: float | None = None
    average_user_message_content_length: float | None = None
    average_assistant_message_content_length: float | None = None
    tags: list[str] = Field(default_factory=list)
    last_message_at: int | None = None
    updated_at: int | None = None
    created_at: int | None = None


class Page(ServerModel):
    """A page of items with the server's total count."""

    items: list[Any] = Field(default_factory=list)
    total: int | None = None
    page: int | None = None


class Usage(ServerModel):
    """Token usage as the provider reported it, with normalised totals."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: dict[str, Any] | None) -> Usage | None:
        if not raw:
            return None
        return cls(**normalize_usage(raw), raw=dict(raw))


class Timings(ServerModel):
    """What the client measured for one answer, in seconds."""

    ttft: float | None = None  # request sent -> first content token
    total: float | None = None  # request sent -> last byte
    started_at: float | None = None  # wall clock (epoch seconds) when the request was sent


class ChatResult(ServerModel):
    """One model's answer to one prompt, as saved in the chat."""

    chat_id: str | None = None
    message_id: str
    parent_id: str
    model: str
    model_index: int = 0
    content: str = ""
    usage: Usage | None = None
    timings: Timings = Field(default_factory=Timings)
    finish_reason: str | None = None
    stopped: bool = False
    error: str | None = None

    @property
    def text(self) -> str:
        return self.content

    @property
    def ok(self) -> bool:
        return self.error is None and not self.stopped

    @property
    def tokens_per_second(self) -> float | None:
        """Completion tokens over generation time (first token to last)."""
        tokens = self.usage.completion_tokens if self.usage else None
        t = self.timings
        if not tokens or t.total is None or t.ttft is None or t.total <= t.ttft:
            return None
        return tokens / (t.total - t.ttft)

    def __str__(self) -> str:
        return self.content


class StreamDelta(ServerModel):
    """A piece of text from one model during a multi-model stream."""

    model: str
    index: int
    text: str
