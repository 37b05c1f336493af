"""``%%owui chat /command``, ``%owui note`` and the admin listings, against a real Open WebUI."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date

import pandas as pd
import pytest

from owui_notebook.client import NotFoundError, validate_history


@pytest.fixture
def saved_prompt(connected):
    """A saved prompt ``/brief-xxxx`` with a notebook variable and a system variable."""
    client = connected.session.require_client()
    command = f"brief-{uuid.uuid4().hex[:6]}"
    client.prompts.create(command, "Brief {{USER_NAME}} on {{topic}} ({{CURRENT_DATE}}).")
    yield command
    with contextlib.suppress(NotFoundError):
        client.prompts.delete(command)


def test_a_cell_starting_with_a_command_sends_the_saved_prompt(connected, saved_prompt, provider):
    client = connected.session.require_client()
    name = client.me().name
    connected.ns["topic"] = "tides"
    run = connected.run(f"%%owui chat --new -m alpha\n/{saved_prompt}\nKeep it short.")
    assert run.error is None, run.stderr
    expected = f"Brief {name} on tides ({date.today().isoformat()}).\nKeep it short."
    sent = [r for r in provider.requests if r["messages"][-1].get("content") == expected]
    assert sent, [r["messages"][-1] for r in provider.requests[-3:]]
    result = connected.ns["_owui"]
    record = client.chats.get(result.chat_id)
    validate_history(record.chat["history"])
    user_message = record.messages[result.parent_id]
    assert user_message["content"] == expected  # the saved chat holds the expanded text


def test_a_missing_variable_is_one_line_and_nothing_is_sent(connected, saved_prompt, provider):
    connected.ns.pop("topic", None)
    before = len(provider.requests)
    run = connected.run(f"%%owui chat --new -m alpha\n/{saved_prompt}")
    assert f"/{saved_prompt} needs {{{{topic}}}}" in run.stderr
    assert "topic = '...'" in run.stderr and "Traceback" not in run.stderr
    assert len(provider.requests) == before


def test_an_unknown_command_names_the_close_ones(connected, saved_prompt):
    run = connected.run(f"%%owui chat --new -m alpha\n/{saved_prompt}x tell me")
    assert f"no saved prompt /{saved_prompt}x" in run.stderr and saved_prompt in run.stderr
    # A path is not a command: it is sent as it is.
    run = connected.run("%%owui chat --new -m alpha\n/etc/hosts is a file")
    assert run.error is None and "You said: /etc/hosts is a file" in connected.ns["_owui"].content


def test_note_saves_the_last_answer_with_a_link(connected, owui_sandbox):
    connected.ns.pop("_owui", None)  # the test shell is shared: no answer from earlier tests
    assert "no answer to save yet" in connected.run("%owui note").stderr
    connected.run("%%owui chat --new -m alpha\nremember this")
    result = connected.ns["_owui"]
    run = connected.run('%owui note --title "Kept answer"')
    assert run.error is None, run.stderr
    link = run.value
    note_id = link.url.rsplit("/", 1)[1]
    assert link.url == f"{owui_sandbox.url}/notes/{note_id}" and "Kept answer" in link.data
    client = connected.session.require_client()
    try:
        note = client.notes.get(note_id)
        assert note.title == "Kept answer"
        assert note.markdown.startswith(result.content)
        assert f"/c/{result.chat_id}" in note.markdown  # a link back to the chat
        frame = connected.run("%owui notes").value
        assert note_id in set(frame["note_id"])
    finally:
        client.notes.delete(note_id)


def test_note_of_a_comparison_keeps_every_answer(connected):
    connected.run("%%owui compare -m alpha,beta\nsay both")
    run = connected.run("%owui note")
    assert run.error is None, run.stderr
    client = connected.session.require_client()
    note_id = run.value.url.rsplit("/", 1)[1]
    try:
        text = client.notes.get(note_id).markdown
        assert "## alpha" in text and "## beta" in text
    finally:
        client.notes.delete(note_id)


def test_prompts_and_users_listings(connected, saved_prompt):
    frame = connected.run("%owui prompts").value
    assert isinstance(frame, pd.DataFrame)
    row = frame.set_index("command").loc[saved_prompt]
    assert row["variables"] == ["USER_NAME", "topic", "CURRENT_DATE"]
    assert row["access"] == "private"
    found = connected.run(f"%owui prompts --search {saved_prompt}").value
    assert list(found["command"]) == [saved_prompt]
    users = connected.run("%owui users").value
    me = connected.session.require_client().me()
    assert users.set_index("user_id").loc[me.id, "role"] == "admin"


def test_a_dataframe_variable_goes_as_a_markdown_table(connected, provider):
    client = connected.session.require_client()
    command = f"table-{uuid.uuid4().hex[:6]}"
    client.prompts.create(command, "Describe:\n{{sales}}")
    try:
        connected.ns["sales"] = pd.DataFrame({"region": ["north", "south"], "units": [3, 5]})
        run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
        assert run.error is None, run.stderr
        asked = [str(r["messages"][-1].get("content")) for r in provider.requests]
        sent = next(t for t in reversed(asked) if t.startswith("Describe:"))
        assert sent.startswith("Describe:\n|") and "| north" in sent and "| 5" in sent
        assert "dtype" not in sent  # not the DataFrame's repr
    finally:
        client.prompts.delete(command)
