"""A task run shown live in one output: to-do list, findings, each step, then the answer.

Fed with the runner's events (``owui_notebook.client.task_types``). Everything a model wrote
is escaped here, except the final answer, which is Markdown rendered by `safe_html`. Step
texts are shortened: the view is re-sent whole on each update (see `agent_view`).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from .agent_view import MUTED as _MUTED
from .agent_view import AgentDisplay, out
from .agent_view import short as _short
from .markdown import safe_html
from .views import sources_html

if TYPE_CHECKING:
    from ..client.task_types import TaskResult, TodoItem, ToolCall

_BOX = "flex:1 1 0;min-width:0;border:1px solid #e0e0e0;border-radius:6px;padding:6px 10px"
_MARKS = {"done": "☑", "doing": "▶", "open": "☐"}
THOUGHT_CHARS = 300  # of each finished step's thought, in the log
VALUE_CHARS = 160  # of a tool call's arguments or result


def _value(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _short(text, VALUE_CHARS)


def todo_html(todo: list[TodoItem]) -> str:
    if not todo:
        return f'<div style="{_MUTED}">no to-do list yet</div>'
    items = []
    for item in todo:
        text = html.escape(item.task)
        if item.status == "done":
            text = f'<span style="color:#777;text-decoration:line-through">{text}</span>'
        elif item.status == "doing":
            text = f"<b>{text}</b>"
        items.append(f"<li>{_MARKS[item.status]} {text}</li>")
    return f'<ul style="list-style:none;padding-left:0;margin:0">{"".join(items)}</ul>'


def findings_html(findings: list[str]) -> str:
    if not findings:
        return f'<div style="{_MUTED}">none yet</div>'
    items = "".join(f"<li>{html.escape(f)}</li>" for f in findings)
    return f'<ul style="margin:0;padding-left:1.2em">{items}</ul>'


def tool_call_text(call: ToolCall) -> str:
    """``name(a=2, b=40) → result``, as under a chat answer (see `views.tool_calls_text`)."""
    args = call.arguments
    if isinstance(args, dict):
        shown = _short(", ".join(f"{k}={v!r}" for k, v in args.items()), VALUE_CHARS)
    else:
        shown = _value(args)
    text = f"{call.name}({shown})"
    return text + (f" → {_value(call.result)}" if call.result is not None else "")


class TaskDisplay(AgentDisplay["TaskResult"]):
    """The live view of one task run (``%%owui task``); call `feed` with each event."""

    css_class = "owui-task"

    def __init__(self, model: str, max_iterations: int, *, rich: bool | None = None) -> None:
        super().__init__("step", rich=rich)
        self.model = model
        self.max_iterations = max_iterations
        self.iteration = 0
        self.todo: list[TodoItem] = []
        self.findings: list[str] = []
        self.log: list[str] = []  # HTML lines, one or more per finished step

    # -- events -------------------------------------------------------------------------

    def _start_line(self) -> str:
        return f"task with {self.model}, at most {self.max_iterations} steps …"

    def _on_iteration(self, event: Any) -> None:
        self.iteration = event.iteration
        self.current = ""
        self._say(f"── step {event.iteration} of at most {event.max_iterations} ──")

    def _on_step(self, event: Any) -> None:
        step = event.step
        self.current = ""
        line = f"<b>Step {event.iteration}</b>"
        if step.thought:
            line += f" · {html.escape(_short(step.thought, THOUGHT_CHARS))}"
        if step.next_action and step.final_answer is None:
            line += f' <span style="{_MUTED}">→ {html.escape(_short(step.next_action, 200))}</span>'
        self.log.append(line)
        if step.thought:
            self._say(f"thought: {_short(step.thought, THOUGHT_CHARS)}")
        if step.options:
            labels = "; ".join(f"{i}. {o.label}" for i, o in enumerate(step.options, 1))
            self.log.append(f'<span style="{_MUTED}">options: {html.escape(labels)}</span>')
            self._say(f"options: {labels}")

    def _on_rejected(self, event: Any) -> None:
        self.current = ""
        then = "asking once more" if event.retrying else "giving up"
        text = f"step {event.iteration} is not a valid step ({event.error}); {then}"
        self.log.append(f'<span style="color:#b26a00">⚠ {html.escape(text)}</span>')
        self._say(f"⚠ {text}")

    def _on_todo(self, event: Any) -> None:
        self.todo = list(event.todo)
        if not self.rich:
            for item in self.todo:
                out(f"  {_MARKS[item.status]} {item.task}")

    def _on_findings(self, event: Any) -> None:
        self.findings = list(event.findings)
        if not self.rich:
            for finding in event.new:
                out(f"  + {finding}")

    def _on_tool_calls(self, event: Any) -> None:
        for call in event.calls:
            text = tool_call_text(call)
            self.log.append(f"🔧 <code>{html.escape(text)}</code>")
            self._say(f"tool: {text}")

    def _on_decision(self, event: Any) -> None:
        self.current = ""
        decision = event.decision
        chosen = decision.chosen
        if chosen is not None:
            text = f"{decision.model} chose {decision.choice}. {chosen.label}"
        else:
            text = f"{decision.model} did not choose"
        if decision.reason:
            text += f": {_short(decision.reason, 200)}"
        self.log.append(f"⚖ {html.escape(text)}")
        self._say(f"decision: {text}")

    def _on_final(self, event: Any) -> None:
        self.current = ""
        self._say(f"\n{event.answer}")

    # -- the end ------------------------------------------------------------------------

    def finish(self, result: TaskResult | None, *, url: str | None = None) -> None:
        """The final render: state, log, the answer (or why there is none), figures, link."""
        if result is not None:
            self.todo, self.findings = list(result.todo), list(result.findings)
        super().finish(result, url=url)

    def _outcome_line(self, result: TaskResult) -> str:
        return outcome_line(result)

    def _final(self, result: TaskResult | None, url: str | None) -> tuple[str, str]:
        parts = [self._header(), self._state(), self._log_html()]
        if result is not None and result.answer is not None:
            parts.append(f'<div class="owui-answer">{safe_html(result.answer)}</div>')
        if result is not None:
            # What the knowledge bases and files gave the steps (tool runs are in the log).
            cited = [
                s for i in result.iterations for r in i.results for s in r.sources if not s.is_tool
            ]
            parts.append(sources_html(cited))
        return self._end(parts, result, url)

    # -- rendering ----------------------------------------------------------------------

    def _render(self) -> tuple[str, str]:
        parts = [self._header(), self._state(), self._log_html()]
        if self.current:
            who = "decision model" if self.role == "decision" else "step"
            parts += self._tail_html(f"{who} {self.iteration} …")
        return self._wrap(parts), self._plain(None)

    def _header(self) -> str:
        step = (
            f" · step {self.iteration} of at most {self.max_iterations}" if self.iteration else ""
        )
        return f'<div style="font-weight:600">Task · {html.escape(self.model)}{step}</div>'

    def _state(self) -> str:
        return (
            '<div style="display:flex;gap:10px;align-items:flex-start;margin:4px 0">'
            f'<div style="{_BOX}"><div style="font-weight:600">To-do</div>'
            f"{todo_html(self.todo)}</div>"
            f'<div style="{_BOX}"><div style="font-weight:600">Key findings</div>'
            f"{findings_html(self.findings)}</div></div>"
        )

    def _log_html(self) -> str:
        if not self.log:
            return ""
        lines = "".join(f"<div>{line}</div>" for line in self.log)
        return f'<div style="margin:4px 0">{lines}</div>'

    def _plain(self, result: TaskResult | None) -> str:
        lines = [f"Task · {self.model}"]
        lines += [f"{_MARKS[i.status]} {i.task}" for i in self.todo]
        lines += [f"- {f}" for f in self.findings]
        if result is not None:
            if result.answer is not None:
                lines += ["", result.answer]
            lines.append(outcome_line(result))
        else:
            lines += self._tail_text()
        return "\n".join(lines)


def outcome_line(result: TaskResult) -> str:
    """``answered in 3 steps · total 2.1 s · 480 tokens`` (how the run ended, and its figures)."""
    steps = len(result.iterations)
    noun = "step" if steps == 1 else "steps"
    state = {
        "answered": f"answered in {steps} {noun}",
        "max_iterations": f"no answer within {result.max_iterations} {noun}: stopped at the limit",
        "aborted": f"stopped after {steps} {noun}; what was answered is saved",
        "error": f"ended with an error in step {steps}",
    }[result.status]
    parts = [state]
    if result.duration is not None:
        parts.append(f"total {result.duration:.1f} s")
    usage = result.usage
    if usage is not None and usage.total_tokens is not None:
        parts.append(f"{usage.total_tokens} tokens")
    return " · ".join(parts)
