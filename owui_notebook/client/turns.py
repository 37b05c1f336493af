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
from .types import ChatResult, Timings, Usage

CLIENT_KEY = "owui_notebook"  # our namespaced fields on saved assistant messages


def new_id() -> str:
    return str(uuid.uuid4())


def default_title(prompt: str, words: int = 6, limit: int = 60) -> str:
    """The first words of the prompt's first non-empty line, as a fallback chat title."""
    for line in prompt.splitlines():
        line = re.sub(r"\s+", " ", line).strip(" #>*-`")
        if line:
            title = " ".join(line.split(" ")[:words])
            return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return "New Chat"


def empty_history() -> dict[str, Any]:
    return {"messages": {}, "currentId": None}


def model_messages(
    history: dict[str, Any], system: str | None, prompt: str
) -> list[dict[str, Any]]:
    """What the model is sent: the system prompt, the active thread, then the new prompt."""
    out: list[dict[str, Any]] = []
    if system:
        out.append({"role": "system", "content": system})
    for message in thread(history):
        role = message.get("role")
        if role in ("user", "assistant", "system"):
            content = message.get("content") or ""
            if role == "assistant" and not content:
                continue  # a failed or empty answer teaches the model nothing
            out.append({"role": role, "content": content})
    out.append({"role": "user", "content": prompt})
    return out


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
        message = {
            "id": self.user_id,
            "parentId": self.parent_id,
            "childrenIds": list(self.answer_ids),
            "role": "user",
            "content": self.prompt,
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
    ) -> ChatResult:
        return ChatResult(
            message_id=self.answer_ids[index],
            parent_id=self.user_id,
            model=self.models[index],
            model_index=index,
            content=content,
            usage=Usage.from_raw(usage),
            timings=timings,
            finish_reason=finish_reason,
            stopped=stopped,
            error=error,
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
    chat_params = {k: v for k, v in params.items() if v is not None}
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
