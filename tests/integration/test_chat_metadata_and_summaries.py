"""One-call chat metadata (title, tags, folder, models) and the task runner's history
summaries, against a real Open WebUI."""

from __future__ import annotations

import json
import uuid

import pytest

from owui_notebook.client import ConfigurationError, NotFoundError, thread, validate_history
from owui_notebook.client.task_steps import SUMMARY_SYSTEM, TASK_SYSTEM
from owui_notebook.sandbox.provider import task_kind


def saved_chat(client, *models):
    chat = client.chat(models[0] if models else "alpha", title=f"meta {uuid.uuid4().hex[:6]}")
    chat.send("Tell me about B-tree indexes.")
    return chat


@pytest.mark.all_versions
def test_regenerates_title_and_tags_from_the_saved_thread(client_any, provider_any):
    client = client_any
    chat = saved_chat(client)
    client.chats.add_tag(chat.id, "stale")
    meta = client.update_chat_metadata(chat.id, regenerate_title=True, regenerate_tags=True)

    # The server's title and tags tasks ran over the saved thread, with the chat's model.
    tasks = [r for r in provider_any.requests if task_kind(r["messages"]) in ("title", "tags")]
    assert {task_kind(r["messages"]) for r in tasks} == {"title", "tags"}
    assert all(r["model"] == "alpha" for r in tasks)
    assert all("B-tree indexes" in json.dumps(r["messages"]) for r in tasks)
    assert meta.suggested_title and meta.title == meta.suggested_title
    assert meta.suggested_tags and "stale" not in meta.tags
    assert {t.lower() for t in meta.tags} == {t.lower() for t in meta.suggested_tags}
    record = client.chats.get(chat.id)
    assert record.title == meta.suggested_title
    assert sorted(t.name for t in client.chats.tags(chat.id)) == sorted(meta.tags)
    assert validate_history(record.chat) == []  # the history is untouched


@pytest.mark.all_versions
def test_sets_title_tags_and_folder_in_one_call(client_any):
    client = client_any
    chat = saved_chat(client)
    client.chats.add_tag(chat.id, "old")
    folder = f"meta-{uuid.uuid4().hex[:6]}"
    meta = client.update_chat_metadata(
        chat.id, title="Index notes", tags=["databases", "old"], folder=folder
    )
    assert meta.title == "Index notes" and meta.suggested_title is None
    assert sorted(meta.tags) == ["databases", "old"]
    record = client.chats.get(chat.id)
    assert record.title == "Index notes"
    assert record.folder_id == meta.folder_id == client.folders.find(folder).id
    with pytest.raises(ConfigurationError, match="nothing to update"):
        client.update_chat_metadata(chat.id)
    with pytest.raises(ConfigurationError, match="not both"):
        client.update_chat_metadata(chat.id, title="x", regenerate_title=True)


@pytest.mark.all_versions
def test_switch_chat_model_makes_the_next_turn_use_it(client_any, provider_any):
    client = client_any
    chat = saved_chat(client)
    record = client.switch_chat_model(chat.id, ["beta", "gamma"])
    assert record.chat["models"] == ["beta", "gamma"]
    assert validate_history(record.chat) == []
    assert len(thread(record.history)) == 2  # the conversation is kept

    reopened = client.chat(chat_id=chat.id)
    result = reopened.send("And hash indexes?")
    assert result.model == "beta" and result.content.startswith("beta says: turn 2.")
    saved = client.chats.get(chat.id)
    assert validate_history(saved.chat) == []

    with pytest.raises(NotFoundError, match="betta"):
        client.switch_chat_model(chat.id, "betta")
    assert client.chats.get(chat.id).chat["models"] == ["beta"]  # unchanged by the bad call
    with pytest.raises(ConfigurationError, match="model ids"):
        client.switch_chat_model(chat.id, [])


# -- summarize_history ----------------------------------------------------------------------


def fenced(**step) -> str:
    return "```json\n" + json.dumps(step) + "\n```"


SUMMARY = "So far: B-trees keep keys sorted; range scans matter. Left: write the answer."
STEPS = {
    "step 1 of": fenced(
        thought="First facts.", findings=["B-trees keep keys sorted"], next_action="go on"
    ),
    "step 2 of": fenced(
        thought="More facts.", findings=["Range scans matter"], next_action="answer"
    ),
    "step 3 of": fenced(thought="Done.", final_answer="Use a **B-tree** index."),
    "summarise the work": SUMMARY,
}


@pytest.mark.all_versions
def test_summarize_history_replaces_earlier_steps_with_a_saved_summary(client_any, provider_any):
    client, provider = client_any, provider_any
    provider.configure("alpha", prompted=STEPS)
    with client.stream_task(
        "Which index for orders?",
        "alpha",
        max_iterations=5,
        summarize_history=True,
        summary_after=50,
    ) as run:
        kinds = [e.kind for e in run]
    result = run.result
    assert result.status == "answered" and result.answer == "Use a **B-tree** index."
    assert kinds.count("summary") == 2  # before step 2 and before step 3
    assert [i.summary for i in result.iterations] == [None, SUMMARY, SUMMARY]
    assert result.findings == ["B-trees keep keys sorted", "Range scans matter"]

    # The summaries are turns of the saved chat, asked under their own instructions...
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    messages = thread(record.history)
    assert [m["content"] for m in messages[1::2]].count(SUMMARY) == 2
    sent = provider.answer_requests("alpha")
    summaries = [r for r in sent if r["messages"][0]["content"] == SUMMARY_SYSTEM]
    assert len(summaries) == 2
    # ... and the last step is sent the summary, not the earlier steps.
    last = sent[-1]["messages"]
    assert last[0] == {"role": "system", "content": TASK_SYSTEM}
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user"]
    assert last[2]["content"] == SUMMARY
    assert not any("First facts." in m["content"] for m in last)
    assert result.iterations[2].usage.total_tokens > result.iterations[0].usage.total_tokens


def test_without_summarize_history_every_step_sees_the_whole_run(client, provider):
    provider.configure("alpha", prompted=STEPS)
    result = client.run_task("Which index for orders?", "alpha", max_iterations=5)
    assert result.status == "answered"
    assert all(i.summary is None for i in result.iterations)
    last = provider.answer_requests("alpha")[-1]["messages"]
    assert len(last) == 6 and last[2]["content"] == STEPS["step 1 of"]
    with pytest.raises(ConfigurationError, match="summary_after"):
        client.stream_task("x", "alpha", summarize_history=True, summary_after=0)
