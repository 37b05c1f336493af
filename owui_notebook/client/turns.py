"""Building chat turns as the web UI stores them (pure; no I/O).

One turn is one user message and one assistant child per model (the web UI's multi-model
layout). These helpers make the messages, graft them into a history and derive what the
model is sent, so the async and sync engines share every rule.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .._version import __version__
from .history import thread
from .types import ChatResult, Source, Timings, Usage

CLIENT_KEY = "owui_notebook"  # our namespaced fields on saved assistant messages


def new_id() -> str:
    return str(uuid.uuid4())


def default_title(prompt: str, words: int = 6, limit: int = 60) -> str:
    """The first words of the prompt's first non-empty line, as a fallback chat title."""
    for line in server_text(prompt).splitlines():
        line = re.sub(r"\s+", " ", line).strip(" #>*-`")
        if line:
            title = " ".join(line.split(" ")[:words])
            return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return "New Chat"


# Open WebUI removes NUL and lone surrogates from every string it saves (PostgreSQL cannot
# store them; `sanitize_data_for_db` on 0.12); a lone surrogate cannot even be sent as UTF-8.
_UNSAVABLE = re.compile("[\x00\ud800-\udfff]")


def server_text(text: str) -> str:
    """`text` as the server saves it: without NUL bytes and lone surrogates."""
    return _UNSAVABLE.sub("", text) if _UNSAVABLE.search(text) else text


def empty_history() -> dict[str, Any]:
    return {"messages": {}, "currentId": None}


def model_messages(
    history: dict[str, Any],
    system: str | None,
    prompt: str,
    images: list[dict[str, Any]] | None = None,
    start: str | None = None,
) -> list[dict[str, Any]]:
    """What the model is sent: the system prompt, the active thread, then the new prompt.

    User messages with images (`images` for the new prompt: ``files`` entries of type
    ``image``) become OpenAI content parts, text first, as the web UI sends them; earlier
    images in the thread are sent again so the model still sees them. With `start` (a
    message id of the thread), the thread is sent from that message on: what came before
    was summarised there (a long task run), so the model's context stays bounded.
    """
    out: list[dict[str, Any]] = []
    if system:
        out.append({"role": "system", "content": system})
    for message in thread_from(history, start):
        role = message.get("role")
        if role in ("user", "assistant", "system"):
            content = message.get("content") or ""
            if role == "assistant" and not content:
                continue  # a failed or empty answer teaches the model nothing
            if role == "user":
                content = user_content(content, message.get("files") or [])
            out.append({"role": role, "content": content})
    # The prompt as it will be saved: a lone surrogate cannot even be sent as UTF-8.
    out.append({"role": "user", "content": user_content(server_text(prompt), images or [])})
    return out


def thread_from(history: dict[str, Any], start: str | None) -> list[dict[str, Any]]:
    """The active thread from message `start` on (the whole thread if it is not on it)."""
    messages = thread(history)
    ids = [m.get("id") for m in messages]
    return messages[ids.index(start) :] if start in ids else messages


