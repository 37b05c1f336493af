"""A research run shown live in one output: the plan, each step's answer, sources, report.

Fed with the runner's events (``owui_notebook.client.research_types``). Everything a model
wrote is escaped, except the report, which is Markdown rendered by `safe_html`. The view is
re-sent whole on each update, so answers are shortened and only the tail of the text being
streamed is shown; renders are throttled like an answer's.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from . import live
from .markdown import safe_html
from .terminal import terminal_safe
from .views import error_html, link_html, sources_html, sources_text, with_cursor

if TYPE_CHECKING:
    from ..client.research_types import ResearchEvent, ResearchResult

_MUTED = "color:#777;font-size:0.85em"
ANSWER_CHARS = 300  # of each finished step's answer, in the plan
TAIL_CHARS = 1500  # of the text being streamed
_WHO = {"plan": "planning", "retry": "planning again", "answer": "answering", "report": "report"}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ResearchDisplay:
    """The live view of one research run (``%%owui research``); `feed` it each event."""

    def __init__(self, topic: str, num_steps: int, *, rich: bool | None = None) -> None:
        self.topic = topic
        self.num_steps = num_steps
        self.rich = live.rich_frontend() if rich is None else rich
        self.output = live.LiveOutput()
        self.step = 0
        self.lines: list[str] = []  # HTML, one or more per step
        self.current = ""
        self.role = "plan"

    def start(self) -> None:
        if self.rich:
            self.output.update(self._render, force=True)
        else:
            _out(f"research: {self.topic} ({self.num_steps} steps) …")

    def feed(self, event: ResearchEvent) -> None:
        if event.kind == "text":
            first = not self.current
            self.current += event.text  # type: ignore[attr-defined]
            self.role = event.role  # type: ignore[attr-defined]
            if self.rich:
                self.output.update(self._render, force=first)
            return
        self.current = ""
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(event)
        if self.rich:
            self.output.update(self._render, force=True)

    def _on_step_started(self, event: Any) -> None:
        self.step = event.step
        self._say(f"── step {event.step} of {event.num_steps} ──")

    def _on_planned(self, event: Any) -> None:
        text = f"{event.step}. {event.question}"
        who = f"→ {event.model} ({event.model_type})"
        self.lines.append(
            f"<b>{html.escape(text)}</b> <span style='{_MUTED}'>{html.escape(who)}</span>"
        )
        self._say(f"{text} {who}")

    def _on_plan_rejected(self, event: Any) -> None:
        then = "asking once more" if event.retrying else "giving up"
        text = f"step {event.step}: not a usable plan ({event.error}); {then}"
        self.lines.append(f'<span style="color:#b26a00">⚠ {html.escape(text)}</span>')
        self._say(f"⚠ {text}")

    def _on_sources(self, event: Any) -> None:
        self.lines.append(sources_html(event.sources))
        self._say(sources_text(event.sources))

    def _on_answered(self, event: Any) -> None:
        short = _short(event.answer, ANSWER_CHARS)
        self.lines.append(f'<div style="{_MUTED};margin-left:1em">{html.escape(short)}</div>')
        self._say(f"  {short}")

    def _on_report(self, event: Any) -> None:
        self._say(f"\n{event.report}")

    def _say(self, line: str) -> None:
        if not self.rich:
            _out(line)

    # -- the end ------------------------------------------------------------------------

    def finish(self, result: ResearchResult | None, *, url: str | None = None) -> None:
        """The final render: the plan with answers, the report (or why none), figures, link."""
        self.current = ""
        if self.rich:
            self.output.update(lambda: self._final(result, url), force=True)
        elif result is not None:
            _out(outcome_line(result))

    def _final(self, result: ResearchResult | None, url: str | None) -> tuple[str, str]:
        parts = [self._header(), self._plan()]
        if result is not None and result.report is not None:
            parts.append(f'<div class="owui-answer">{safe_html(result.report)}</div>')
        if result is not None and result.error:
            parts.append(error_html(result.error))
        foot = [html.escape(outcome_line(result))] if result is not None else []
        if url:
            foot.append(link_html(url, "open chat"))
        if foot:
            parts.append(f'<div style="{_MUTED};margin-top:4px">{" · ".join(foot)}</div>')
        return _wrap(parts), self._plain(result)

    def _render(self) -> tuple[str, str]:
        parts = [self._header(), self._plan()]
        if self.current:
            tail = html.escape(self.current[-TAIL_CHARS:])
            pre = f'<pre style="white-space:pre-wrap;{_MUTED};margin:4px 0">{tail}</pre>'
            parts.append(f'<div style="{_MUTED}">{_WHO.get(self.role, self.role)} …</div>')
            parts.append(with_cursor(pre))
        return _wrap(parts), self._plain(None)

    def _header(self) -> str:
        step = f" · step {min(self.step, self.num_steps)} of {self.num_steps}" if self.step else ""
        return f'<div style="font-weight:600">Research · {html.escape(self.topic)}{step}</div>'

    def _plan(self) -> str:
        if not self.lines:
            return f'<div style="{_MUTED}">planning the first step …</div>'
        return "".join(f"<div>{line}</div>" for line in self.lines if line)

    def _plain(self, result: ResearchResult | None) -> str:
        lines = [f"Research · {self.topic}"]
        if result is not None:
            lines += [f"{s.index}. {s.question} → {s.model}" for s in result.steps if s.question]
            if result.report is not None:
                lines += ["", result.report]
            lines.append(outcome_line(result))
        elif self.current:
            lines += ["", self.current[-TAIL_CHARS:]]
        return "\n".join(lines)


def _out(line: str) -> None:
    print(terminal_safe(line), flush=True)


def _wrap(parts: list[str]) -> str:
    return f'<div class="owui-research">{"".join(p for p in parts if p)}</div>'


def outcome_line(result: ResearchResult) -> str:
    """``report after 3 steps · 4.2 s · 900 tokens · 2 sources`` (how it ended, figures)."""
    done = sum(1 for s in result.steps if s.answer is not None)
    noun = "step" if done == 1 else "steps"
    state = {
        "reported": f"report after {done} {noun}",
        "aborted": f"stopped after {done} answered {noun}; what was answered is saved",
        "error": f"ended with an error in step {len(result.steps)}",
    }[result.status]
    parts = [state]
    if result.duration is not None:
        parts.append(f"{result.duration:.1f} s")
    usage = result.usage
    if usage is not None and usage.total_tokens is not None:
        parts.append(f"{usage.total_tokens} tokens")
    if result.sources:
        parts.append(f"{len(result.sources)} sources")
    return " · ".join(parts)
