"""The task runner's protocol: what the model is told, and reading its steps (pure; no I/O).

Each iteration the model answers with one JSON step (in a fenced block or bare)::

    {"thought": "...", "todo": [{"task": "...", "status": "done"}], "findings": ["..."],
     "next_action": "..."}              # or "options": [...], or "final_answer": "..."

Models stray from any format, so reading is lenient where the meaning is clear (aliases such
as ``todo_list``, ``[x] task`` strings, an action given as ``{"tool": ..., "args": ...}``)
and strict where it is not (no JSON object, or no way on): that raises `StepError`, whose
message goes back to the model in one correction prompt.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .task_types import TaskOption, TaskStep, TodoItem, TodoStatus, ToolCall
from .turns import thread_from
from .types import ChatResult

TASK_SYSTEM = """\
You work through a task in steps. Each reply of yours is ONE step: a single JSON object in a \
```json fenced block, and nothing else:

```json
{"thought": "your reasoning in this step",
 "todo": [{"task": "a piece of the work", "status": "done | doing | open"}],
 "findings": ["a fact you established in this step"],
 "next_action": "what you will do in the next step"}
```

- "todo" is the whole to-do list, updated: make it in your first step, then mark items done.
- "findings" lists only what is new in this step; every finding so far is sent back to you.
- End each step with exactly one of:
  "next_action": "..." to carry on;
  "options": [{"label": "...", "description": "..."}, ...] (two or more) when several ways \
are open and someone else should choose;
  "final_answer": "..." (Markdown) when the task is done.
- Use the tools and knowledge you are given when they help, and record what they told you \
as findings."""

DECISION_SYSTEM = """\
You choose between options for an assistant that is working on a task. Answer with one JSON \
object only: {"choice": <the option's number>, "reason": "<one sentence>"}."""

LAST_STEP = "This is the last step: give your final_answer now, from the findings so far."
STEP_KEYS = (
    "thought",
    "todo",
    "todo_list",
    "todos",
    "findings",
    "key_findings",
    "new_findings",
    "next_action",
    "action",
    "options",
    "final_answer",
)
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)```", re.S)
_DONE = {"done", "completed", "complete", "finished", "x", "[x]", "true", "yes"}
_DOING = {"doing", "in_progress", "in progress", "in-progress", "current", "active", "@", "[@]"}
_CHECKBOX = re.compile(r"^\s*(?:[-*]\s*)?\[(x|X|@|\s?)\]\s*(.*)$")


SUMMARY_SYSTEM = """\
You summarise a task run so that it can go on without its earlier steps. Write plain text \
(no JSON): the task, the key decisions, actions and observations so far, the state of the \
to-do list, and what is left to do. Be concise: the summary replaces the earlier steps."""
# Characters of context (since the last summary) above which a run that summarises does so:
# about 2,000 tokens, well inside any chat model's window.
DEFAULT_SUMMARY_CHARS = 8000


class StepError(ValueError):
    """The model's answer is not a usable step; the message says what is wrong with it."""


# -- prompts ------------------------------------------------------------------------------


def first_prompt(question: str, max_iterations: int) -> str:
    parts = [f"Task: {question.strip()}", _step_line(1, max_iterations)]
    if max_iterations == 1:
        parts.append(LAST_STEP)
    return "\n\n".join(parts)


def next_prompt(
    index: int,
    max_iterations: int,
    *,
    todo: list[TodoItem],
    findings: list[str],
    carry_on: str,
) -> str:
    """The prompt of iteration `index` (2 and up): the state so far, then how to go on."""
    parts = [_step_line(index, max_iterations)]
    if todo:
        parts.append("To-do list:\n" + todo_markdown(todo))
    if findings:
        parts.append("Key findings so far:\n" + "\n".join(f"- {f}" for f in findings))
    parts.append(carry_on)
    if index == max_iterations:
        parts.append(LAST_STEP)
    return "\n\n".join(parts)


def _step_line(index: int, max_iterations: int) -> str:
    return f"Step {index} of at most {max_iterations}: answer with one JSON step."


