"""%%owui task in a real IPython shell (and a real kernel) against a real Open WebUI."""

from __future__ import annotations

import json
import uuid

import pytest

from owui_notebook.client import TaskResult, thread, validate_history
from tests.helpers.kernel import interrupt, kernel, kernel_env, run, updates_with, wait_for


def fenced(**step) -> str:
    return "```json\n" + json.dumps(step) + "\n```"


PLAN = fenced(
    thought="List the work.",
    todo=[{"task": "Read the schema", "status": "doing"}, {"task": "Pick an index"}],
    findings=["orders is queried by date range"],
    options=[
        {"label": "B-tree", "description": "sorted"},
        {"label": "Hash", "description": "equality only"},
    ],
)
FINAL = fenced(
    thought="Ranges decide it.",
    todo=["[x] Read the schema", "[x] Pick an index"],
    findings=["Hash indexes cannot scan ranges"],
    final_answer="Use a **B-tree** index on `created_at`.",
)


def test_task_streams_its_steps_and_ends_with_the_answer(connected, client, provider):
    provider.configure("alpha", script=[PLAN, FINAL], tokens_per_second=60)
    provider.configure("beta", reply='{"choice": 1, "reason": "ranges need order"}')
    connected.ns["table"] = "orders"
    run = connected.run(
        "%%owui task -m alpha --decision-model beta --max-iterations 4 -o answer\n"
        "Which index suits {table}?"
    )
    assert run.error is None, run.stderr
    updates = run.outputs
    # Live: one output, shown at once and then updated in place.
    assert updates[0].update is False and all(o.update for o in updates[1:])
    assert len(updates) >= 5
    live = "\n".join(run.html[:-1])
    assert "▶ <b>Read the schema</b>" in live and "☐ Pick an index" in live
    assert "orders is queried by date range" in live
    assert "&quot;thought&quot;" in live  # a step's text while it streams (escaped)
    final = run.html[-1]
    assert "☑" in final and "line-through" in final and "☐" not in final
    assert "orders is queried by date range" in final and "Hash indexes cannot scan" in final
    assert "beta chose 1. B-tree: ranges need order" in final
    assert "Use a <strong>B-tree</strong> index on <code>created_at</code>." in final
    assert "answered in 2 steps" in final

    result = connected.ns["_owui"]
    assert isinstance(result, TaskResult) and result.status == "answered"
    assert connected.ns["answer"] == "Use a **B-tree** index on `created_at`."
    assert "open chat" in final and result.chat_id in final
    assert run.final_plain.startswith("Task · alpha")
    assert "Use a **B-tree** index" in run.final_plain
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert messages[0]["content"].startswith("Task: Which index suits orders?")
    assert [m.get("model") for m in messages[1::2]] == ["alpha", "beta", "alpha"]
    # A task is a chat of its own: the next %%owui chat cell does not continue it.
    assert connected.session.chat is None
    # Its answer is "the last answer" for %owui note, with a link back to the task's chat.
    noted = connected.run("%owui note --title 'Index advice'")
    assert noted.error is None, noted.stderr
    (note,) = [n for n in client.notes.list() if n.title == "Index advice"]
    markdown = client.notes.get(note.id).markdown
    assert markdown.startswith("Use a **B-tree** index on `created_at`.")
    assert client.chat_url(result.chat_id) in markdown


def test_model_output_in_the_task_view_cannot_run(connected, provider):
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    step = fenced(
        thought=hostile,
        todo=[hostile],
        findings=[hostile],
        final_answer=f"{hostile} [x](javascript:alert(3))",
    )
    provider.configure("alpha", script=[step])
    run = connected.run("%%owui task -m alpha\nbe hostile")
    assert run.error is None, run.stderr
    for markup in run.html:
        assert "<img" not in markup and "<script" not in markup
        assert 'href="javascript' not in markup


def test_the_limit_is_shown_and_nothing_is_an_error(connected, provider):
    provider.configure("alpha", script=[fenced(thought="t", next_action="keep going")])
    run = connected.run("%%owui task -m alpha --max-iterations 2 -o answer\nnever ends")
    assert run.error is None, run.stderr
    assert "no answer within 2 steps: stopped at the limit" in run.html[-1]
    assert connected.ns["_owui"].status == "max_iterations" and connected.ns["answer"] is None


