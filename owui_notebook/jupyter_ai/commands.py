"""What a chat message asks of the persona: a slash command, or a prompt for the model.

Pure functions (no Jupyter, no network), so the parsing is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["COMMANDS", "Command", "help_text", "parse", "split_names", "strip_mention"]

# Shown by /help and advertised to the chat's slash-command completion, in this order.
COMMANDS: dict[str, str] = {
    "/model": "show the model, or switch this chat to another: /model NAME",
    "/kb": "knowledge bases searched for each answer: /kb NAME[, NAME...] (or /kb none)",
    "/tools": "server tools the model may call: /tools ID[, ID...] (or /tools none)",
    "/new": "start a new Open WebUI chat on the next message",
    "/status": "server, model, knowledge, tools and the link to this chat in Open WebUI",
    "/help": "this list",
}

_NONE = {"none", "off", "-", "clear"}


@dataclass(frozen=True)
class Command:
    """``/name argument``: `name` with its slash, `arg` stripped (may be empty)."""

    name: str
    arg: str = ""


def strip_mention(body: str, mention_name: str) -> str:
    """`body` without ``@mention_name`` (the persona's own @-mention), trimmed."""
    pattern = re.compile(rf"(?<![\w-])@{re.escape(mention_name)}:?(?![\w-])", re.IGNORECASE)
    return pattern.sub(" ", body).strip()


def parse(text: str) -> Command | None:
    """The command `text` starts with, or None for a prompt (an unknown ``/word`` is a
    command too, so that a typo is answered instead of sent to the model)."""
    match = re.match(r"/([A-Za-z][\w-]*)(?:\s+(.*))?\Z", text.strip(), re.DOTALL)
    if match is None:
        return None
    return Command(f"/{match.group(1).lower()}", (match.group(2) or "").strip())


def split_names(arg: str) -> list[str] | None:
    """``a, b`` -> ``["a", "b"]``; ``none`` -> ``[]``; empty -> None (just show them).

    Commas separate names, since knowledge base names may hold spaces.
    """
    if not arg.strip():
        return None
    if arg.strip().lower() in _NONE:
        return []
    return list(dict.fromkeys(n.strip() for n in arg.split(",") if n.strip()))


def help_text() -> str:
    """The commands as a Markdown list."""
    lines = [f"- `{name}`: {what}" for name, what in COMMANDS.items()]
    return "Commands (anything else is sent to the model):\n\n" + "\n".join(lines)
