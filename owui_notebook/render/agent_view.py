"""What the live views of agent runs (task, research) share: streamed tail, events, the end.

A run's view is re-sent whole on each update, so only the tail of the text being streamed is
shown; renders are throttled like an answer's. Without a rich front end each event prints one
line (model text with its terminal controls escaped). Subclasses handle the events
(``_on_<kind>``) and draw the header and body.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from . import live
from .terminal import terminal_safe
from .views import error_html, link_html, with_cursor

if TYPE_CHECKING:
    from ..client.agent_types import AgentResult

MUTED = "color:#777;font-size:0.85em"
TAIL_CHARS = 1500  # of the text being streamed


def short(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def out(line: str) -> None:
    """Print for a terminal (the non-rich view): model text with its controls escaped."""
    print(terminal_safe(line), flush=True)


R = TypeVar("R", bound="AgentResult")


class AgentDisplay(Generic[R]):
    """The live view of one agent run; `start`, then `feed` each event, then `finish`."""

    css_class: ClassVar[str]  # of the view's outer <div>
    # Whether every event other than text ends the text being streamed (else handlers do).
    event_ends_text: ClassVar[bool] = False

    def __init__(self, role: str, *, rich: bool | None = None) -> None:
        self.rich = live.rich_frontend() if rich is None else rich
        self.output = live.LiveOutput()
        self.current = ""  # text of the answer being streamed
        self.role = role  # which turn of the run `current` is

    def start(self) -> None:
        if self.rich:
            self.output.update(self._render, force=True)
        else:
            out(self._start_line())

    def feed(self, event: Any) -> None:
        kind = event.kind
        if kind == "text":
            first = not self.current
            self.current += event.text
            self.role = event.role
            if self.rich:
                self.output.update(self._render, force=first)
            return
        if self.event_ends_text:
            self.current = ""
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(event)
        if self.rich:
            self.output.update(self._render, force=True)

    def _say(self, line: str) -> None:
        if not self.rich:
            out(line)

    def finish(self, result: R | None, *, url: str | None = None) -> None:
        """The final render (the run's view, its answer or why none, figures, link)."""
        self.current = ""
        if self.rich:
            self.output.update(lambda: self._final(result, url), force=True)
        elif result is not None:
            out(self._outcome_line(result))

    # -- what the subclasses draw -------------------------------------------------------

    def _start_line(self) -> str:
        raise NotImplementedError

    def _outcome_line(self, result: R) -> str:
        raise NotImplementedError

    def _final(self, result: R | None, url: str | None) -> tuple[str, str]:
        raise NotImplementedError

    def _render(self) -> tuple[str, str]:
        raise NotImplementedError

    # -- shared pieces ------------------------------------------------------------------

    def _tail_html(self, label: str) -> list[str]:
        """What is being streamed: a muted label and the text's tail, with a cursor."""
        tail = html.escape(self.current[-TAIL_CHARS:])
        pre = f'<pre style="white-space:pre-wrap;{MUTED};margin:4px 0">{tail}</pre>'
        return [f'<div style="{MUTED}">{label}</div>', with_cursor(pre)]

    def _tail_text(self) -> list[str]:
        return ["", self.current[-TAIL_CHARS:]] if self.current else []

    def _end(self, parts: list[str], result: R | None, url: str | None) -> tuple[str, str]:
        """The final view: `parts`, then the error, the outcome and the link, if any."""
        if result is not None and result.error:
            parts.append(error_html(result.error))
        foot = [html.escape(self._outcome_line(result))] if result is not None else []
        if url:
            foot.append(link_html(url, "open chat"))
        if foot:
            parts.append(f'<div style="{MUTED};margin-top:4px">{" · ".join(foot)}</div>')
        return self._wrap(parts), self._plain(result)

    def _wrap(self, parts: list[str]) -> str:
        return f'<div class="{self.css_class}">{"".join(p for p in parts if p)}</div>'

    def _plain(self, result: R | None) -> str:
        raise NotImplementedError
