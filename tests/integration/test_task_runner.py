"""The task runner against a real Open WebUI: steps, limits, decisions, bad steps, stops.

The working model follows a `script` (provider knob): one JSON step per iteration, chosen
by what the conversation already shows, so each test knows exactly what the model answers.
"""

from __future__ import annotations

import json
import uuid

import pytest

from owui_notebook.client import TaskResult, thread, validate_history
from owui_notebook.client.task_steps import DECISION_SYSTEM, TASK_SYSTEM
from tests.helpers.chats import saved


def fenced(**step) -> str:
    return "```json\n" + json.dumps(step) + "\n```"


STEP_PLAN = fenced(
    thought="First I list what to check.",
    todo=[
        {"task": "Collect the facts", "status": "doing"},
        {"task": "Weigh the index types", "status": "open"},
        {"task": "Answer", "status": "open"},
    ],
    findings=["B-trees keep keys sorted"],
    next_action="weigh the index types",
)
STEP_OPTIONS = fenced(
    thought="Two index types fit.",
    todo=[
        {"task": "Collect the facts", "status": "done"},
        {"task": "Weigh the index types", "status": "doing"},
        {"task": "Answer", "status": "open"},
    ],
    findings=["Hash indexes cannot scan ranges", "B-trees keep keys sorted"],
    options=[
        {"label": "B-tree", "description": "sorted, good for ranges"},
        {"label": "Hash", "description": "fast equality lookups"},
    ],
)
STEP_ACTION = fenced(
    thought="Range queries decide it.",
    todo=[
        {"task": "Collect the facts", "status": "done"},
        {"task": "Weigh the index types", "status": "doing"},
        {"task": "Answer", "status": "open"},
    ],
    findings=["Hash indexes cannot scan ranges"],
    next_action="write the answer",
)
STEP_FINAL = fenced(
    thought="Done.",
    todo=[
        {"task": "Collect the facts", "status": "done"},
        {"task": "Weigh the index types", "status": "done"},
        {"task": "Answer", "status": "done"},
    ],
    findings=["Range scans are common here"],
    final_answer="Use a **B-tree** index.",
)
DECISION = json.dumps({"choice": 2, "reason": "equality lookups dominate"})


def question() -> str:
    return f"Which index should table t{uuid.uuid4().hex[:6]} use?"


def last_user(request) -> str:
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


def saved_thread(client, result: TaskResult):
    record = saved(client, result.chat_id)
    return record, thread(record.history)


@pytest.mark.all_versions
def test_reaches_the_final_answer_with_todo_and_findings_in_one_chat(client_any, provider_any):
    client, provider = client_any, provider_any
    provider.configure("alpha", script=[STEP_PLAN, STEP_ACTION, STEP_FINAL])
    ask = question()
    result = client.run_task(ask, "alpha", max_iterations=5, temperature=0.1)

    assert result.status == "answered" and result.ok and not result.stopped
    assert result.answer == "Use a **B-tree** index."
    assert len(result.iterations) == 3
    assert [i.step.kind for i in result.iterations] == ["action", "action", "final"]
    assert [(t.task, t.status) for t in result.todo] == [
        ("Collect the facts", "done"),
        ("Weigh the index types", "done"),
        ("Answer", "done"),
    ]
    # Accumulated across steps, each once.
    assert result.findings == [
        "B-trees keep keys sorted",
        "Hash indexes cannot scan ranges",
        "Range scans are common here",
    ]
    for iteration in result.iterations:
        assert iteration.duration is not None and iteration.duration >= 0
        assert iteration.usage is not None and iteration.usage.completion_tokens > 0
    assert result.usage.total_tokens == sum(i.usage.total_tokens for i in result.iterations)

    # One chat, threaded: the runner's prompt, the model's step, three times.
    record, messages = saved_thread(client, result)
    assert record.title == f"Task: {' '.join(ask.split()[:6])}"
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert messages[0]["content"].startswith(f"Task: {ask}")
    assert [m["content"] for m in messages[1::2]] == [STEP_PLAN, STEP_ACTION, STEP_FINAL]
    assert [m["id"] for m in messages[1::2]] == [i.results[0].message_id for i in result.iterations]
    for answer in messages[1::2]:
        assert answer["model"] == "alpha" and answer["usage"]["completion_tokens"] > 0
        assert answer["owui_notebook"]["total"] is not None
    found = [c for c in client.chats.list() if c.id == result.chat_id]
    assert len(found) == 1

    # What the model was sent: the protocol, then the state carried forward.
    sent = provider.answer_requests("alpha")
    assert len(sent) == 3
    assert all(r["messages"][0] == {"role": "system", "content": TASK_SYSTEM} for r in sent)
    assert all(r.get("temperature") == 0.1 for r in sent)
    second = last_user(sent[1])
    assert second.startswith("Step 2 of at most 5")
    assert "- [@] Collect the facts" in second and "- B-trees keep keys sorted" in second
    assert "Carry on with: weigh the index types" in second
    third = last_user(sent[2])
    assert "- Hash indexes cannot scan ranges" in third
    assert "Carry on with: write the answer" in third