def user_content(text: str, files: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """A user message's content: the text, or text and ``image_url`` parts if it has images."""
    urls = [
        f["url"]
        for f in files
        if isinstance(f, dict) and f.get("type") == "image" and isinstance(f.get("url"), str)
    ]
    if not urls:
        return text
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
    parts.extend({"type": "image_url", "image_url": {"url": url}} for url in urls)
    return parts


def task_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A thread as the server's title/tags/follow-up tasks take it: role and text only."""
    return [
        {"role": m["role"], "content": m.get("content") or ""}
        for m in messages
        if m.get("role") in ("user", "assistant")
    ]


@dataclass
class TurnExtras:
    """What a turn carries besides its prompt: server tools, images, follow-up suggestions."""

    tool_ids: list[str] = field(default_factory=list)
    images: list[Any] = field(default_factory=list)  # images.Image
    follow_ups: bool = False

    def image_files(self) -> list[dict[str, Any]]:
        """The images as ``files`` entries of the user message (the web UI shows them)."""
        return [image.file_entry() for image in self.images]

    def request_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """`params` (the request's own fields) with the tool fields added; a ``params``
        object the caller gave is kept, with the function-calling mode set in it."""
        out = dict(params)
        for key, value in self.request_fields().items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                value = {**out[key], **value}
            out[key] = value
        return out

    def request_fields(self) -> dict[str, Any]:
        """Fields of the completion request for the server's tools.

        The server runs the tools only through its prompt-based tool selection on this
        path ("legacy" on 0.12, "default" before): native function calling executes tool
        calls only for a chat bound to a browser session, and would hand the raw calls
        back here unrun. The results reach the model as context and come back as the
        answer's ``sources``.
        """
        if not self.tool_ids:
            return {}
        return {"tool_ids": list(self.tool_ids), "params": {"function_calling": "legacy"}}


@dataclass
class TurnRequest:
    """A turn as asked, before the chat settles it: its models may be ``None`` (the
    chat's model), and `params` may still name files and knowledge to attach."""

    prompt: str
    models: list[str | None]
    system: str | None
    params: dict[str, Any]
    extras: TurnExtras = field(default_factory=TurnExtras)


@dataclass
class Turn:
    """A prompt sent to one or more models, before and after the answers arrive."""

    prompt: str
    models: list[str]
    parent_id: str | None
    user_id: str = field(default_factory=new_id)
    answer_ids: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    sent_at: int = field(default_factory=lambda: int(time.time()))

    def __post_init__(self) -> None:
        if not self.answer_ids:
            self.answer_ids = [new_id() for _ in self.models]

    def user_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": self.user_id,
            "parentId": self.parent_id,
            "childrenIds": list(self.answer_ids),
            "role": "user",
            "content": server_text(self.prompt),
            "timestamp": self.sent_at,
            "models": list(self.models),
        }
        if self.files:  # shown as attachments above the prompt in the web UI
            message["files"] = list(self.files)
        return message

    def assistant_message(self, result: ChatResult, model_name: str) -> dict[str, Any]:
        t = result.timings
        message: dict[str, Any] = {
            "id": result.message_id,
            "parentId": self.user_id,
            "childrenIds": [],
            "role": "assistant",
            "content": result.content,
            "model": result.model,
            "modelName": model_name,
            "modelIdx": result.model_index,
            "userContext": None,
            # Set when the answer finished, so the server's own response-time figure is true.
            "timestamp": int((t.started_at or self.sent_at) + (t.total or 0)),
            "done": True,
            CLIENT_KEY: {
                "ttft": _round(t.ttft),
                "total": _round(t.total),
                "started_at": t.started_at,
                "stopped": result.stopped,
                "finish_reason": result.finish_reason,
                "client": f"owui-notebook/{__version__}",
            },
        }
        if result.usage is not None:
            message["usage"] = dict(result.usage.raw)
        if result.sources:  # the web UI lists these as the answer's citations
            message["sources"] = [s.to_server() for s in result.sources]
        if result.follow_ups:
            message["followUps"] = list(result.follow_ups)
        if result.error:
            message["error"] = {"content": result.error}
        return message

    def result(
        self,
        index: int,
        *,
        content: str,
        usage: dict[str, Any] | None,
        timings: Timings,
        finish_reason: str | None,
        stopped: bool,
        error: str | None,
        sources: list[dict[str, Any]] | None = None,
    ) -> ChatResult:
        return ChatResult(
            message_id=self.answer_ids[index],
            parent_id=self.user_id,
            model=self.models[index],
            model_index=index,
            # What the server will hold, so that the result and the saved chat agree.
            content=server_text(content),
            usage=Usage.from_raw(usage),
            timings=timings,
            finish_reason=finish_reason,
            stopped=stopped,
            error=server_text(error) if error else error,
            sources=[Source.model_validate(s) for s in sources or []],
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def graft(history: dict[str, Any], turn: Turn, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `history` with the turn's messages added and ``currentId`` on its first answer.

    If the turn's parent is gone from `history` (deleted in the web UI meanwhile), the turn
    continues from the history's current leaf instead, so the tree stays connected.
    """
    history = copy.deepcopy(history) if history else empty_history()
    messages: dict[str, Any] = history.setdefault("messages", {})
    user = turn.user_message()
    parent = user["parentId"]
    if parent is not None and parent not in messages:
        parent = history.get("currentId") if history.get("currentId") in messages else None
        user["parentId"] = parent
    if parent is not None:
        children = messages[parent].setdefault("childrenIds", [])
        if user["id"] not in children:
            children.append(user["id"])
    messages[user["id"]] = user
    for answer in answers:
        messages[answer["id"]] = answer
    history["currentId"] = answers[0]["id"] if answers else user["id"]
    return history


def chat_body(
    history: dict[str, Any],
    *,
    title: str,
    models: list[str],
    system: str | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    """The ``chat`` JSON the web UI stores, including the legacy flat ``messages`` list."""
    # Attachments go with each request (and on each user message), not in the chat's
    # model settings, where the web UI expects numbers and strings.
    chat_params = {
        k: v for k, v in params.items() if v is not None and k not in ("files", "knowledge")
    }
    if system:
        chat_params["system"] = system
    return {
        "title": title,
        "models": list(models),
        "params": chat_params,
        "history": history,
        "messages": thread(history),
        "timestamp": int(time.time() * 1000),
    }
