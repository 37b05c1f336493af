"""Typed pieces of a task run: to-do items, steps, decisions, the events a run streams, its result.

Shared by the async and the generated sync runner (``_async/task_runner.py``), so that both
hand out the same classes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .agent_types import AgentResult, sum_usage
from .types import ChatResult, ServerModel, Usage

TodoStatus = Literal["open", "doing", "done"]
TaskStatus = Literal["answered", "max_iterations", "aborted", "error"]
# What a turn of the task's chat asks for.
TurnRole = Literal["step", "retry", "decision", "summary"]


class TodoItem(ServerModel):
    """One entry of the task's to-do list."""

    task: str
    status: TodoStatus = "open"

    @property
    def done(self) -> bool:
        """Whether the model marked this item done."""
        return self.status == "done"


class TaskOption(ServerModel):
    """One of the ways forward a step offers when it cannot choose alone."""

    label: str
    description: str = ""


class ToolCall(ServerModel):
    """A tool the model used (or asked for) during a step, with what it returned if known."""

    name: str
    arguments: Any = None
    result: Any = None


class TaskStep(ServerModel):
    """What the model answered in one iteration, parsed.

    Exactly one way on: `final_answer` (done), `options` (two or more: a decision is
    needed) or `next_action` (carry on).
    """

    thought: str = ""
    todo: list[TodoItem] | None = None  # None: the step kept the previous list
    findings: list[str] = Field(default_factory=list)  # new in this step
    next_action: str | None = None
    options: list[TaskOption] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    final_answer: str | None = None

    @property
    def kind(self) -> Literal["final", "options", "action"]:
        """What the step does: gives the final answer, offers options, or goes on."""
        if self.final_answer is not None:
            return "final"
        return "options" if len(self.options) >= 2 else "action"


class TaskDecision(ServerModel):
    """The decision model's pick among a step's options (``choice`` counts from 1)."""

    model: str
    options: list[TaskOption]
    choice: int | None = None  # None: the decision model's answer named no valid option
    reason: str = ""
    result: ChatResult | None = Field(default=None, repr=False)

    @property
    def chosen(self) -> TaskOption | None:
        """The option picked, or None when the choice names no offered option."""
        if self.choice is None or not 1 <= self.choice <= len(self.options):
            return None
        return self.options[self.choice - 1]


class TaskIteration(ServerModel):
    """One iteration: the step, the answers it took (a retry included), figures."""

    index: int
    step: TaskStep | None = None  # None: no valid step (the run ended there)
    results: list[ChatResult] = Field(default_factory=list, repr=False)
    decision: TaskDecision | None = None
    summary: str | None = None  # the run so far, summarised before this step
    summary_result: ChatResult | None = Field(default=None, repr=False)
    retried: bool = False
    error: str | None = None
    started_at: float | None = None  # wall clock, epoch seconds
    duration: float | None = None  # seconds, every call of the iteration included

    @property
    def usage(self) -> Usage | None:
        """Tokens of every answer of this iteration (decision and summary included)."""
        extra = [self.decision.result] if self.decision and self.decision.result else []
        if self.summary_result is not None:
            extra.append(self.summary_result)
        return sum_usage([r.usage for r in [*self.results, *extra]])


class TaskResult(AgentResult):
    """A finished (or stopped) task run; the whole run is one saved chat, `chat_id`."""

    ok_status = "answered"

    question: str
    model: str
    decision_model: str | None = None
    status: TaskStatus
    answer: str | None = None
    todo: list[TodoItem] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    iterations: list[TaskIteration] = Field(default_factory=list, repr=False)
    max_iterations: int
    chat_id: str | None = None
    url: str | None = None
    error: str | None = None
    duration: float | None = None

    @property
    def stopped(self) -> bool:
        """Ended without an answer: at the iteration limit or stopped by the caller."""
        return self.status in ("max_iterations", "aborted")

    def _text(self) -> str | None:
        return self.answer

    @property
    def usage(self) -> Usage | None:
        """Tokens of the whole run, every iteration and decision added up."""
        return sum_usage([i.usage for i in self.iterations])


# -- events a run streams -----------------------------------------------------------------


class TaskEvent(ServerModel):
    """Base of what `stream_task` yields; ``kind`` tells them apart."""

    kind: str
    iteration: int


class IterationStarted(TaskEvent):
    kind: Literal["iteration"] = "iteration"
    max_iterations: int


class TextDelta(TaskEvent):
    """Text of the answer being streamed: a step, its retry, or the decision model's pick."""

    kind: Literal["text"] = "text"
    text: str
    model: str
    role: TurnRole = "step"


class StepParsed(TaskEvent):
    kind: Literal["step"] = "step"
    step: TaskStep


class StepRejected(TaskEvent):
    """The answer was not a valid step; `retrying` says whether it is asked once more."""

    kind: Literal["rejected"] = "rejected"
    error: str
    retrying: bool


class TodoUpdated(TaskEvent):
    kind: Literal["todo"] = "todo"
    todo: list[TodoItem]


class FindingsAdded(TaskEvent):
    kind: Literal["findings"] = "findings"
    new: list[str]
    findings: list[str]  # every finding so far


class ToolCalls(TaskEvent):
    kind: Literal["tool_calls"] = "tool_calls"
    calls: list[ToolCall]


class DecisionMade(TaskEvent):
    kind: Literal["decision"] = "decision"
    decision: TaskDecision


class HistorySummarized(TaskEvent):
    """The run so far was summarised (saved as a turn of the chat); later steps are sent
    the summary instead of the earlier steps."""

    kind: Literal["summary"] = "summary"
    summary: str
    context_chars: int  # size of the context the summary replaced


class FinalAnswer(TaskEvent):
    kind: Literal["final"] = "final"
    answer: str
