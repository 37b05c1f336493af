"""The task view without a server: what each event shows, in a notebook and in a terminal."""

from __future__ import annotations

from owui_notebook.client.task_types import (
    DecisionMade,
    FinalAnswer,
    FindingsAdded,
    IterationStarted,
    StepParsed,
    StepRejected,
    TaskDecision,
    TaskIteration,
    TaskOption,
    TaskResult,
    TaskStep,
    TextDelta,
    TodoItem,
    TodoUpdated,
    ToolCall,
    ToolCalls,
)
from owui_notebook.render.task_view import TaskDisplay, outcome_line

HOSTILE = "<script>alert(1)</script>"
TODO = [TodoItem(task="read", status="done"), TodoItem(task=HOSTILE, status="doing")]
OPTIONS = [TaskOption(label="A"), TaskOption(label="B")]


def events():
    step = TaskStep(thought=HOSTILE, todo=TODO, findings=[HOSTILE], options=OPTIONS)
    return [
        IterationStarted(iteration=1, max_iterations=3),
        TextDelta(iteration=1, text='{"thought": "<b>', model="alpha"),
        StepRejected(iteration=1, error="it holds no JSON object", retrying=True),
        StepParsed(iteration=1, step=step),
        TodoUpdated(iteration=1, todo=TODO),
        FindingsAdded(iteration=1, new=[HOSTILE], findings=[HOSTILE]),
        ToolCalls(
            iteration=1, calls=[ToolCall(name="calc/add", arguments={"a": 2}, result="2 = 2")]
        ),
        DecisionMade(
            iteration=1,
            decision=TaskDecision(model="beta", options=OPTIONS, choice=2, reason="why not"),
        ),
        FinalAnswer(iteration=2, answer="**done**"),
    ]


def result(**kw):
    base = {
        "question": "q",
        "model": "alpha",
        "status": "answered",
        "answer": "**done** " + HOSTILE,
        "todo": TODO,
        "findings": [HOSTILE],
        "iterations": [TaskIteration(index=1), TaskIteration(index=2)],
        "max_iterations": 3,
        "duration": 1.25,
    }
    return TaskResult(**{**base, **kw})


def test_notebook_view_shows_each_part_and_escapes_model_text(monkeypatch):
    sent = []

    class Handle:
        def update(self, bundle, raw):
            sent.append(bundle)

    def display(bundle, raw, display_id):
        sent.append(bundle)
        return Handle()

    monkeypatch.setattr("IPython.display.display", display)
    view = TaskDisplay("alpha", 3, rich=True)
    view.start()
    for event in events():
        view.feed(event)
    view.finish(result(), url="http://x/c/1")
    markups = [b["text/html"] for b in sent]
    assert all("<script" not in m for m in markups)
    streaming = next(m for m in markups if "&quot;thought&quot;: &quot;&lt;b&gt;" in m)
    assert "step 1 …" in streaming
    final = markups[-1]
    assert "☑" in final and "▶ <b>&lt;script&gt;" in final
    assert "asking once more" in final and "options: 1. A; 2. B" in final
    assert "🔧 <code>calc/add(a=2) → 2 = 2</code>" in final
    assert "⚖ beta chose 2. B: why not" in final
    assert "<strong>done</strong> &lt;script&gt;" in final
    assert "answered in 2 steps · total 1.2 s" in final and 'href="http://x/c/1"' in final
    assert sent[-1]["text/plain"].startswith("Task · alpha\n☑ read")


def test_terminal_view_prints_lines(capsys):
    view = TaskDisplay("alpha", 3, rich=False)
    view.start()
    for event in events():
        view.feed(event)
    view.finish(result())
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "task with alpha, at most 3 steps …"
    for line in (
        "── step 1 of at most 3 ──",
        "  ☑ read",
        "decision: beta chose 2. B: why not",
        "tool: calc/add(a=2) → 2 = 2",
        "answered in 2 steps · total 1.2 s",
    ):
        assert line in out


def test_outcome_lines():
    assert outcome_line(result(status="max_iterations", answer=None, duration=None)) == (
        "no answer within 3 steps: stopped at the limit"
    )
    aborted = result(status="aborted", iterations=[TaskIteration(index=1)], duration=None)
    assert outcome_line(aborted) == "stopped after 1 step; what was answered is saved"
