"""Typed pieces of a deep-research run: its steps, the events it streams, its result.

Shared by the async and the generated sync runner (``_async/research.py``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .agent_types import AgentResult, sum_usage
from .types import ChatResult, ServerModel, Source, Usage

ModelType = Literal["general", "search"]
ResearchStatus = Literal["reported", "aborted", "error"]
ResearchRole = Literal["plan", "retry", "answer", "report"]


class ResearchStep(ServerModel):
    """One step: the question the planner chose, the model that answered it, the answer."""

    index: int
    question: str | None = None  # None: no usable plan (the run ended there)
    model_type: ModelType = "general"
    model: str | None = None
    answer: str | None = None
    sources: list[Source] = Field(default_factory=list)  # what the server's retrieval gave
    plan_results: list[ChatResult] = Field(default_factory=list, repr=False)
    answer_result: ChatResult | None = Field(default=None, repr=False)
    error: str | None = None
    duration: float | None = None  # seconds, planning and answering

    @property
    def usage(self) -> Usage | None:
        answer = [self.answer_result] if self.answer_result else []
        return sum_usage([r.usage for r in [*self.plan_results, *answer]])

    @property
    def log_line(self) -> str:
        """The step as the reference client logs it: what was asked, of which model."""
        return f"Step {self.index}: asked {self.question!r} (using {self.model})"


class ResearchResult(AgentResult):
    """A finished (or stopped) research run; the whole run is one saved chat, `chat_id`."""

    ok_status = "reported"

    topic: str
    status: ResearchStatus
    report: str | None = None
    steps: list[ResearchStep] = Field(default_factory=list)
    num_steps: int
    general_models: list[str]
    search_models: list[str] = Field(default_factory=list)
    title: str
    chat_id: str | None = None
    url: str | None = None
    error: str | None = None
    duration: float | None = None
    report_result: ChatResult | None = Field(default=None, repr=False)

    def _text(self) -> str | None:
        return self.report

    @property
    def research_log(self) -> list[str]:
        """One line per answered step (the reference client's ``research_log``)."""
        return [s.log_line for s in self.steps if s.answer is not None]

    @property
    def sources(self) -> list[Source]:
        """Every source the steps' answers cited, in order."""
        return [s for step in self.steps for s in step.sources]

    @property
    def usage(self) -> Usage | None:
        report = [self.report_result.usage] if self.report_result else []
        return sum_usage([s.usage for s in self.steps] + report)


# -- events a run streams -----------------------------------------------------------------


class ResearchEvent(ServerModel):
    """Base of what `stream_research` yields; ``kind`` tells them apart. ``step`` counts
    from 1; the report's events carry ``num_steps + 1``."""

    kind: str
    step: int


class ResearchStepStarted(ResearchEvent):
    kind: Literal["step_started"] = "step_started"
    num_steps: int


class ResearchText(ResearchEvent):
    """Text being streamed: a plan (or its retry), a step's answer, or the report."""

    kind: Literal["text"] = "text"
    text: str
    model: str
    role: ResearchRole


class PlanRejected(ResearchEvent):
    kind: Literal["plan_rejected"] = "plan_rejected"
    error: str
    retrying: bool


class StepPlanned(ResearchEvent):
    kind: Literal["planned"] = "planned"
    question: str
    model_type: ModelType
    model: str


class SourcesFound(ResearchEvent):
    kind: Literal["sources"] = "sources"
    sources: list[Source]


class StepAnswered(ResearchEvent):
    kind: Literal["answered"] = "answered"
    answer: str
    model: str


class ReportWritten(ResearchEvent):
    kind: Literal["report"] = "report"
    report: str
    model: str