def test_mistakes_are_one_red_line(connected, provider):
    empty = connected.run("%%owui task -m alpha\n   ")
    assert "the cell is empty: write the task below %%owui task" in empty.stderr
    unknown = connected.run("%%owui task -m alpah\ndo it")
    assert "alpah" in unknown.stderr and "alpha" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    zero = connected.run("%%owui task -m alpha --max-iterations 0\ndo it")
    assert "--max-iterations" in zero.stderr and "at least 1" in zero.stderr
    line = connected.run("%owui task -m alpha")
    assert "task is a cell magic" in line.stderr

    provider.configure("alpha", script=["not a step", "still not a step"])
    bad = connected.run("%%owui task -m alpha\ndo it")
    assert isinstance(bad.error, Exception)
    assert "not a valid step, twice" in bad.stderr and "the run so far is saved" in bad.stderr
    assert "Traceback" not in bad.stderr
    result = connected.ns["_owui"]
    assert result.status == "error" and result.chat_id in bad.stderr


@pytest.mark.timeout(240)
def test_interrupting_the_kernel_stops_the_task_and_keeps_it(owui_sandbox, provider, client):
    provider.configure("alpha", script=[PLAN, FINAL], tokens_per_second=15)
    with kernel(kernel_env(owui_sandbox)) as (km, kc):
        assert run(kc, "%load_ext owui_notebook\n%owui connect")["status"] == "ok"
        msg_id = kc.execute(
            "%%owui task -m alpha --decision-model beta\nPick an index.", stop_on_error=False
        )
        wait_for(kc, msg_id, updates_with("thought"), timeout=60)
        stopped_after = interrupt(km, kc, msg_id)
        assert stopped_after < 5, stopped_after  # loose (shared machine); the aim is < 1 s
        # ipykernel aborts requests that reach it while it still clears the failed cell's
        # queue; a user would simply run the cell again, and so does the test.
        for _ in range(5):
            check = run(kc, "print(_owui.status, _owui.chat_id, len(_owui.iterations))")
            if check["status"] != "aborted":
                break
        assert check["status"] == "ok", check
        status, chat_id, iterations = check["stdout"].split()
        assert (status, iterations) == ("aborted", "1")
        # The kernel goes on working.
        assert run(kc, "%%owui chat -m alpha\nStill there?")["status"] == "ok"
    record = client.chats.get(chat_id)
    assert validate_history(record.chat) == []
    (user, partial) = thread(record.history)
    assert user["content"].startswith("Task: Pick an index.")
    assert partial["owui_notebook"]["stopped"] is True
    assert 0 < len(partial["content"]) < len(PLAN)


def test_tools_and_knowledge_reach_every_step_and_show(
    connected, client, provider, adder, tmp_path
):
    tool_id = adder.id
    kb_name = f"Schema notes {uuid.uuid4().hex[:6]}"
    notes = tmp_path / "schema.md"
    notes.write_text("The orders table is queried by created_at ranges.\n")
    kb = client.knowledge.create(kb_name)
    try:
        client.knowledge.add_file(kb, notes)
        provider.configure("alpha", script=[PLAN, FINAL])
        provider.configure("beta", reply='{"choice": 1}')
        run = connected.run(
            f"%%owui task -m alpha --decision-model beta --tool {tool_id} --kb '{kb_name}'\n"
            "How are orders queried? Also add a=2 b=40 for me."
        )
        typo = connected.run(f"%%owui task -m alpha --tool no_such_tool_{tool_id}\nx")
        missing = connected.run("%%owui task -m alpha --kb 'No such knowledge'\nx")
    finally:
        client.knowledge.delete(kb)
    assert run.error is None, run.stderr
    final = run.html[-1]
    assert f"🔧 <code>{tool_id}/add(a=2, b=40) → 2 + 40 = 42</code>" in final
    assert f"📎 sources: schema.md ({kb_name})" in final
    result = connected.ns["_owui"]
    # Both steps of the working model got the tools and the knowledge base; not the decision.
    (tool_step, decision, final_step) = provider.answer_requests()[-3:]
    assert [tool_step["model"], decision["model"], final_step["model"]] == [
        "alpha",
        "beta",
        "alpha",
    ]
    assert "created_at ranges" in json.dumps(tool_step["messages"])
    assert "created_at ranges" in json.dumps(final_step["messages"])
    assert "created_at ranges" not in json.dumps(decision["messages"][-1])
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    assert "no such tool on this server" in typo.stderr
    assert "No such knowledge" in missing.stderr and "Traceback" not in missing.stderr
