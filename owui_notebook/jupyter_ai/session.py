"""One JupyterLab chat file's conversation with Open WebUI, independent of Jupyter AI.

The persona hands each message here; replies go out through a `Replies` (the chat file in
JupyterLab, a list in tests). The chat file keeps a `ChatState` in its metadata: which Open
WebUI chat it continues, its model, knowledge bases and tools.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .commands import Command, help_text, parse, split_names

if TYPE_CHECKING:
    from ..client import AsyncOpenWebUI, ChatResult
    from ..client._async.chat import AsyncChat
    from ..client._async.chat_stream import AsyncChatStream

__all__ = ["STATE_KEY", "ChatState", "Replies", "Session", "connect_from_environment"]

STATE_KEY = "open_webui"  # the chat file's metadata entry
CURSOR = " ▌"
NO_SERVER = (
    "⚠ No Open WebUI server: set `OWUI_URL` and `OWUI_API_KEY` in the environment JupyterLab "
    "starts from (then restart it), or start one with `owui-notebook sandbox`."
)


@dataclass
class ChatState:
    """What a chat file remembers: its Open WebUI chat, model, knowledge bases and tools."""

    chat_id: str | None = None
    model: str | None = None
    knowledge: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any] | None) -> ChatState:
        saved = (metadata or {}).get(STATE_KEY)
        saved = saved if isinstance(saved, dict) else {}

        def names(key: str) -> list[str]:
            value = saved.get(key)
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        return cls(
            chat_id=saved.get("chat_id") if isinstance(saved.get("chat_id"), str) else None,
            model=saved.get("model") if isinstance(saved.get("model"), str) else None,
            knowledge=names("knowledge"),
            tools=names("tools"),
        )

    def to_metadata(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "model": self.model,
            "knowledge": list(self.knowledge),
            "tools": list(self.tools),
        }


class Replies(Protocol):
    """Where the persona writes: a new message (its id back), or a message rewritten."""

    def new(self, body: str) -> str: ...

    def update(self, message_id: str, body: str) -> None: ...


def connect_from_environment() -> AsyncOpenWebUI | None:
    """A client by the toolkit's one connection resolver (environment, else a running
    sandbox), as seen by the process this runs in; None when nothing names a server."""
    from ..client import AsyncOpenWebUI
    from ..client._connection import resolve_connection

    found = resolve_connection()
    if found is None:
        return None
    return AsyncOpenWebUI(found.url, found.api_key)


class Session:
    """Answers one chat file's messages from Open WebUI, one Open WebUI chat per file.

    `save` is called with the state whenever it changes (the chat file's metadata);
    `interval` is the least time between two updates of a streaming answer, so that a fast
    model does not rewrite the chat file for every token.
    """

    def __init__(
        self,
        state: ChatState,
        replies: Replies,
        save: Callable[[ChatState], None],
        *,
        connect: Callable[[], AsyncOpenWebUI | None] = connect_from_environment,
        interval: float = 0.2,
    ) -> None:
        self.state = state
        self.replies = replies
        self._save = save
        self._connect = connect
        self.interval = interval
        self.client: AsyncOpenWebUI | None = None
        self._chat: AsyncChat | None = None
        self._stream: AsyncChatStream | None = None
        self._stop = False

    # -- entry points ----------------------------------------------------------------------

    async def handle(self, text: str, context: str = "") -> None:
        """Answer one message: a slash command, or a prompt (with `context` appended)."""
        command = parse(text)
        if command is not None:
            await self._command(command)
            return
        if not text.strip() and not context:
            self.replies.new("Ask me something, or `/help` for what I can do.")
            return
        prompt = text.strip() or "Here is some context."
        if context:
            prompt = f"{prompt}\n\n{context}"
        await self._ask(prompt)

    def stop(self) -> None:
        """Stop the answer in flight; what arrived is kept, saved and marked stopped."""
        self._stop = True
        if self._stream is not None:
            self._stream.abort()

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    async def models(self) -> list[str]:
        """The model ids this user may chat with ([] without a server)."""
        client = self._client()
        if client is None:
            return []
        return [m.id for m in await client.models.list()]

    async def set_model(self, model: str) -> str:
        """Switch this chat to `model` (checked against the server); the reply line."""
        from ..client import OpenWebUIError

        client = self._client()
        if client is None:
            return NO_SERVER
        try:
            found = await client.models.get(model)
        except OpenWebUIError as exc:
            return f"⚠ {exc.message}"
        self.state.model = found.id
        self._chat = None
        self._save(self.state)
        return f"Model for this chat: **{found.id}**."

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    # -- asking ----------------------------------------------------------------------------

    async def _ask(self, prompt: str) -> None:
        from ..client import OpenWebUIError
        from ..render.markdown import inert_markdown

        client = self._client()
        if client is None:
            self.replies.new(NO_SERVER)
            return
        try:
            model = await self._model(client)
            chat = await self._open_chat(client, model)
        except OpenWebUIError as exc:
            self.replies.new(f"⚠ {exc.message}")
            return
        if model is None:
            self.replies.new("⚠ This Open WebUI server offers no models: add a connection there.")
            return
        self._stop = False
        stream = chat.stream(
            prompt,
            knowledge=list(self.state.knowledge) or None,
            tool_ids=list(self.state.tools),
        )
        self._stream = stream
        text, message_id, error, last = "", None, None, 0.0
        try:
            async with stream:
                if self._stop:
                    stream.abort()
                async for delta in stream:
                    if not delta:
                        continue
                    text += delta
                    if message_id is None:
                        message_id = self.replies.new(inert_markdown(text) + CURSOR)
                        last = time.monotonic()
                    elif time.monotonic() - last >= self.interval:
                        self.replies.update(message_id, inert_markdown(text) + CURSOR)
                        last = time.monotonic()
        except OpenWebUIError as exc:
            error = exc.message
        finally:
            self._stream = None
        if chat.id and chat.id != self.state.chat_id:
            self.state.chat_id = chat.id
            self._save(self.state)
        result = stream.results[0] if stream.results else None
        # The chat renders Markdown with images and some HTML: the model's text may load nothing.
        body = inert_markdown(text or "") + footer(result, chat.url, error)
        if message_id is None:
            self.replies.new(body.strip())
        else:
            self.replies.update(message_id, body)

    def _client(self) -> AsyncOpenWebUI | None:
        if self.client is None:
            self.client = self._connect()
        return self.client

    async def _model(self, client: AsyncOpenWebUI) -> str | None:
        """The chat's model; on the first message, the server's default (else its first)."""
        if self.state.model:
            return self.state.model
        info = await client.server_info()
        ids = [m.id for m in await client.models.list()]
        model = info.default_model(ids)
        if model:
            self.state.model = model
            self._save(self.state)
        return model

    async def _open_chat(self, client: AsyncOpenWebUI, model: str | None) -> AsyncChat:
        """The engine's chat for this file: continued by id, else made on the first turn."""
        from ..client import NotFoundError

        chat = self._chat
        if chat is not None and chat.id == self.state.chat_id and chat.model == model:
            return chat
        chat = client.chat(model, chat_id=self.state.chat_id, auto_title=True)
        if self.state.chat_id:
            try:
                await chat.load()
            except NotFoundError:
                # Deleted in the web UI: say so and start afresh rather than fail every turn.
                self.replies.new(
                    f"The Open WebUI chat `{self.state.chat_id}` this file continued is gone "
                    "(deleted?); this message starts a new one."
                )
                self.state.chat_id = None
                self._save(self.state)
                chat = client.chat(model, auto_title=True)
            chat.model = model
        self._chat = chat
        return chat

    # -- commands ---------------------------------------------------------------------------

    async def _command(self, command: Command) -> None:
        from ..client import OpenWebUIError

        handlers = {
            "/model": self._cmd_model,
            "/models": self._cmd_model,
            "/kb": self._cmd_knowledge,
            "/knowledge": self._cmd_knowledge,
            "/tools": self._cmd_tools,
            "/new": self._cmd_new,
            "/status": self._cmd_status,
        }
        handler = handlers.get(command.name)
        if handler is None:
            note = "" if command.name == "/help" else f"Unknown command `{command.name}`. "
            self.replies.new(note + help_text())
            return
        if command.name != "/new" and self._client() is None:
            self.replies.new(NO_SERVER)
            return
        try:
            self.replies.new(await handler(command.arg))
        except OpenWebUIError as exc:
            self.replies.new(f"⚠ {exc.message}")

    async def _cmd_model(self, arg: str) -> str:
        if arg:
            return await self.set_model(arg)
        client = self._client()
        assert client is not None
        current = await self._model(client)
        ids = [m.id for m in await client.models.list()]
        listed = ", ".join(f"`{i}`" for i in ids) or "none"
        return f"Model for this chat: **{current}**. Available: {listed}. Switch: `/model NAME`."

    async def _cmd_knowledge(self, arg: str) -> str:
        client = self._client()
        assert client is not None
        names = split_names(arg)
        if names is None:
            listed = ", ".join(f"`{kb.name}`" for kb in await client.knowledge.list()) or "none"
            current = ", ".join(f"`{n}`" for n in self.state.knowledge) or "none"
            return f"Knowledge bases for this chat: {current}. Available: {listed}."
        # Checked now, so that a typo is answered here and not at the next question.
        found = [(await client.knowledge.get(name)).name for name in names]
        self.state.knowledge = found
        self._save(self.state)
        shown = ", ".join(f"`{n}`" for n in found) or "none"
        return f"Knowledge bases for this chat: {shown}."

    async def _cmd_tools(self, arg: str) -> str:
        client = self._client()
        assert client is not None
        ids = split_names(arg)
        if ids is None:
            listed = ", ".join(f"`{t.id}`" for t in await client.tools.list()) or "none"
            current = ", ".join(f"`{t}`" for t in self.state.tools) or "none"
            return f"Tools for this chat: {current}. Available: {listed}."
        self.state.tools = await client.tools.check_ids(ids)
        self._save(self.state)
        return f"Tools for this chat: {', '.join(f'`{t}`' for t in self.state.tools) or 'none'}."

    async def _cmd_new(self, arg: str) -> str:
        self.state.chat_id = None
        self._chat = None
        self._save(self.state)
        return "The next message starts a new Open WebUI chat."

    async def _cmd_status(self, arg: str) -> str:
        client = self._client()
        assert client is not None
        model = await self._model(client)
        lines = [
            f"- server: {client.base_url}",
            f"- model: `{model}`",
            f"- knowledge: {', '.join(self.state.knowledge) or 'none'}",
            f"- tools: {', '.join(self.state.tools) or 'none'}",
        ]
        if self.state.chat_id:
            lines.append(f"- chat: [open in Open WebUI]({client.chat_url(self.state.chat_id)})")
        else:
            lines.append("- chat: none yet (made by the next message)")
        return "\n".join(lines)


def footer(result: ChatResult | None, url: str | None, error: str | None) -> str:
    """Markdown under an answer: tool calls, sources, figures, state and the chat's link."""
    from ..render.metrics import summary_line
    from ..render.views import source_names, tool_calls_text

    lines = []
    if result is not None:
        lines += [f"🔧 {_code(line)}" for line in tool_calls_text(result.sources)]
        names = source_names([s for s in result.sources if not s.is_tool])
        if names:
            lines.append("📎 sources: " + ", ".join(_code(n) for n in names))
    figures = []
    if result is not None:
        figures.append(_code(result.model))
        summary = summary_line(result)
        if summary:
            figures.append(summary)
        if result.stopped:
            figures.append(
                "⏹ stopped, partial answer saved" if result.chat_id else "⏹ stopped, not saved"
            )
    if error:
        figures.append(f"⚠ {error}")
    if url:
        figures.append(f"[open in Open WebUI]({url})")
    if figures:
        lines.append(" · ".join(figures))
    if not lines:
        return ""
    return "\n\n---\n" + "\n\n".join(f"<sub>{line}</sub>" for line in lines)


def _code(text: str) -> str:
    """`text` as inline code (a model or a tool wrote it: no Markdown of its own)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"
