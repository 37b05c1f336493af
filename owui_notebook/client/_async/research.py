"""Deep research: planned questions answered by routed models, then a report, as one chat.

Each step is two turns of an ordinary `AsyncChat`: the planning prompt answered by the
first general model (the next question and the type of model for it), then that question
answered by a general or a search-capable model. After the last step the first general
model writes the report. So the run is one saved chat, threaded as the web UI shows it,
and whatever stops it (`abort()`, Ctrl-C, an error) keeps every turn answered so far: each
turn's save is the engine's, guarded against a second Ctrl-C.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._settings import DEFAULT_RESEARCH_STEPS
from ..errors import ConfigurationError, OpenWebUIError
from ..research_steps import parse_plan, pick_model, plan_correction, plan_prompt, report_prompt
from ..research_types import (
    PlanRejected,
    ReportWritten,
    ResearchEvent,
    ResearchResult,
    ResearchRole,
    ResearchStatus,
    ResearchStep,
    ResearchStepStarted,
    ResearchText,
    SourcesFound,
    StepAnswered,
    StepPlanned,
)
from ..task_steps import StepError
from ..turns import default_title
from ..types import ChatResult
from ._agent_stream import AsyncAgentStreamBase

if TYPE_CHECKING:
    from .client import AsyncOpenWebUI


class AsyncResearchStream(AsyncAgentStreamBase[ResearchEvent, ResearchResult]):
    """A research run; iterate it for `ResearchEvent`s, `result` after.

        async with client.stream_research("Index types", general_models=["llama3"]) as run:
            async for event in run:      # step_started, text, planned, sources, answered, report
                ...
        run.result                       # ResearchResult: steps, sources, report, chat id

    `abort()` (from any thread or task) stops the answer in flight at its next chunk; that
    answer is saved as stopped and the run ends with status ``"aborted"``.
    """

    _noun = "research"

    def __init__(
        self,
        client: AsyncOpenWebUI,
        topic: str,
        *,
        num_steps: int = DEFAULT_RESEARCH_STEPS,
        general_models: list[str],
        search_models: list[str] | None = None,
        search_params: dict[str, Any] | None = None,
        system: str | None = None,
        title: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(topic, str) or not topic.strip():
            raise ConfigurationError("the research topic is empty: write what to research")
        if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 1:
            raise ConfigurationError("num_steps must be a whole number of at least 1")
        general = _model_list(general_models, "general_models")
        if not general:
            raise ConfigurationError(
                "no general model: pass general_models=[...] (they plan, answer and report)"
            )
        self.topic = topic.strip()
        self.num_steps = num_steps
        self.general_models = general
        self.search_models = _model_list(search_models, "search_models")
        self.params = {k: v for k, v in (params or {}).items() if v is not None}
        # Retrieval and tools go with the search models' questions (every question when
        # there are none: then the general models are the ones that can use them).
        self.search_params = {k: v for k, v in (search_params or {}).items() if v is not None}
        self.title = title or f"Deep Dive: {default_title(self.topic)}"
        super().__init__(
            client.chat(general[0], system=system, title=self.title, folder_id=folder_id, tags=tags)
        )
        self.steps: list[ResearchStep] = []
        self.report: str | None = None
        self._report_result: ChatResult | None = None
        self._used = {"general": 0, "search": 0}

    def _describe(self) -> str:
        return f"topic={self.topic!r}"

    # -- the run ------------------------------------------------------------------------

    async def _iterate(self) -> AsyncIterator[ResearchEvent]:
        started = time.perf_counter()
        status: ResearchStatus = "aborted"
        try:
            for index in range(1, self.num_steps + 1):
                if self._aborted:
                    break
                step = ResearchStep(index=index)
                self.steps.append(step)
                yield ResearchStepStarted(step=index, num_steps=self.num_steps)
                t0 = time.perf_counter()
                try:
                    async for event in self._step(step):
                        yield event
                finally:
                    step.duration = time.perf_counter() - t0
                if step.error is not None:
                    status, self.error = "error", step.error
                    break
            else:
                if not self._aborted:
                    async for event in self._write_report():
                        yield event
                    if not self._aborted:
                        status = "reported"
        except OpenWebUIError as exc:
            status, self.error = "error", exc.message
            raise
        except BaseException:
            # Ctrl-C, cancellation, or the caller leaving the loop: keep what was saved.
            status = "aborted"
            raise
        finally:
            self._result = self._outcome(status, time.perf_counter() - started)

    async def _step(self, step: ResearchStep) -> AsyncIterator[ResearchEvent]:
        """Plan (once more if the plan is unusable), then ask the planned question."""
        index, planner = step.index, self.general_models[0]
        has_search = bool(self.search_models)
        prompt = plan_prompt(
            self.topic,
            index,
            self.num_steps,
            self.steps[:-1],
            self.general_models,
            self.search_models,
        )
        plan: tuple[str, Any] | None = None
        roles: tuple[ResearchRole, ...] = ("plan", "retry")
        for attempt, role in enumerate(roles):
            async for event in self._ask(index, prompt, planner, role):
                yield event
            if self._aborted or self._last is None:
                return
            step.plan_results.append(self._last)
            try:
                plan = parse_plan(self._last.content, has_search)
                break
            except StepError as exc:
                yield PlanRejected(step=index, error=str(exc), retrying=attempt == 0)
                if attempt == 1:
                    step.error = (
                        f"step {index}: the planner's answer was not a usable plan, twice "
                        f"({exc}); both answers are saved in the chat"
                    )
                    return
                prompt = plan_correction(str(exc))
        assert plan is not None
        step.question, step.model_type = plan
        models = self.search_models if step.model_type == "search" else self.general_models
        step.model = pick_model(models, self._used[step.model_type])
        self._used[step.model_type] += 1
        yield StepPlanned(
            step=index, question=step.question, model_type=step.model_type, model=step.model
        )
        extra = self.search_params if step.model_type == "search" or not has_search else {}
        async for event in self._ask(index, step.question, step.model, "answer", extra):
            yield event
        result = self._last
        if result is None:
            return
        step.answer_result = result
        step.sources = list(result.sources)
        if step.sources:
            yield SourcesFound(step=index, sources=list(step.sources))
        if not self._aborted and result.ok:
            step.answer = result.content
            yield StepAnswered(step=index, answer=result.content, model=step.model)

    async def _write_report(self) -> AsyncIterator[ResearchEvent]:
        writer, index = self.general_models[0], self.num_steps + 1
        prompt = report_prompt(self.topic, self.steps)
        async for event in self._ask(index, prompt, writer, "report"):
            yield event
        self._report_result = self._last
        if self._last is not None and not self._aborted and self._last.ok:
            self.report = self._last.content
            yield ReportWritten(step=index, report=self.report, model=writer)

    async def _ask(
        self,
        index: int,
        prompt: str,
        model: str,
        role: ResearchRole,
        extra: dict[str, Any] | None = None,
    ) -> AsyncIterator[ResearchEvent]:
        """One turn of the chat, streamed as `ResearchText`; its result lands in ``_last``."""
        stream = self.chat.stream(prompt, model=model, **{**self.params, **(extra or {})})
        async with self._turn(stream):
            async for text in stream:
                yield ResearchText(step=index, text=text, model=model, role=role)

    def _outcome(self, status: ResearchStatus, duration: float) -> ResearchResult:
        return ResearchResult(
            topic=self.topic,
            status=status,
            report=self.report if status == "reported" else None,
            steps=list(self.steps),
            num_steps=self.num_steps,
            general_models=list(self.general_models),
            search_models=list(self.search_models),
            title=self.title,
            chat_id=self.chat.id,
            url=self.chat.url,
            error=self.error,
            duration=duration,
            report_result=self._report_result,
        )


def _model_list(models: Any, name: str) -> list[str]:
    """A list of model ids (one id may be given as a string); duplicates dropped."""
    if models is None:
        return []
    ids = [models] if isinstance(models, str) else list(models)
    if not all(isinstance(m, str) and m.strip() for m in ids):
        raise ConfigurationError(f"{name} must be model id strings, e.g. {name}=['llama3']")
    return list(dict.fromkeys(m.strip() for m in ids))
