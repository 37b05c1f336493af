"""The task runner: a question worked through in steps by a model, saved as one chat.

Each iteration is one turn of an ordinary `AsyncChat`: the runner's prompt (the state so far
and how to go on), the model's JSON step as the answer. A decision model, when the step
offers options, answers as a turn of the same chat. So the whole run is one saved chat,
threaded as the web UI shows it, with usage and timings on every answer, and whatever
stops it (a limit, `abort()`, Ctrl-C, an error) keeps everything answered so far.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._settings import DEFAULT_MAX_ITERATIONS
from ..errors import ConfigurationError, NotFoundError, OpenWebUIError
from ..task_steps import (
    DECISION_SYSTEM,
    DEFAULT_SUMMARY_CHARS,
    SUMMARY_SYSTEM,
    TASK_SYSTEM,
    StepError,
    after_decision_text,
    carry_on_text,
    context_chars,
    correction_prompt,
    decision_prompt,
    first_prompt,
    merge_findings,
    next_prompt,
    parse_decision,
    parse_step,
    summary_prompt,
    tool_calls_in,
)
from ..task_types import (
    DecisionMade,
    FinalAnswer,
    FindingsAdded,
    HistorySummarized,
    IterationStarted,
    StepParsed,
    StepRejected,
    TaskDecision,
    TaskEvent,
    TaskIteration,
    TaskResult,
    TaskStatus,
    TaskStep,
    TextDelta,
    TodoItem,
    TodoUpdated,
    ToolCalls,
    TurnRole,
)
from ..turns import default_title
from ..types import ChatResult
from ._agent_stream import AsyncAgentStreamBase

if TYPE_CHECKING:
    from .client import AsyncOpenWebUI


class AsyncTaskStream(AsyncAgentStreamBase[TaskEvent, TaskResult]):
    """A task run; iterate it for `TaskEvent`s as the steps stream, `result` after.

        async with client.stream_task("Plan a data migration", "llama3") as run:
            async for event in run:       # IterationStarted, TextDelta, TodoUpdated, ...
                ...
        run.result                        # TaskResult: answer, todo, findings, iterations

    `abort()` (from any thread or task) stops the answer in flight at its next chunk; that
    answer is saved as stopped and the run ends with status ``"aborted"``.
    """

    _noun = "task"

    def __init__(
        self,
        client: AsyncOpenWebUI,
        question: str,
        model: str,
        *,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        decision_model: str | None = None,
        system: str | None = None,
        title: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        params: dict[str, Any] | None = None,
        summarize_history: bool = False,
        summary_after: int = DEFAULT_SUMMARY_CHARS,
    ) -> None:
        if not isinstance(question, str) or not question.strip():
            raise ConfigurationError("the task is empty: write the question to work on")
        if not model:
            raise ConfigurationError("no model chosen: pass the model that works on the task")
        if isinstance(max_iterations, bool) or not isinstance(max_iterations, int):
            raise ConfigurationError("max_iterations must be a whole number of at least 1")
        if max_iterations < 1:
            raise ConfigurationError("max_iterations must be a whole number of at least 1")
        if isinstance(summary_after, bool) or not isinstance(summary_after, int):
            raise ConfigurationError("summary_after must be a number of characters, at least 1")
        if summary_after < 1:
            raise ConfigurationError("summary_after must be a number of characters, at least 1")
        # Long runs: once the context since the last summary passes `summary_after`
        # characters, the run so far is summarised (a turn of the chat) and later steps
        # are sent the summary instead of the earlier steps.
        self.summarize_history = summarize_history
        self.summary_after = summary_after
        self.question = question.strip()
        self.model = model
        self.decision_model = decision_model or None
        self.max_iterations = max_iterations
        # Only the working model's steps get the tools, knowledge and sampling options.
        self.params = {k: v for k, v in (params or {}).items() if v is not None}
        self._client = client
        instructions = TASK_SYSTEM + (f"\n\n{system.strip()}" if system and system.strip() else "")
        super().__init__(
            client.chat(
                model,
                system=instructions,
                title=title or f"Task: {default_title(self.question)}",
                folder_id=folder_id,
                tags=tags,
            )
        )
        self.todo: list[TodoItem] = []
        self.findings: list[str] = []
        self.iterations: list[TaskIteration] = []
        self._carry_on = ""

    def _describe(self) -> str:
        return f"model={self.model!r}"

    # -- the run ------------------------------------------------------------------------

    async def _iterate(self) -> AsyncIterator[TaskEvent]:
        started = time.perf_counter()
        status: TaskStatus = "max_iterations"
        try:
            await self._resolve_tool_servers()
            prompt = first_prompt(self.question, self.max_iterations)
            for index in range(1, self.max_iterations + 1):
                if self._aborted:
                    status = "aborted"
                    break
                iteration = TaskIteration(index=index, started_at=time.time())
                self.iterations.append(iteration)
                yield IterationStarted(iteration=index, max_iterations=self.max_iterations)
                t0 = time.perf_counter()
                try:
                    async for event in self._iteration(iteration, prompt):
                        yield event
                finally:
                    iteration.duration = time.perf_counter() - t0
                if self._aborted:
                    status = "aborted"
                    break
                if iteration.step is None:
                    status, self.error = "error", iteration.error
                    break
                if iteration.step.final_answer is not None:
                    status = "answered"
                    break
                prompt = next_prompt(
                    index + 1,
                    self.max_iterations,
                    todo=self.todo,
                    findings=self.findings,
                    carry_on=self._carry_on,
                )
        except OpenWebUIError as exc:
            status, self.error = "error", exc.message
            raise
        except BaseException:
            # Ctrl-C, cancellation, or the caller leaving the loop: keep what was saved.
            status = "aborted"
            raise
        finally:
            self._result = self._outcome(status, time.perf_counter() - started)

    async def _resolve_tool_servers(self) -> None:
        """``tool_server_ids`` as ``server:`` tool ids, checked against what this user may
        use: the server would skip an unknown one silently."""
        servers = self.params.pop("tool_servers", None)
        if servers:
            own = list(self.params.get("tool_ids") or [])
            ids = await self._client.tool_servers.resolve(servers)
            self.params["tool_ids"] = list(dict.fromkeys([*own, *ids]))

    async def _iteration(self, iteration: TaskIteration, prompt: str) -> AsyncIterator[TaskEvent]:
        """Ask for a step (once more if it is malformed), then act on it."""
        index = iteration.index
        if self._summary_due():
            async for event in self._summarize(iteration):
                yield event
            if self._aborted:
                return
        async for event in self._ask(iteration, prompt, role="step"):
            yield event
        result = self._last
        if self._aborted or result is None:
            return
        try:
            step = parse_step(result.content)
        except StepError as first:
            yield StepRejected(iteration=index, error=str(first), retrying=True)
            iteration.retried = True
            async for event in self._ask(iteration, correction_prompt(str(first)), role="retry"):
                yield event
            result = self._last
            if self._aborted or result is None:
                return
            try:
                step = parse_step(result.content)
            except StepError as second:
                iteration.error = (
                    f"step {index}: the model's answer was not a valid step, twice "
                    f"({first}; then {second}); both answers are saved in the chat"
                )
                yield StepRejected(iteration=index, error=str(second), retrying=False)
                return
        iteration.step = step
        yield StepParsed(iteration=index, step=step)
        async for event in self._take_in(iteration, step, result):
            yield event

    async def _take_in(
        self, iteration: TaskIteration, step: TaskStep, result: ChatResult
    ) -> AsyncIterator[TaskEvent]:
        """Update the to-do list and findings from a step, and settle how to go on."""
        index = iteration.index
        if step.todo is not None:
            self.todo = list(step.todo)
            yield TodoUpdated(iteration=index, todo=list(self.todo))
        new = merge_findings(self.findings, step.findings)
        if new:
            self.findings.extend(new)
            yield FindingsAdded(iteration=index, new=new, findings=list(self.findings))
        calls = [*step.tool_calls, *tool_calls_in(result)]
        if calls:
            yield ToolCalls(iteration=index, calls=calls)
        if step.final_answer is not None:
            yield FinalAnswer(iteration=index, answer=step.final_answer)
            return
        if not step.options:
            self._carry_on = carry_on_text(step)
            return
        if self.decision_model is None or index == self.max_iterations:
            # No one else to ask, or no step left to act on a decision.
            self._carry_on = after_decision_text(None, step.options, None, "")
            return
        async for event in self._decide(iteration, step):
            yield event

    async def _decide(self, iteration: TaskIteration, step: TaskStep) -> AsyncIterator[TaskEvent]:
        """Ask the decision model, as a turn of the same chat, which option to take."""
        model = self.decision_model or ""
        decision = TaskDecision(model=model, options=step.options)
        prompt = decision_prompt(self.question, step.options, self.findings)
        failure = ""
        try:
            async for event in self._ask(
                iteration, prompt, role="decision", model=model, system=DECISION_SYSTEM
            ):
                yield event
        except NotFoundError:
            raise  # an unknown decision model is the caller's to fix
        except OpenWebUIError as exc:
            failure = f"it failed: {exc.message}"
        decision.result = self._last
        iteration.decision = decision
        if self._aborted:
            return  # stopped while the decision model answered: the run ends here
        if self._last is not None and not failure:
            decision.choice, decision.reason = parse_decision(self._last.content, step.options)
            if decision.choice is None:
                failure = "its answer named none of the options"
        if failure:
            decision.reason = failure
        yield DecisionMade(iteration=iteration.index, decision=decision)
        self._carry_on = after_decision_text(model, step.options, decision.choice, decision.reason)

    def _summary_due(self) -> bool:
        chat = self.chat
        if not self.summarize_history or not chat.history.get("currentId"):
            return False
        return context_chars(chat.history, chat.context_from) > self.summary_after

    async def _summarize(self, iteration: TaskIteration) -> AsyncIterator[TaskEvent]:
        """Summarise the run so far as a turn of the chat; later turns start from it."""
        size = context_chars(self.chat.history, self.chat.context_from)
        prompt = summary_prompt(self.question)
        # Asked like the decision model: without the working model's tools and knowledge.
        async for event in self._ask(
            iteration, prompt, role="summary", model=self.model, system=SUMMARY_SYSTEM
        ):
            yield event
        result = self._last
        iteration.summary_result = result
        if result is None or self._aborted or not result.ok or not result.content.strip():
            return  # no summary: the next step is sent the whole thread, as before
        iteration.summary = result.content
        self.chat.context_from = result.parent_id
        yield HistorySummarized(
            iteration=iteration.index, summary=result.content, context_chars=size
        )

    async def _ask(
        self,
        iteration: TaskIteration,
        prompt: str,
        *,
        role: TurnRole,
        model: str | None = None,
        system: str | None = None,
    ) -> AsyncIterator[TaskEvent]:
        """One turn of the chat, streamed as `TextDelta`s; its result lands in ``_last``."""
        use = model or self.model
        params = dict(self.params) if model is None else {}
        if system:
            params["system"] = system
        stream = self.chat.stream(prompt, model=use, **params)
        try:
            async with self._turn(stream):
                async for text in stream:
                    yield TextDelta(iteration=iteration.index, text=text, model=use, role=role)
        finally:
            if self._last is not None and role in ("step", "retry"):
                iteration.results.append(self._last)

    def _outcome(self, status: TaskStatus, duration: float) -> TaskResult:
        last = self.iterations[-1].step if self.iterations else None
        answer = last.final_answer if status == "answered" and last is not None else None
        return TaskResult(
            question=self.question,
            model=self.model,
            decision_model=self.decision_model,
            status=status,
            answer=answer,
            todo=list(self.todo),
            findings=list(self.findings),
            iterations=list(self.iterations),
            max_iterations=self.max_iterations,
            chat_id=self.chat.id,
            url=self.chat.url,
            error=self.error,
            duration=duration,
        )
