"""The sandbox's demo models: answers that read like answers, streamed at a visible pace,
kept apart from the tests' fast echo models."""

from __future__ import annotations

import dataclasses
import re

import pytest

from owui_notebook.notebook_runner import run_notebook
from owui_notebook.sandbox.demo_models import DEMO_NOTE, demo_answer
from owui_notebook.sandbox.provider import (
    DEFAULT_MODELS,
    DEMO_MODELS,
    ModelBehavior,
    answer_text,
)
from owui_notebook.shipped_notebooks import QUICKSTART, notebooks_dir

QUESTION = [{"role": "user", "content": "What is a B-tree? Answer in two sentences."}]


def test_demo_answers_are_markdown_drawn_from_the_prompt_and_deterministic():
    text = answer_text("alpha", QUESTION, DEMO_MODELS["alpha"])
    assert text == answer_text("alpha", QUESTION, DEMO_MODELS["alpha"])
    assert text.startswith("### B-tree\n")
    assert "\n1. **b-tree**" in text  # a list
    assert "\n|---|---|\n" in text  # a table
    assert "```python\n" in text and 'terms = ["b-tree"]' in text  # a code block
    assert text.endswith(f"*alpha: {DEMO_NOTE}.*")
    # Models differ, and a follow-up reads as one.
    assert text != answer_text("beta", QUESTION, DEMO_MODELS["beta"])
    follow = [*QUESTION, {"role": "assistant", "content": text}]
    follow.append({"role": "user", "content": "How does it differ from a binary search tree?"})
    assert "Following up (turn 2)" in answer_text("alpha", follow, DEMO_MODELS["alpha"])
    # Retrieved sources and images still show, as the echo shows them.
    quoted = demo_answer("gamma", "Who leads Falcon?", sources=[("1", "Its lead is Ada.")])
    assert "From the context: Its lead is Ada. [1]" in quoted
    assert "I received 2 images" in demo_answer("gamma", "What is this?", images=2)


def test_demo_models_are_paced_and_named_as_demos_while_the_tests_keep_the_echo():
    assert set(DEMO_MODELS) == set(DEFAULT_MODELS)
    paces = {m: b.tokens_per_second for m, b in DEMO_MODELS.items()}
    assert all(20 <= pace <= 80 for pace in paces.values()), paces
    assert min(paces.values()) == DEMO_MODELS["slow"].tokens_per_second == 20
    assert all(b.ttft >= 0.4 and "demo model" in (b.name or "") for b in DEMO_MODELS.values())
    # The planner's and judge's scripts survive the demo layer.
    assert DEMO_MODELS["planner"].script == DEFAULT_MODELS["planner"].script
    assert all(b.style == "echo" and b.ttft <= 0.3 for m, b in DEFAULT_MODELS.items())
    echo = answer_text("alpha", QUESTION, DEFAULT_MODELS["alpha"])
    assert echo == "alpha says: turn 1. You said: What is a B-tree? Answer in two sentences."
    with pytest.raises(ValueError, match="style"):
        ModelBehavior(style="poetry")


def test_the_quickstart_streams_demo_answers_in_several_growing_updates(
    owui_sandbox, provider, tmp_path
):
    """The quickstart against demo models: each %%owui chat cell received several live
    updates, each longer than the last, before its rendered Markdown answer."""
    for model_id, behavior in DEMO_MODELS.items():
        provider.configure(model_id, **dataclasses.asdict(behavior))
    env = {"OWUI_URL": owui_sandbox.url, "OWUI_API_KEY": owui_sandbox.api_key}
    run = run_notebook(notebooks_dir() / QUICKSTART, tmp_path, env=env)
    assert run.errors == [], run.errors[0].error if run.errors else ""
    chats = [c for c in run.cells if c.source.startswith("%%owui chat")]
    assert len(chats) == 3
    for report in chats:
        streamed = report.updates[:-1]  # the last update is the rendered answer
        assert len(streamed) >= 5, report.updates
        assert streamed == sorted(streamed) and len(set(streamed)) >= 5, report.updates
        assert DEMO_NOTE in report.text
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in run.notebook.cells
        if c.cell_type == "code" and c.source.startswith("%%owui chat")
        for o in c.outputs
    )
    for tag in ("<h3>", "<ol>", "<table>", "<pre>"):
        assert tag in html, tag
    assert re.search(r"\d+ tok/s", html)