def summary_prompt(question: str) -> str:
    return (
        f"Summarise the work on this task so far: {question.strip()}\n\n"
        "Plain text, no JSON step: this summary replaces the earlier steps in your context."
    )


def context_chars(history: dict[str, Any], start: str | None) -> int:
    """Characters of the thread a turn would send, from message `start` on."""
    contents = [m.get("content") for m in thread_from(history, start)]
    return sum(len(c) for c in contents if isinstance(c, str))


def correction_prompt(error: str) -> str:
    return (
        f"Your last reply is not a valid step: {error}. Answer again with exactly one JSON "
        'object, as the system prompt says: "thought", "todo", "findings", and one of '
        '"next_action", "options" or "final_answer".'
    )


def carry_on_text(step: TaskStep) -> str:
    if step.next_action:
        return f"Carry on with: {step.next_action}"
    return "Carry on with the next item of your to-do list."


def decision_prompt(question: str, options: list[TaskOption], findings: list[str]) -> str:
    lines = [f"Task: {question.strip()}", "", "The assistant working on it offers these options:"]
    lines += [f"{i}. {_option_line(o)}" for i, o in enumerate(options, 1)]
    if findings:
        lines += ["", "Key findings so far:", *(f"- {f}" for f in findings)]
    lines += [
        "",
        'Which option should it take? Answer with one JSON object: {"choice": <number>, '
        '"reason": "<one sentence>"}.',
    ]
    return "\n".join(lines)


def after_decision_text(
    model: str | None, options: list[TaskOption], choice: int | None, reason: str
) -> str:
    """How the main model is told to go on after it offered options."""
    if model is None:
        return "Several options are open: choose the best one yourself and carry on with it."
    if choice is None:
        why = f" ({reason})" if reason else ""
        return (
            f"The decision model ({model}) could not choose{why}: choose the best option "
            "yourself and carry on with it."
        )
    chosen = _option_line(options[choice - 1])
    why = f" Its reason: {reason}" if reason else ""
    return f"The decision model ({model}) chose option {choice}, {chosen}.{why} Carry on with it."


def _option_line(option: TaskOption) -> str:
    return f"{option.label}: {option.description}" if option.description else option.label


def todo_markdown(todo: list[TodoItem]) -> str:
    marks = {"done": "x", "doing": "@", "open": " "}
    return "\n".join(f"- [{marks[item.status]}] {item.task}" for item in todo)


# -- reading answers ----------------------------------------------------------------------


