"""ChatPanel: a chat box in the notebook, saved on the server as an Open WebUI chat.

    from owui_notebook import chat_panel
    panel = chat_panel("llama3.1")            # or chat_panel(chat_id="...") to continue one

Type and press Enter (or Send); the answer streams in as Markdown. Switch models between
turns with the dropdown; Stop keeps the partial answer; New chat starts over; the link
opens the conversation in Open WebUI's web UI. Under the last answer, the server's
suggested follow-up questions are buttons: one click asks one.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..client.errors import ConfigurationError, NotFoundError
from ..client.types import Source
from ..render import METRIC_COLUMNS, answer_html, link_html, metrics_frame, safe_html
from ._base import MUTED, Panel, read_stream
from ._client import model_options
from ._stream_view import AnswerView
from ._tasks import error_text, on_panel_loop

if TYPE_CHECKING:
    import pandas as pd

    from ..client import (
        AsyncChat,
        AsyncChatStream,
        AsyncOpenWebUI,
        ChatResult,
        Model,
        OpenWebUI,
    )

#: Columns of `ChatPanel.results`, in order.
CHAT_RESULT_COLUMNS = (
    "turn",
    "prompt",
    "model",
    "answer",
    *[c for c in METRIC_COLUMNS if c != "model"],
)
_USER = "background:#f3f6fa;border-radius:6px;padding:2px 10px;margin:6px 0 2px 0"


def chat_id_of(text: str) -> str:
    """A chat id from an id or a pasted web UI link (``https://host/c/<id>``)."""
    text = text.strip()
    if "/c/" in text:
        text = text.rsplit("/c/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/ ")


class ChatPanel(Panel):
    """A conversation with the server's models, streamed live and saved as a chat.

    `model` preselects the model; `chat_id` continues a saved chat (its thread is shown);
    `system` and other keyword arguments (``temperature=...``, ``knowledge=["Handbook"]``
    to ground every answer in knowledge bases, ``files=[path, ...]``) go with every
    request; an answer's sources (citations) are listed under it. `tool_ids=[...]` lets the
    models use the server's tools. `follow_ups` (on by default) asks the server for
    suggested next questions after each answer and shows them as buttons; a new chat is
    titled and tagged by the server's tasks (``auto_title=False``/``auto_tags=False`` to
    turn that off).
    `client` is an `AsyncOpenWebUI` or `OpenWebUI` (default: ``$OWUI_URL``/``$OWUI_API_KEY``).
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        chat_id: str | None = None,
        client: AsyncOpenWebUI | OpenWebUI | None = None,
        system: str | None = None,
        follow_ups: bool = True,
        **params: Any,
    ) -> None:
        super().__init__(client)
        self._system = system
        params.setdefault("auto_title", True)
        params.setdefault("auto_tags", True)
        self._params = {**params, "follow_ups": follow_ups}
        self.chat: AsyncChat | None = None
        self._turns: list[tuple[str, ChatResult]] = []
        self._stream: AsyncChatStream | None = None
        self._stopping = False
        self._models: list[Model] = []

        self.model_select = widgets.Dropdown(
            options=model_options([], [model] if model else []),
            value=model,
            description="Model",
            layout=widgets.Layout(width="300px"),
        )
        self.new_button = widgets.Button(description="New chat", icon="plus")
        self.chat_id_box = widgets.Text(
            value=chat_id or "",
            placeholder="chat id or link, to continue a saved chat",
            layout=widgets.Layout(width="300px"),
        )
        self.open_button = widgets.Button(description="Open", icon="folder-open")
        self.link = widgets.HTML()
        self.transcript = widgets.VBox(
            layout=widgets.Layout(width="100%", max_height="600px", overflow="auto")
        )
        self.prompt_box = widgets.Text(
            placeholder="Message (Enter to send)", layout=widgets.Layout(flex="1 1 auto")
        )
        self.send_button = widgets.Button(description="Send", icon="paper-plane")
        self.send_button.button_style = "primary"
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        # The last answer's suggested follow-ups, one button each (empty when there are none).
        self.follow_up_bar = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))

        # Enter in a Text widget arrives as a custom "submit" message (ipywidgets 8).
        self.prompt_box.on_msg(self._on_prompt_message)
        self.send_button.on_click(lambda _b: self.send())
        self.stop_button.on_click(lambda _b: self.stop())
        self.new_button.on_click(lambda _b: self.new_chat())
        self.open_button.on_click(lambda _b: self.open(self.chat_id_box.value))
        top = widgets.HBox(
            [self.model_select, self.new_button, self.chat_id_box, self.open_button, self.link]
        )
        bottom = widgets.HBox(
            [self.prompt_box, self.send_button, self.stop_button],
            layout=widgets.Layout(width="100%"),
        )
        self.widget = self._frame(
            top, self.transcript, self.follow_up_bar, bottom, self.status, name="owui-chat-panel"
        )
        self._tasks.start(self._load_models(), name="owui-chat-models")
        if chat_id:
            self.open(chat_id)

    def __repr__(self) -> str:
        chat = self.chat.id if self.chat is not None else None
        return (
            f"<ChatPanel model={self.model_select.value!r} chat={chat!r} turns={len(self._turns)}>"
        )

    # -- state --------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.send_button.disabled = running
        self.stop_button.disabled = not running
        self.new_button.disabled = running
        self.open_button.disabled = running

    def _show_link(self) -> None:
        url = self.chat.url if self.chat is not None else None
        if url:
            self.link.value = link_html(url, "open in Open WebUI")
        else:
            self.link.value = ""

    async def _load_models(self) -> None:
        try:
            self._models = await self._client.models.list()
        except Exception as exc:
            self._show_error(f"could not list the server's models: {error_text(exc)}")
            return
        chosen = self.model_select.value or (self.chat.model if self.chat else None)
        if not chosen and self._models:
            chosen = self._models[0].id
        self._choose(chosen)

    def _choose(self, model: str | None) -> None:
        """Show `model` in the dropdown (listed even if the server's list lacks it)."""
        # New options reset the selection (ipywidgets 8), so the value is set after them.
        self.model_select.options = model_options(self._models, [model] if model else [])
        self.model_select.value = model

    # -- the conversation ---------------------------------------------------------------

    @on_panel_loop
    def _on_prompt_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("event") == "submit":
            self.send()

    @on_panel_loop
    def send(self, text: str | None = None) -> None:
        """Send the prompt box's text (or `text`) to the chosen model; returns at once."""
        text = self.prompt_box.value if text is None else text
        if self.running:
            self._show_error("an answer is still streaming: Stop it or wait")
            return
        if not text.strip():
            self._show_error("the message is empty: write something to send")
            return
        model = self._turn_model()
        if not model:
            self._show_error("pick a model first")
            return
        self.prompt_box.value = ""
        self._show_follow_ups([])  # they belonged to the previous answer
        answer = AnswerView()
        self._append_user(text)
        self._append_answer(model, answer)
        self._set_running(True)
        self._stopping = False
        self._say(f"{model} is answering…")
        self._running = self._tasks.start(self._turn(text, model, answer), name="owui-chat-turn")

    def _turn_model(self) -> str | None:
        """The model the next turn asks: the dropdown's, else the chat's (the chat decides)."""
        chosen = self.model_select.value or None
        if self.chat is None:
            return chosen
        try:
            return self.chat.model_for(chosen)
        except ConfigurationError:
            return None

    def _append_user(self, text: str) -> None:
        bubble = widgets.HTML(f'<div style="{_USER}"><b>You</b>{safe_html(text)}</div>')
        self.transcript.children = (*self.transcript.children, bubble)

    def _append_answer(self, model: str, view: AnswerView | str) -> None:
        label = widgets.HTML(f'<div style="{MUTED};font-weight:600">{html.escape(model)}</div>')
        body = view.widget if isinstance(view, AnswerView) else widgets.HTML(view)
        self.transcript.children = (*self.transcript.children, label, body)

    async def _turn(self, text: str, model: str, answer: AnswerView) -> None:
        try:
            await self._stream_turn(text, model, answer)
        finally:
            self._stopped()
            self._stream = None
            self._set_running(False)

    async def _stream_turn(self, text: str, model: str, answer: AnswerView) -> None:
        if self.chat is None:
            self.chat = self._client.chat(model, system=self._system, **self._params)
        stream = self.chat.stream(text, model=model)
        self._stream = stream
        failure = await read_stream(
            stream,
            self._renderer,
            lambda delta: self._renderer.feed(answer, delta),
            lambda: self._stopping,
        )
        result = stream.results[0] if stream.results else None
        if result is not None and result.chat_id:
            self._turns.append((text, result))
            # The follow-ups become buttons below, not a list inside the answer.
            answer.finish(result.model_copy(update={"follow_ups": []}))
            self._show_follow_ups(result.follow_ups)
            self._show_link()
            if result.error:  # saved with its error, as the web UI saves a failed answer
                self._show_error(result.error)
            else:
                self._say("stopped; the partial answer is saved" if result.stopped else "")
            return
        # Nothing was saved (failed or stopped before the first token): offer a retry.
        reason = error_text(failure) if failure else "stopped before the first token"
        answer.finish(None, error=f"{reason} (nothing was saved; send again to retry)")
        if not self.prompt_box.value:
            self.prompt_box.value = text
        self._show_error(reason)

    @on_panel_loop
    def stop(self) -> None:
        """Stop the answer streaming now; what arrived is kept and saved as stopped."""
        if not self.running or self._stream is None:
            return
        self._stopping = True
        self._stream.abort()
        self._say("stopping…")
        self._stop_soon(self._stream)

    @on_panel_loop
    def new_chat(self) -> None:
        """Start a new conversation (the current one stays saved on the server)."""
        if self.running:
            self._show_error("an answer is still streaming: Stop it first")
            return
        self.chat = None
        self.transcript.children = ()
        self._show_follow_ups([])
        self.chat_id_box.value = ""
        self._show_link()
        self._say("new chat: it is saved with its first answer")

    @on_panel_loop
    def open(self, chat_id: str) -> None:
        """Continue the saved chat `chat_id` (an id or a web UI link); shows its thread."""
        if self.running:
            self._show_error("an answer is still streaming: Stop it first")
            return
        ident = chat_id_of(chat_id)
        if not ident:
            self._show_error("paste a chat id or a link to a chat to open it")
            return
        self._tasks.start(self._open(ident), name="owui-chat-open")

    async def _open(self, chat_id: str) -> None:
        chat = self._client.chat(chat_id=chat_id, system=self._system, **self._params)
        try:
            await chat.load()
        except NotFoundError:
            self._show_error(f"no chat {chat_id!r} on this server (or not yours): check the id")
            return
        self.chat = chat
        self.chat_id_box.value = chat_id
        self.transcript.children = ()
        last_follow_ups: list[str] = []
        for message in chat.messages():
            if message.get("role") == "user":
                self._append_user(str(message.get("content") or ""))
            elif message.get("role") == "assistant":
                name = message.get("modelName") or message.get("model") or "assistant"
                content = str(message.get("content") or "")
                cited = [Source.model_validate(s) for s in message.get("sources") or [] if s]
                self._append_answer(str(name), answer_html(content, final=True, sources=cited))
                last_follow_ups = [str(q) for q in message.get("followUps") or [] if q]
        self._show_follow_ups(last_follow_ups)
        if chat.model:
            self._choose(chat.model)
        self._show_link()
        self._say(f"continuing “{chat.title}” ({chat.turns} turns)")

    def _show_follow_ups(self, questions: list[str]) -> None:
        """One button per suggested question; a click asks it in this chat."""
        buttons = []
        for question in questions:
            label = question if len(question) <= 60 else question[:59] + "…"
            button = widgets.Button(
                description=label,
                tooltip=question,
                icon="comment",
                layout=widgets.Layout(width="auto", margin="2px 4px 2px 0"),
            )
            button.on_click(lambda _b, q=question: self.send(q))
            buttons.append(button)
        self.follow_up_bar.children = tuple(buttons)

    # -- what came out ------------------------------------------------------------------

    @property
    def results(self) -> pd.DataFrame:
        """One row per answer this panel received (columns `CHAT_RESULT_COLUMNS`)."""
        frame = metrics_frame([result for _, result in self._turns])
        frame["turn"] = range(1, len(self._turns) + 1)
        frame["prompt"] = [prompt for prompt, _ in self._turns]
        frame["answer"] = [result.content for _, result in self._turns]
        return frame[list(CHAT_RESULT_COLUMNS)]

    async def aclose(self) -> None:
        """Stop the answer, close the widgets, and the client if the panel made it."""
        self.stop()
        await super().aclose()


def chat_panel(
    model: str | None = None,
    *,
    chat_id: str | None = None,
    client: AsyncOpenWebUI | OpenWebUI | None = None,
    system: str | None = None,
    follow_ups: bool = True,
    **params: Any,
) -> ChatPanel:
    """A `ChatPanel`; leave it last in the cell to show it."""
    return ChatPanel(
        model, chat_id=chat_id, client=client, system=system, follow_ups=follow_ups, **params
    )