def test_max_iterations_bounds_the_run(client, provider):
    provider.configure("alpha", script=[STEP_PLAN, STEP_ACTION])  # never answers
    result = client.run_task(question(), "alpha", max_iterations=2)
    assert result.status == "max_iterations" and result.stopped and not result.ok
    assert result.answer is None and len(result.iterations) == 2
    assert result.findings == ["B-trees keep keys sorted", "Hash indexes cannot scan ranges"]
    sent = provider.answer_requests("alpha")
    assert len(sent) == 2
    assert "This is the last step: give your final_answer now" in last_user(sent[1])
    assert "last step" not in last_user(sent[0])
    _, messages = saved_thread(client, result)
    assert len(messages) == 4


@pytest.mark.all_versions
async def test_decision_model_is_consulted_when_options_appear(aclient_any, provider_any):
    client, provider = aclient_any, provider_any
    provider.configure("alpha", script=[STEP_OPTIONS, STEP_FINAL])
    provider.configure("beta", reply=DECISION)
    ask = question()
    kinds = []
    async with client.stream_task(ask, "alpha", decision_model="beta") as run:
        async for event in run:
            if not kinds or kinds[-1] != event.kind:
                kinds.append(event.kind)
            if event.kind == "decision":
                decision = event.decision
    result = run.result
    assert result.status == "answered" and result.decision_model == "beta"
    assert kinds == [
        "iteration",
        "text",
        "step",
        "todo",
        "findings",
        "text",  # the decision model's answer
        "decision",
        "iteration",
        "text",
        "step",
        "todo",
        "findings",
        "final",
    ]
    assert decision.choice == 2 and decision.chosen.label == "Hash"
    assert decision.reason == "equality lookups dominate"
    assert result.iterations[0].decision.choice == 2

    # The decision model was asked, with the options, under its own instructions.
    (asked,) = provider.answer_requests("beta")
    assert asked["messages"][0] == {"role": "system", "content": DECISION_SYSTEM}
    prompt = last_user(asked)
    assert f"Task: {ask}" in prompt
    assert "1. B-tree: sorted, good for ranges" in prompt and "2. Hash: fast" in prompt
    # ...and the working model was told what it chose.
    follow = last_user(provider.answer_requests("alpha")[1])
    assert "The decision model (beta) chose option 2, Hash: fast equality lookups." in follow

    record = await client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert [m.get("model") for m in messages] == [None, "alpha", None, "beta", None, "alpha"]
    assert messages[3]["content"] == DECISION


async def test_options_without_a_decision_model_go_back_to_the_model(aclient, provider):
    provider.configure("alpha", script=[STEP_OPTIONS, STEP_FINAL])
    result = await aclient.run_task(question(), "alpha")
    assert result.status == "answered" and result.iterations[0].decision is None
    follow = last_user(provider.answer_requests("alpha")[1])
    assert "choose the best one yourself" in follow


