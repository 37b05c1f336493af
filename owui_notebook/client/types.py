"""Typed views of what the server returns.

Every model accepts unknown fields (Open WebUI adds fields most releases) and keeps them,
so ``model_dump()`` gives back everything the server sent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typing_extensions import Self

from .errors import UnexpectedResponseError
from .usage import normalize_usage


class ServerModel(BaseModel):
    """Base for server objects: tolerant of extra fields, which are kept."""

    # defer_build: each class builds its validator on first use, not at import (about a
    # tenth of `import owui_notebook.client`; bench/peers measures it).
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), defer_build=True
    )

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """As pydantic's; a server reply of the wrong shape is an `UnexpectedResponseError`."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the reply"
            raise UnexpectedResponseError(
                f"the server sent a malformed {cls.__name__}: {where}: {first['msg']} "
                f"(got {type(obj).__name__}); is the URL an Open WebUI server of a known version?"
            ) from None


class ServerInfo(ServerModel):
    """``GET /api/version`` plus the parts of ``GET /api/config`` the client uses."""

    version: str
    name: str | None = None
    features: dict[str, Any] = Field(default_factory=dict)
    default_models: str | None = None

    def default_model(self, ids: list[str]) -> str | None:
        """The server's default model if it lists one of `ids`, else the first of `ids`
        (what the magics and the persona start a chat with)."""
        for model in (m.strip() for m in (self.default_models or "").split(",")):
            if model in ids:
                return model
        return ids[0] if ids else None


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
        """The name the web UI shows (the id when the model has none)."""
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
        """The message tree: ``{"messages": {id: message}, "currentId": leaf}``."""
        return self.chat.get("history") or {"messages": {}, "currentId": None}

    @property
    def messages(self) -> dict[str, dict[str, Any]]:
        """Every message of the tree by id, every branch included."""
        return self.history.get("messages") or {}

    @property
    def current_id(self) -> str | None:
        """The leaf of the thread the web UI shows."""
        return self.history.get("currentId")

    @property
    def tags(self) -> list[str]:
        """The chat's tag ids."""
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
        """A provider's usage dict, whatever it calls its keys, or None without one."""
        if not raw:
            return None
        return cls(**normalize_usage(raw), raw=dict(raw))


class Timings(ServerModel):
    """What the client measured for one answer, in seconds."""

    ttft: float | None = None  # request sent -> first content token
    total: float | None = None  # request sent -> last byte
    started_at: float | None = None  # wall clock (epoch seconds) when the request was sent


class SourceDocument(ServerModel):
    """One retrieved passage: its text, the file it came from and how relevant it scored."""

    text: str
    name: str | None = None  # the file's name
    file_id: str | None = None
    score: float | None = None  # 0..1, higher is closer (the server calls it distance)
    metadata: dict[str, Any] = Field(default_factory=dict, repr=False)


class Source(ServerModel):
    """What the server retrieved from one attached item (a file or a knowledge base) for an
    answer: its citations. Kept in the server's shape (``source``, ``document``, ``metadata``,
    ``distances``) so that it is saved in the chat exactly as the web UI saves it."""

    source: dict[str, Any] = Field(default_factory=dict)
    document: list[str] = Field(default_factory=list, repr=False)
    metadata: list[dict[str, Any]] = Field(default_factory=list, repr=False)
    distances: list[float] | None = Field(default=None, repr=False)

    @property
    def name(self) -> str:
        """The attached item's name: the knowledge base, file, tool or page it came from."""
        return str(self.source.get("name") or self.source.get("id") or "")

    @property
    def is_tool(self) -> bool:
        """A server tool's result rather than retrieved text (0.9+ flag it ``tool_result``;
        earlier releases name it ``TOOL:<tool id>/<function>``)."""
        return bool(getattr(self, "tool_result", False)) or self.name.startswith("TOOL:")

    @property
    def kind(self) -> str | None:
        """``"collection"`` (a knowledge base), ``"file"``, ... as the server types the item."""
        kind = self.source.get("type")
        return str(kind) if kind else None

    @property
    def documents(self) -> list[SourceDocument]:
        """The retrieved passages, in the server's order (the closest first)."""
        docs = []
        for i, text in enumerate(self.document):
            meta = self.metadata[i] if i < len(self.metadata) else {}
            meta = meta if isinstance(meta, dict) else {}
            score = self.distances[i] if self.distances and i < len(self.distances) else None
            name = meta.get("name") or meta.get("source")
            docs.append(
                SourceDocument(
                    text=str(text or ""),
                    name=str(name) if name else None,
                    file_id=meta.get("file_id"),
                    score=score if isinstance(score, (int, float)) else None,
                    metadata=meta,
                )
            )
        return docs

    @property
    def file_names(self) -> list[str]:
        """The names of the files its passages came from, once each, the closest first."""
        names = [d.name for d in sorted(self.documents, key=_by_score) if d.name]
        return list(dict.fromkeys(names)) or ([self.name] if self.name else [])

    def to_server(self) -> dict[str, Any]:
        """The source as the server sent it (what the web UI stores on the answer)."""
        return self.model_dump(mode="json", exclude_unset=True)


