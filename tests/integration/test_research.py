"""Deep research against a real Open WebUI: planned steps routed to general or search models,
the server's retrieval as sources, a report, all one threaded chat; stops keep what was done.

The planner follows the provider's `prompted` knob: the planning prompt names its step, so
each step gets a known plan; the answering models give their deterministic answers.
"""

from __future__ import annotations

import json
import uuid

import pytest

from owui_notebook.client import ConfigurationError, NotFoundError, thread, validate_history

FACTS = {
    "falcon.md": "Project Falcon launch code is 7731-amber.",
    "heron.md": "Project Heron budget is two million dollars.",
    "plover.md": "Plover mascot wears a green scarf.",
}
Q1 = "What does project Falcon do?"
Q2 = "What is the launch code of project Falcon?"
REPORT = "## Report\n\nFalcon's launch code is **7731-amber**."


def plan(question: str, kind: str) -> str:
    return json.dumps({"next_question": question, "chosen_model_type": kind})


PLANS = {
    "research step 1 of": plan(Q1, "General"),
    "research step 2 of": plan(Q2, "Search-Capable"),
    "write the final report": REPORT,
}


def topic() -> str:
    return f"Project Falcon {uuid.uuid4().hex[:6]}"


@pytest.fixture
def projects(client_any, tmp_path):
    name = f"Research {uuid.uuid4().hex[:8]}"
    folder = tmp_path / "projects"
    folder.mkdir()
    for filename, text in FACTS.items():
        (folder / filename).write_text(text)
    kb = client_any.knowledge.create_many({name: folder})[name]
    yield kb
    client_any.knowledge.delete(kb)


def last_user(request) -> str:
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


@pytest.mark.all_versions
def test_plans_routes_cites_and_reports_in_one_threaded_chat(client_any, provider_any, projects):
    client, provider = client_any, provider_any
    provider.configure("alpha", prompted=PLANS)
    subject = topic()
    kinds = []
    with client.stream_research(
        subject,
        num_steps=2,
        general_models=["alpha"],
        search_models=["beta"],
        knowledge=[projects.name],
    ) as run:
        for event in run:
            if not kinds or kinds[-1] != event.kind:
                kinds.append(event.kind)
    result = run.result

    assert result.status == "reported" and result.ok and result.error is None
    assert result.report == REPORT and str(result) == REPORT
    assert kinds == [
        "step_started",
        "text",  # the plan
        "planned",
        "text",  # the general model's answer
        "answered",
        "step_started",
        "text",
        "planned",
        "text",  # the search model's answer, with the knowledge base
        "sources",
        "answered",
        "text",  # the report
        "report",
    ]
    first, second = result.steps
    assert (first.question, first.model_type, first.model) == (Q1, "general", "alpha")
    assert (second.question, second.model_type, second.model) == (Q2, "search", "beta")
    assert first.sources == []  # retrieval goes with the search model's question only
    assert [s.name for s in second.sources] == [projects.name]
    assert "7731-amber" in second.answer
    assert result.sources == second.sources
    assert result.research_log == [
        f"Step 1: asked {Q1!r} (using alpha)",
        f"Step 2: asked {Q2!r} (using beta)",
    ]
    assert result.usage is not None and result.usage.completion_tokens > 0

    # One chat, threaded: plan, answer, plan, answer, report; each answer by its model.
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    assert record.title == f"Deep Dive: {subject}"
    messages = thread(record.history)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 5
    assert [m["model"] for m in messages[1::2]] == ["alpha", "alpha", "alpha", "beta", "alpha"]
    assert [m["content"] for m in messages[0::2]][1:4:2] == [Q1, Q2]
    assert messages[-1]["content"] == REPORT
    assert messages[7]["sources"][0]["source"]["id"] == projects.id
    assert result.url == client.chat_url(result.chat_id)

    # The planner saw the step before it; the report writer saw every answer.
    plans = [r for r in provider.answer_requests("alpha") if "research step" in last_user(r)]
    assert len(plans) == 2
    assert "This is research step 2 of 2." in last_user(plans[1])
    assert f"Step 1: asked {Q1!r} (using alpha)" in last_user(plans[1])
    assert '"search"' in last_user(plans[0]) and "beta" in last_user(plans[0])
    report_request = provider.answer_requests("alpha")[-1]
    assert last_user(report_request).startswith(f"Write the final report on: {subject}")
    assert second.answer in json.dumps(report_request["messages"])