async def test_a_decision_that_names_no_option_is_left_to_the_model(aclient, provider):
    provider.configure("alpha", script=[STEP_OPTIONS, STEP_FINAL])
    provider.configure("beta", reply="I cannot decide.")
    result = await aclient.run_task(question(), "alpha", decision_model="beta")
    decision = result.iterations[0].decision
    assert decision.choice is None and decision.chosen is None
    assert "named none of the options" in decision.reason
    assert result.status == "answered"
    assert "could not choose" in last_user(provider.answer_requests("alpha")[1])


def test_a_malformed_step_is_retried_once(client, provider):
    provider.configure("alpha", script=["Sure, I will get right on it!", STEP_FINAL])
    events = []
    with client.stream_task(question(), "alpha") as run:
        for event in run:
            events.append(event)
    result = run.result
    assert result.status == "answered" and len(result.iterations) == 1
    (rejected,) = [e for e in events if e.kind == "rejected"]
    assert rejected.retrying and "no JSON object" in rejected.error
    assert [e.role for e in events if e.kind == "text"][-1] == "retry"
    first = result.iterations[0]
    assert first.retried and len(first.results) == 2
    sent = provider.answer_requests("alpha")
    assert last_user(sent[1]).startswith("Your last reply is not a valid step: it holds no JSON")
    # Both answers are in the chat, in order.
    _, messages = saved_thread(client, result)
    assert [m["content"] for m in messages[1::2]] == ["Sure, I will get right on it!", STEP_FINAL]


def test_a_step_malformed_twice_ends_with_a_clear_error_and_keeps_the_chat(client, provider):
    no_way_on = json.dumps({"thought": "hmm", "todo": ["[x] look around"]})
    provider.configure("alpha", script=[STEP_PLAN, "[1, 2, 3]", no_way_on])
    result = client.run_task(question(), "alpha")
    assert result.status == "error" and not result.stopped and result.answer is None
    assert result.error.startswith("step 2: the model's answer was not a valid step, twice")
    assert "JSON list" in result.error and '"next_action"' in result.error
    assert result.iterations[1].step is None and result.iterations[1].retried
    # What came before is kept: the state and every answer, saved.
    assert result.findings == ["B-trees keep keys sorted"]
    _, messages = saved_thread(client, result)
    assert len(messages) == 6
    assert [m["content"] for m in messages[1::2]] == [STEP_PLAN, "[1, 2, 3]", no_way_on]


async def test_abort_mid_stream_leaves_a_valid_saved_chat(aclient, provider):
    provider.configure("alpha", script=[STEP_PLAN, STEP_OPTIONS], tokens_per_second=40)
    async with aclient.stream_task(question(), "alpha", max_iterations=5) as run:
        seen = 0
        async for event in run:
            if event.kind == "text" and event.iteration == 2:
                seen += 1
                if seen == 3:
                    run.abort()
    result = run.result
    assert result.status == "aborted" and result.stopped
    assert len(result.iterations) == 2 and result.iterations[1].step is None
    partial = result.iterations[1].results[0]
    assert partial.stopped and 0 < len(partial.content) < len(STEP_OPTIONS)
    record = await aclient.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert [m["content"] for m in messages[1::2]] == [STEP_PLAN, partial.content]
    assert messages[-1]["owui_notebook"]["stopped"] is True
    # No step after the stop.
    assert len(provider.answer_requests("alpha")) == 2


async def test_abort_before_the_start_saves_nothing(aclient, provider):
    run = aclient.stream_task(question(), "alpha")
    run.abort()
    result = await run.until_done()
    assert result.status == "aborted" and result.chat_id is None and result.iterations == []


def test_bad_arguments_are_one_clear_line(client):
    from owui_notebook.client import ConfigurationError

    with pytest.raises(ConfigurationError, match="the task is empty"):
        client.stream_task("  ", "alpha")
    with pytest.raises(ConfigurationError, match="max_iterations must be a whole number"):
        client.stream_task("x", "alpha", max_iterations=0)


