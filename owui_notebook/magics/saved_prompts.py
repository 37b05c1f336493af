"""Saved prompts and notes in cells: ``%%owui chat /command ...`` and ``%owui note``."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from .listings import ChatLink
from .tables import is_table, markdown_table

if TYPE_CHECKING:
    from .session import Session

# A cell that starts with /command (then a space, a new line or nothing) asks for a saved prompt.
_COMMAND = re.compile(r"^/([A-Za-z0-9][\w.-]*)(?=\s|$)")


def expand_cell(session: Session, prompt: str, namespace: Mapping[str, Any]) -> str:
    """`prompt` with a leading ``/command`` replaced by that saved prompt, its
    ``{{variables}}`` filled from the notebook (a DataFrame as a compact Markdown table)
    and the system ones as the web UI fills them. The rest of the cell follows, as text
    typed after a command in the web UI does. Any other cell comes back as it is.

    The saved prompt is someone else's text: it gets only variables the user set (the
    client's rule), and a line in the output names each notebook variable it took."""
    match = _COMMAND.match(prompt)
    if match is None:
        return prompt
    client = session.require_client()
    rest = prompt[match.end() :]
    taken = _Taken(namespace)
    text = client.prompts.expand(match.group(1), taken, rest=rest, convert=_as_text)
    if taken.read:
        shown = ", ".join(f"{name} = {_preview(value)}" for name, value in taken.read.items())
        print(f"/{match.group(1)} took from the notebook: {shown}", flush=True)
    return text


class _Taken(Mapping[str, Any]):
    """The notebook's variables, remembering which ones a saved prompt read."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._namespace = namespace
        self.read: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        value = self._namespace[name]
        self.read[name] = value
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._namespace

    def __iter__(self) -> Iterator[str]:
        return iter(self._namespace)

    def __len__(self) -> int:
        return len(self._namespace)


def _preview(value: Any, limit: int = 40) -> str:
    """A short, one-line, escaped look at a value (repr escapes newlines and surrogates)."""
    if is_table(value):
        return f"<{type(value).__name__} of {len(value):,} rows, as a table>"
    text = value if isinstance(value, str) else str(value)
    shown = repr(text[:limit] + ("…" if len(text) > limit else ""))
    return shown if len(text) <= limit else f"{shown} ({len(text):,} chars)"


def _as_text(value: Any) -> str:
    """A notebook value as prompt text: DataFrames as the same compact table as ``{df}``."""
    return markdown_table(value) if is_table(value) else str(value)


def _answer_text(value: Any) -> tuple[str, Any]:
    """The Markdown of the last answer (``_owui``) and the result to take ids from."""
    results = value if isinstance(value, (list, tuple)) else [value]
    results = [r for r in results if getattr(r, "content", None)]
    if not results:
        raise UsageError("there is no answer to save yet: run a %%owui chat cell first")
    if len(results) == 1:
        return results[0].content, results[0]
    parts = [f"## {r.model}\n\n{r.content}" for r in results]
    return "\n\n".join(parts), results[0]


def save_note(session: Session, args: argparse.Namespace, namespace: Mapping[str, Any]) -> Any:
    """Save the last cell's answer as a note; returns a link to it."""
    client = session.require_client()
    text, first = _answer_text(namespace.get("_owui"))
    chat = session.chat if session.chat is not None and session.chat.id == first.chat_id else None
    title = args.title or (chat.title if chat and chat.title else None) or _first_words(text)
    if first.chat_id:
        source = f"[{chat.title if chat and chat.title else 'the chat'}]"
        text += f"\n\n---\n\nFrom {source}({client.chat_url(first.chat_id)}) · {first.model}"
    note = client.notes.create(title, text)
    return ChatLink(client.notes.url(note.id), f"Note: {note.title}")


def _first_words(text: str, limit: int = 60) -> str:
    line = next((ln.strip("# ").strip() for ln in text.splitlines() if ln.strip()), "Answer")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
