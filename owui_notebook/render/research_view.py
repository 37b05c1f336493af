"""A research run shown live in one output: the plan, each step's answer, sources, report.

Fed with the runner's events (``owui_notebook.client.research_types``). Everything a model
wrote is escaped, except the report, which is Markdown rendered by `safe_html`. Answers are
shortened: the view is re-sent whole on each update (see `agent_view`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .agent_view import MUTED, AgentDisplay, short
from .markdown import safe_html
from .views import sources_html, sources_text

if TYPE_CHECKING:
    from ..client.research_types import ResearchResult

ANSWER_CHARS = 300  # of each finished step's answer, in the plan
_WHO = {"plan": "planning", "retry": "planning again", "answer": "answering", "report": "report"}


class ResearchDisplay(AgentDisplay["ResearchResult"]):
    """The live view of one research run (``%%owui research``); `feed` it each event."""

    css_class = "owui-research"
    event_ends_text = True

    def __init__(self, topic: str, num_steps: int, *, rich: bool | None = None) -> None:
        super().__init__("plan", rich=rich)
        self.topic = topic
        self.num_steps = num_steps
        self.step = 0
        self.lines: list[str] = []  # HTML, one or more per step

    def _start_line(self) -> str:
        return f"research: {self.topic} ({self.num_steps} steps) …"

    def _on_step_started(self, event: Any) -> None:
        self.step = event.step
        self._say(f"── step {event.step} of {event.num_steps} ──")

    def _on_planned(self, event: Any) -> None:
        text = f"{event.step}. {event.question}"
        who = f"→ {event.model} ({event.model_type})"
        self.lines.append(
            f"<b>{html.escape(text)}</b> <span style='{MUTED}'>{html.escape(who)}</span>"
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
        short_answer = short(event.answer, ANSWER_CHARS)
        self.lines.append(f'<div style="{MUTED};margin-left:1em">{html.escape(short_answer)}</div>')
        self._say(f"  {short_answer}")

    def _on_report(self, event: Any) -> None:
        self._say(f"\n{event.report}")

    # -- rendering ----------------------------------------------------------------------

    def _outcome_line(self, result: ResearchResult) -> str:
        return outcome_line(result)

    def _final(self, result: ResearchResult | None, url: str | None) -> tuple[str, str]:
        """The plan with answers, the report (or why none), figures, link."""
        parts = [self._header(), self._plan()]
        if result is not None and result.report is not None:
            parts.append(f'<div class="owui-answer">{safe_html(result.report)}</div>')
        return self._end(parts, result, url)

    def _render(self) -> tuple[str, str]:
        parts = [self._header(), self._plan()]
        if self.current:
            parts += self._tail_html(f"{_WHO.get(self.role, self.role)} …")
        return self._wrap(parts), self._plain(None)

    def _header(self) -> str:
        step = f" · step {min(self.step, self.num_steps)} of {self.num_steps}" if self.step else ""
        return f'<div style="font-weight:600">Research · {html.escape(self.topic)}{step}</div>'

    def _plan(self) -> str:
        if not self.lines:
            return f'<div style="{MUTED}">planning the first step …</div>'
        return "".join(f"<div>{line}</div>" for line in self.lines if line)

    def _plain(self, result: ResearchResult | None) -> str:
        lines = [f"Research · {self.topic}"]
        if result is not None:
            lines += [f"{s.index}. {s.question} → {s.model}" for s in result.steps if s.question]
            if result.report is not None:
                lines += ["", result.report]
            lines.append(outcome_line(result))
        else:
            lines += self._tail_text()
        return "\n".join(lines)


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