def find_json_object(text: str, keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object in `text`: a fenced block, the whole text, or the first ``{...}`` in it.

    With `keys`, an object having one of them is preferred over other objects found.
    """
    candidates: list[Any] = []
    for match in _FENCE.finditer(text):
        candidates.append(_loads(match.group(2)))
    candidates.append(_loads(text))
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        candidates.append(value)
        if isinstance(value, dict) and (not keys or set(keys) & value.keys()):
            break
    objects = [c for c in candidates if isinstance(c, dict)]
    for obj in objects:
        if not keys or set(keys) & obj.keys():
            return obj
    if objects:
        return objects[0]
    if any(isinstance(c, list) for c in candidates):
        raise StepError("it is a JSON list; a step is one JSON object")
    raise StepError("it holds no JSON object")


def _loads(text: str) -> Any:
    try:
        return json.loads(text.strip())
    except ValueError:
        return None


def parse_step(text: str) -> TaskStep:
    """Read one step from the model's answer; `StepError` says why it is not one."""
    if not text.strip():
        raise StepError("it is empty")
    data = find_json_object(text, STEP_KEYS)
    final = _text_or_none(data.get("final_answer"))
    options = _options(data.get("options"))
    action, tool_calls = _action(data.get("next_action", data.get("action")))
    if final is None and len(options) < 2 and not action:
        if len(options) == 1:
            action = _option_line(options[0])
        else:
            raise StepError(
                'it has none of "next_action", "options" (two or more) or "final_answer"'
            )
    todo_raw = next((data[k] for k in ("todo", "todo_list", "todos") if k in data), None)
    findings_raw = next(
        (data[k] for k in ("findings", "key_findings", "new_findings") if k in data), None
    )
    return TaskStep(
        thought=_text_or_none(data.get("thought")) or "",
        todo=_todo(todo_raw) if todo_raw is not None else None,
        findings=_strings(findings_raw),
        next_action=action,
        options=options if len(options) >= 2 else [],
        tool_calls=tool_calls,
        final_answer=final,
    )


def parse_decision(text: str, options: list[TaskOption]) -> tuple[int | None, str]:
    """The option the decision model picked (from 1) and its reason; None if it named none."""
    try:
        data = find_json_object(text, ("choice", "selected_option", "option"))
    except StepError:
        data = {}
    reason = _text_or_none(data.get("reason") or data.get("reasoning")) or ""
    raw = next(
        (data[k] for k in ("choice", "selected_option", "option") if data.get(k) is not None),
        None,
    )
    if raw is None:  # a bare answer such as "2" or "Option 2"
        raw = text
    return _option_number(raw, options), reason


def _option_number(raw: Any, options: list[TaskOption]) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float) and float(raw).is_integer():
        number = int(raw)
        return number if 1 <= number <= len(options) else None
    if isinstance(raw, str):
        wanted = raw.strip().casefold()
        for i, option in enumerate(options, 1):
            if wanted == option.label.strip().casefold():
                return i
        match = re.search(r"\d+", raw)
        if match:
            return _option_number(int(match.group()), options)
    return None


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return json.dumps(value, ensure_ascii=False)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("text") or item.get("finding") or json.dumps(item, ensure_ascii=False)
        text = _text_or_none(item)
        if text:
            out.append(text)
    return out


def _todo(value: Any) -> list[TodoItem]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            task = next(
                (item[k] for k in ("task", "title", "item", "text", "name") if item.get(k)), None
            )
            status = _status(item.get("status", item.get("state", item.get("done"))))
        else:
            text = _text_or_none(item) or ""
            mark = _CHECKBOX.match(text)
            task, status = (mark.group(2), _status(mark.group(1))) if mark else (text, "open")
        task = _text_or_none(task)
        if task:
            out.append(TodoItem(task=task, status=status))
    return out


def _status(value: Any) -> TodoStatus:
    if value is True:
        return "done"
    text = str(value or "").strip().casefold()
    if text in _DONE:
        return "done"
    return "doing" if text in _DOING else "open"


def _options(value: Any) -> list[TaskOption]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            label = next(
                (item[k] for k in ("label", "title", "name", "option") if item.get(k)), None
            )
            description = item.get("description") or item.get("details") or ""
            label = _text_or_none(label) or _text_or_none(description)
            if label:
                out.append(TaskOption(label=label, description=_text_or_none(description) or ""))
        elif _text_or_none(item):
            out.append(TaskOption(label=_text_or_none(item) or ""))
    return out


def _action(value: Any) -> tuple[str | None, list[ToolCall]]:
    """``next_action`` as text, and the tool call it names if given as ``{"tool": ...}``."""
    if isinstance(value, dict) and isinstance(value.get("tool"), str) and value["tool"]:
        args = value.get("args", value.get("arguments"))
        call = ToolCall(name=value["tool"], arguments=args)
        return f"use the tool {call.name}", [call]
    return _text_or_none(value), []


def merge_findings(known: list[str], new: list[str]) -> list[str]:
    """The findings of `new` not already in `known` (compared without case and spacing)."""
    seen = {_key(f) for f in known}
    added = []
    for finding in new:
        key = _key(finding)
        if key not in seen:
            seen.add(key)
            added.append(finding)
    return added


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def tool_calls_in(result: ChatResult) -> list[ToolCall]:
    """The server tools that ran behind an answer (read from its tool sources)."""
    return [
        ToolCall(name=call["name"], arguments=call.get("parameters"), result=call.get("result"))
        for call in result.tool_calls
    ]