async def test_async_research_without_search_models_asks_the_general_ones_in_turn(
    aclient, provider
):
    provider.configure("alpha", prompted=PLANS)
    result = await aclient.deep_research(
        topic(), num_steps=2, general_models=["alpha", "gamma"], temperature=0.2
    )
    assert result.status == "reported"
    # "Search-Capable" with no search models means general; general models take turns.
    assert [(s.model_type, s.model) for s in result.steps] == [
        ("general", "alpha"),
        ("general", "gamma"),
    ]
    assert all(r.get("temperature") == 0.2 for r in provider.answer_requests("gamma"))
    assert validate_history((await aclient.chats.get(result.chat_id)).chat) == []


def test_an_unusable_plan_is_asked_again_then_ends_the_run_keeping_the_chat(client, provider):
    provider.configure("alpha", reply="I would look into the history first.")
    with client.stream_research(topic(), num_steps=3, general_models=["alpha"]) as run:
        rejected = [e for e in run if e.kind == "plan_rejected"]
    result = run.result
    assert [e.retrying for e in rejected] == [True, False]
    assert result.status == "error" and result.report is None
    assert "not a usable plan, twice (it holds no JSON object)" in result.error
    assert result.steps[0].question is None and len(result.steps) == 1
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert len(messages) == 4  # the plan and the correction, both answered and saved
    assert messages[2]["content"].startswith("Your last reply is not a usable plan")


def test_ctrl_c_during_an_answer_keeps_the_steps_done_and_the_partial_answer(client, provider):
    provider.configure("alpha", prompted=PLANS)
    provider.configure("slow", ttft=0.0, tokens_per_second=40, answer_tokens=300)
    run = client.stream_research(
        topic(), num_steps=2, general_models=["alpha"], search_models=["slow"]
    )
    seen = ""
    with pytest.raises(KeyboardInterrupt), run:
        for event in run:
            if event.kind == "text" and event.role == "answer" and event.model == "slow":
                seen += event.text
                if len(seen) > 30:
                    raise KeyboardInterrupt  # as Ctrl-C lands in the cell's loop
    result = run.result
    assert result.status == "aborted" and result.report is None
    assert [s.answer is not None for s in result.steps] == [True, False]
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 4
    assert messages[-2]["content"] == Q2
    stopped = messages[-1]
    assert stopped["model"] == "slow" and stopped["owui_notebook"]["stopped"] is True
    assert stopped["content"].startswith(seen.strip()[:20])


def test_abort_ends_the_run_after_the_answer_in_flight(client, provider):
    provider.configure("alpha", prompted=PLANS)
    with client.stream_research(topic(), num_steps=2, general_models=["alpha"]) as run:
        for event in run:
            if event.kind == "answered":
                run.abort()
    result = run.result
    assert result.status == "aborted" and len(result.steps) == 1
    messages = thread(client.chats.get(result.chat_id).history)
    assert len(messages) == 4


def test_bad_research_input_is_one_clear_error_and_sends_nothing(client, provider):
    with pytest.raises(ConfigurationError, match="no general model"):
        client.stream_research("Falcon", general_models=[])
    with pytest.raises(ConfigurationError, match="topic is empty"):
        client.stream_research("  ", general_models=["alpha"])
    with pytest.raises(ConfigurationError, match="num_steps"):
        client.stream_research("Falcon", num_steps=0, general_models=["alpha"])
    with pytest.raises(ConfigurationError, match="search_models"):
        client.stream_research("Falcon", general_models=["alpha"], search_models=[3])
    assert provider.requests == []
    with pytest.raises(NotFoundError, match="alpah"):
        client.deep_research("Falcon", general_models=["alpah"])