def tool_calls_of(sources: list[Source]) -> list[dict[str, Any]]:
    """The tool calls among an answer's sources: ``{"name", "parameters", "result"}`` each."""
    calls = []
    for source in sources:
        if not source.is_tool:
            continue
        meta = source.metadata[0] if source.metadata else {}
        calls.append(
            {
                "name": source.name.removeprefix("TOOL:"),
                "parameters": dict((meta or {}).get("parameters") or {}),
                "result": "\n".join(source.document),
            }
        )
    return calls


def _by_score(doc: SourceDocument) -> float:
    return -(doc.score if doc.score is not None else float("-inf"))


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
    sources: list[Source] = Field(default_factory=list)  # citations: what retrieval found
    follow_ups: list[str] = Field(default_factory=list)  # suggested next questions, if asked

    @property
    def text(self) -> str:
        """The answer's text (the same as `content`)."""
        return self.content

    @property
    def ok(self) -> bool:
        """Whether the answer came whole: no error, not stopped."""
        return self.error is None and not self.stopped

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        """The server tools that ran for this answer: ``{"name", "parameters", "result"}``
        each (``name`` is ``"<tool id>/<function>"``), from the answer's tool sources.

        Open WebUI before 0.9 reports a tool's use only if the tool sets
        ``self.citation = True`` (its source is then named ``TOOL:<tool id>/<function>``).
        """
        return tool_calls_of(self.sources)

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


class Tool(ServerModel):
    """A workspace tool: Python code on the server whose functions a model may call."""

    id: str
    name: str = ""
    user_id: str | None = None
    meta: dict[str, Any] | None = None
    content: str | None = Field(default=None, repr=False)
    specs: list[dict[str, Any]] = Field(default_factory=list, repr=False)
    updated_at: int | None = None
    created_at: int | None = None

    @property
    def description(self) -> str:
        """What the tool's author says it does ("" without a description)."""
        return str((self.meta or {}).get("description") or "")

    @property
    def functions(self) -> list[str]:
        """Names of the functions the model may call (known once fetched with `get`)."""
        return [str(s["name"]) for s in self.specs if isinstance(s, dict) and s.get("name")]


class ToolServerConnection(ServerModel):
    """An external OpenAPI tool server an admin configured (its key is never kept here).

    `tool_id` is what a chat's ``tool_ids=[...]`` (or ``%%owui chat --tool``) takes;
    `available` says whether the server could load the tool server's spec; `functions`
    (known from ``client.tool_servers.get``) are the operations the model may call.
    """

    url: str
    path: str = "openapi.json"
    type: str | None = "openapi"
    auth_type: str | None = None
    config: dict[str, Any] | None = None
    info: dict[str, Any] | None = None
    index: int = 0
    has_key: bool = False
    tool_id: str = ""
    available: bool = False
    functions: list[str] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return str((self.info or {}).get("id") or self.index)

    @property
    def name(self) -> str:
        return str((self.info or {}).get("name") or self.id)

    @property
    def description(self) -> str:
        return str((self.info or {}).get("description") or "")

    @property
    def enabled(self) -> bool:
        return bool((self.config or {}).get("enable"))


