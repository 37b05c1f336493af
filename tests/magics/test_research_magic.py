"""%%owui research in a real IPython shell against a real Open WebUI."""

from __future__ import annotations

import json
import uuid

from owui_notebook.client import ResearchResult, thread, validate_history

Q1 = "What is <b>Falcon</b>?"
Q2 = "What is the launch code of project Falcon?"
PLANS = {
    "research step 1 of": json.dumps({"next_question": Q1, "chosen_model_type": "general"}),
    "research step 2 of": json.dumps({"next_question": Q2, "chosen_model_type": "search"}),
    "write the final report": "## Findings\n\nFalcon's code is **7731-amber**.",
}


def test_research_shows_plan_answers_sources_and_report(connected, client, provider, tmp_path):
    provider.configure("alpha", prompted=PLANS, tokens_per_second=80)
    kb_name = f"research-{uuid.uuid4().hex[:6]}"
    (tmp_path / "falcon.md").write_text("Project Falcon launch code is 7731-amber.")
    kb = client.knowledge.create_many({kb_name: [tmp_path / "falcon.md"]})[kb_name]
    connected.ns["name"] = "Falcon"
    try:
        run = connected.run(
            f"%%owui research -m alpha --search-models beta --kb {kb_name} --steps 2 -o report\n"
            "Project {name}"
        )
        assert run.error is None, run.stderr
        updates = run.outputs
        assert updates[0].update is False and all(o.update for o in updates[1:])
        live = "\n".join(run.html[:-1])
        assert "planning" in live and "answering" in live  # text while it streams
        final = run.html[-1]
        # The plan (model text escaped), the routing, the sources, the rendered report.
        assert "1. What is &lt;b&gt;Falcon&lt;/b&gt;?" in final and "<b>Falcon</b>?" not in final
        assert "→ alpha (general)" in final and "→ beta (search)" in final
        assert f"📎 sources: falcon.md ({kb_name})" in final
        assert "<strong>7731-amber</strong>" in final
        assert "report after 2 steps" in final and "open chat" in final

        result = connected.ns["_owui"]
        assert isinstance(result, ResearchResult) and result.status == "reported"
        assert connected.ns["report"] == result.report
        record = client.chats.get(result.chat_id)
        assert validate_history(record.chat) == []
        assert len(thread(record.history)) == 10
    finally:
        client.knowledge.delete(kb)


def test_research_input_errors_are_one_line_and_send_nothing(connected, provider):
    run = connected.run("%%owui research -m alpah\nProject Falcon")
    assert "alpah" in str(run.error) and "alpha" in str(run.error)
    run = connected.run("%%owui research -m alpha\n   ")
    assert "the cell is empty" in str(run.error)
    run = connected.run("%owui research -m alpha")
    assert "cell magic" in str(run.error)
    assert [r for r in provider.requests if r.get("model") == "alpha"] == []


def test_a_plan_that_never_comes_is_one_red_line_and_the_run_is_saved(connected, provider):
    provider.configure("alpha", reply="no plan here")
    run = connected.run("%%owui research -m alpha --steps 2\nProject Falcon")
    message = str(run.error)
    assert "not a usable plan, twice" in message and "saved in its chat" in message
    assert connected.ns["_owui"].status == "error"