def test_an_unknown_model_names_the_closest_and_saves_nothing(client, provider):
    from owui_notebook.client import NotFoundError

    before = {c.id for c in client.chats.list()}
    with pytest.raises(NotFoundError, match="alpha"):
        client.run_task(question(), "alpah")
    assert {c.id for c in client.chats.list()} == before


def test_tools_run_on_the_server_in_a_step_and_show_as_tool_calls(client, provider, adder):
    check = fenced(thought="2 + 40 = 42.", findings=["2 + 40 = 42"], next_action="add a=40 b=2")
    provider.configure("alpha", script=[check, STEP_FINAL])
    with client.stream_task(
        "Please add a=2 b=40, then check it.", "alpha", tool_ids=[adder.id]
    ) as run:
        events = list(run)
    result = run.result
    assert result.status == "answered"
    calls = [e for e in events if e.kind == "tool_calls"]
    # The server picks tools from each step's prompt: the task's words in step 1, the
    # model's own next action in step 2.
    assert [c.iteration for c in calls] == [1, 2]
    (first,) = calls[0].calls
    assert first.name == f"{adder.id}/add"
    assert first.arguments == {"a": 2, "b": 40} and first.result == "2 + 40 = 42"
    (second,) = calls[1].calls
    assert second.arguments == {"a": 40, "b": 2} and second.result == "40 + 2 = 42"
    # The working model got the tool's output as context; the saved answer keeps its use.
    answering = provider.answer_requests("alpha")
    assert "2 + 40 = 42" in str(answering[0]["messages"][-1]["content"])
    _, messages = saved_thread(client, result)
    assert messages[1]["sources"][0]["tool_result"] is True
    assert messages[0]["content"].startswith("Task: Please add a=2 b=40")


def test_a_knowledge_base_grounds_every_step(client, provider, tmp_path):
    name = f"Index notes {uuid.uuid4().hex[:6]}"
    notes = tmp_path / "indexes.md"
    notes.write_text("Covering indexes store every column a query reads.\n")
    kb = client.knowledge.create(name, "notes on indexes")
    try:
        client.knowledge.add_file(kb, notes)
        provider.configure("alpha", script=[STEP_PLAN, STEP_FINAL])
        result = client.run_task("What do covering indexes store?", "alpha", knowledge=name)
    finally:
        client.knowledge.delete(kb)
    assert result.status == "answered" and len(result.iterations) == 2
    for iteration in result.iterations:
        (source,) = iteration.results[0].sources
        assert source.name == name and "Covering indexes" in source.document[0]
    answering = provider.answer_requests("alpha")
    assert all("Covering indexes store" in json.dumps(r["messages"]) for r in answering)
    _, messages = saved_thread(client, result)
    users = messages[0::2]
    assert all(u["files"][0]["type"] == "collection" for u in users)
    assert all(u["files"][0]["name"] == name for u in users)


def test_a_model_failure_is_raised_with_the_run_so_far_on_the_stream(client, provider):
    from owui_notebook.client import OpenWebUIError

    provider.configure("alpha", script=[STEP_OPTIONS, STEP_FINAL])
    provider.configure("beta", fail_status=500, fail_message="decider is down")
    provider.configure("gamma", fail_status=500, fail_message="the GPU caught fire")
    # A failing decision model does not end the run: the working model chooses instead.
    result = client.run_task(question(), "alpha", decision_model="beta")
    decision = result.iterations[0].decision
    assert result.status == "answered" and decision.choice is None
    assert "it failed" in decision.reason and "decider is down" in decision.reason
    assert "could not choose" in last_user(provider.answer_requests("alpha")[1])
    _, messages = saved_thread(client, result)  # the failed decision left no empty turn
    assert [m.get("model") for m in messages] == [None, "alpha", None, "alpha"]
    # A failing working model ends it: raised, and the stream still holds the outcome.
    run = client.stream_task(question(), "gamma")
    with pytest.raises(OpenWebUIError, match="the GPU caught fire"), run:
        for _ in run:
            pass
    assert run.result.status == "error" and "the GPU caught fire" in run.result.error
    assert run.result.chat_id is None  # nothing was answered, so nothing was saved