class Prompt(ServerModel):
    """A saved prompt (``/command`` in the web UI), the same on every release.

    `command` has no leading slash; `name` is the title (``title`` up to 0.8). `id` is
    ``None`` on servers that key prompts by command (up to 0.8).
    """

    command: str
    content: str = ""
    name: str | None = None
    id: str | None = None
    user_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    is_active: bool | None = None
    write_access: bool | None = None
    created_at: int | None = None
    updated_at: int | None = None

    @classmethod
    def from_server(cls, row: dict[str, Any]) -> Prompt:
        """A prompt from the server's row, whichever release's field names it uses."""
        data = dict(row)
        data["command"] = str(data.get("command") or "").lstrip("/")
        data["name"] = data.get("name") or data.get("title") or data["command"]
        data["updated_at"] = data.get("updated_at") or data.get("timestamp")
        data["tags"] = [t for t in data.get("tags") or [] if isinstance(t, str)]
        return cls.model_validate(data)


class Note(ServerModel):
    """A note (``/notes/<id>`` in the web UI); its Markdown is `markdown`."""

    id: str
    title: str = ""
    user_id: str | None = None
    data: dict[str, Any] | None = Field(default=None, repr=False)
    meta: dict[str, Any] | None = Field(default=None, repr=False)
    is_pinned: bool | None = None
    created_at: int | None = None
    updated_at: int | None = None

    @property
    def markdown(self) -> str:
        """The note's Markdown text."""
        content = (self.data or {}).get("content")
        if isinstance(content, dict):
            return str(content.get("md") or "")
        return str(content or "")


class User(ServerModel):
    """A user account as admins see it (``/api/v1/users``)."""

    id: str
    name: str | None = None
    email: str | None = None
    role: str | None = None
    profile_image_url: str | None = Field(default=None, repr=False)
    group_ids: list[str] | None = None
    last_active_at: int | None = None
    created_at: int | None = None
    updated_at: int | None = None


class Group(ServerModel):
    """A user group (``/api/v1/groups``); `user_ids` is filled where the server lists members."""

    id: str
    name: str
    description: str = ""
    user_id: str | None = None
    permissions: dict[str, Any] | None = Field(default=None, repr=False)
    data: dict[str, Any] | None = Field(default=None, repr=False)
    user_ids: list[str] | None = None
    member_count: int | None = None
    created_at: int | None = None
    updated_at: int | None = None


class KnowledgeBase(ServerModel):
    """A knowledge base (``/api/v1/knowledge``): files whose chunks are searched for a chat.

    `files` is filled where the server sends them (0.6 always; 0.9+ after adding or
    removing a file); ``client.knowledge.files(kb)`` lists them on every release.
    """

    id: str
    name: str = ""
    description: str = ""
    user_id: str | None = None
    meta: dict[str, Any] | None = Field(default=None, repr=False)
    files: list[dict[str, Any]] | None = Field(default=None, repr=False)
    file_count: int | None = None  # 0.12's listing
    data: dict[str, Any] | None = Field(default=None, repr=False)  # 0.6: {"file_ids": [...]}
    access_control: dict[str, Any] | None = Field(default=None, repr=False)  # up to 0.6
    access_grants: list[dict[str, Any]] | None = Field(default=None, repr=False)  # 0.9+
    write_access: bool | None = None
    created_at: int | None = None
    updated_at: int | None = None

    @property
    def legacy(self) -> bool:
        """Whether the server keeps access in the record's ``access_control`` (up to 0.7; an
        update then overwrites it with the form) rather than in a table of its own (0.8+)."""
        return "access_grants" not in self.model_fields_set and (
            "data" in self.model_fields_set or "access_control" in self.model_fields_set
        )

    @property
    def files_inline(self) -> bool:
        """Whether the server keeps the file ids in ``data`` and sends the files with the
        record (up to 0.6) rather than paging them from a table of their own (0.7+)."""
        return "data" in self.model_fields_set and "access_grants" not in self.model_fields_set
