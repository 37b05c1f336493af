"""What a template may take from the notebook, against a real Open WebUI: only variables the
user set, never IPython's history, secrets or unsendable text; what a saved prompt took is shown.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest

from owui_notebook.client import NotFoundError
from owui_notebook.testing.bootstrap import signed_in_client


@pytest.fixture
def saved(connected):
    """Make saved prompts on the server for one test; deleted after it."""
    client = connected.session.require_client()
    made: list[str] = []

    def make(content: str) -> str:
        command = f"safety-{uuid.uuid4().hex[:6]}"
        client.prompts.create(command, content)
        made.append(command)
        return command

    yield make
    for command in made:
        with contextlib.suppress(NotFoundError):
            client.prompts.delete(command)


def sent_texts(provider) -> str:
    return "\n".join(str(m.get("content")) for r in provider.requests for m in r["messages"])


def test_a_saved_prompt_cannot_read_ipython_history_or_output(connected, saved, provider):
    command = saved("Tell me about {{topic}} {{In}} {{_oh}}")
    connected.run("password = 'hunter2-very-secret'")  # a cell that set a password: now in In
    connected.ns["topic"] = "tides"
    chats_before = {c.id for c in connected.session.require_client().chats.list()}
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert isinstance(run.error, Exception) and "Traceback" not in run.stderr
    assert f"/{command} asks for {{{{In}}}}" in run.stderr and "IPython's own" in run.stderr
    assert "hunter2" not in run.everything() and "hunter2" not in sent_texts(provider)
    assert provider.requests == []  # nothing sent
    assert {c.id for c in connected.session.require_client().chats.list()} == chats_before


@pytest.mark.parametrize(
    "variable, why",
    [("_oh", "starting with _"), ("_i1", "starting with _"), ("Out", "IPython's own")],
)
def test_every_ipython_name_is_refused(connected, saved, provider, variable, why):
    command = saved(f"Context: {{{{{variable}}}}}")
    connected.run("1 + 1")  # something in the output history
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert f"asks for {{{{{variable}}}}}" in run.stderr and "nothing was sent" in run.stderr
    assert why in run.stderr and provider.requests == []


def test_a_saved_prompt_never_gets_a_secret(connected, saved, provider):
    command = saved("Use {{db_password}} for {{topic}}")
    connected.ns.update(db_password="pw-123", topic="tides")
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert "{{db_password}}" in run.stderr and "looks like a secret" in run.stderr
    assert "pw-123" not in run.everything() and provider.requests == []
    # A key-shaped value under an innocent name is refused too, and never echoed.
    key = "sk-" + uuid.uuid4().hex
    connected.ns["topic"] = key
    command = saved("About {{topic}}")
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert "looks like a secret" in run.stderr and key not in run.everything()
    assert provider.requests == []


def test_what_a_saved_prompt_took_is_shown_in_the_cell(connected, saved, provider):
    command = saved("Brief on {{topic}} ({{CURRENT_WEEKDAY}})")
    connected.ns["topic"] = "the moon and the tides " * 4
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert run.error is None, run.stderr
    (line,) = [ln for ln in run.stdout.splitlines() if "took from the notebook" in ln]
    assert line.startswith(f"/{command} took from the notebook: topic = 'the moon and the")
    assert "(92 chars)" in line
    assert "the moon and the tides" in sent_texts(provider)


@pytest.mark.parametrize(
    "cell, why",
    [
        ("Summarize {In}", "IPython's own"),
        ("Summarize {_oh}", "starting with _"),
        ("Summarize {_}", "starting with _"),
        ("Summarize {topic.__class__.__init__.__globals__}", "attributes starting with _"),
        ("Summarize {json}", "is a module"),
    ],
)
def test_a_cell_placeholder_takes_only_variables_the_user_set(connected, provider, cell, why):
    connected.run("import json")
    connected.ns["topic"] = "tides"
    run = connected.run(f"%%owui chat --new -m alpha\n{cell}")
    assert why in run.stderr and "Traceback" not in run.stderr
    assert provider.requests == []


def test_the_magic_line_expands_only_variables_the_user_set(connected, provider):
    connected.run("password = 'hunter2-very-secret'")
    connected.ns["model"] = "alpha"
    run = connected.run('%%owui chat --new -m $model --system "Recall {In} and $_ih"\nhello')
    assert run.error is None, run.stderr
    (request,) = [r for r in provider.requests if r["messages"][-1]["content"] == "hello"]
    assert request["model"] == "alpha"  # $model still works, as IPython's expansion did
    system = next(m["content"] for m in request["messages"] if m["role"] == "system")
    assert system == "Recall {In} and $_ih"
    assert "hunter2" not in sent_texts(provider)


@pytest.mark.parametrize(
    "cell",
    [
        "%%owui chat --new -m alpha\nAbout {s}",
        '%%owui chat --new -m alpha --system "$s"\nhello',
        "%%owui compare -m alpha,beta\nAbout {s}",
    ],
)
def test_a_lone_surrogate_is_one_line(connected, provider, cell):
    connected.ns["s"] = "tides \ud800"
    run = connected.run(cell)
    assert isinstance(run.error, Exception)
    assert "lone surrogate" in run.stderr and "Traceback" not in run.stderr
    assert "UnicodeEncodeError" not in run.stderr
    assert provider.requests == []


def test_a_lone_surrogate_in_a_saved_prompt_variable_is_one_line(connected, saved, provider):
    command = saved("About {{topic}}")
    connected.ns["topic"] = "\ud800"
    run = connected.run(f"%%owui chat --new -m alpha\n/{command}")
    assert "{{topic}}" in run.stderr and "lone surrogate" in run.stderr
    assert "Traceback" not in run.stderr and provider.requests == []


def test_a_pending_account_is_told_so_and_not_connected(shell, owui_sandbox, monkeypatch):
    user = signed_in_client(owui_sandbox, role="pending", prefix="pending")
    try:
        me = user.me()
        monkeypatch.setenv("OWUI_API_KEY", user.settings.api_key)
        run = shell.run(f"%owui connect {owui_sandbox.url}")
        assert "pending approval" in run.stderr and me.email in run.stderr
        assert "lacks the permission" not in run.stderr and "Traceback" not in run.stderr
        assert shell.session.client is None and shell.session.user is None
        assert "not connected" in shell.run("%owui status").stderr
    finally:
        user.close()


def test_a_failed_connect_keeps_the_working_connection(connected, owui_sandbox, monkeypatch):
    user = signed_in_client(owui_sandbox, role="pending", prefix="pending")
    try:
        before = connected.session.client
        monkeypatch.setenv("OWUI_API_KEY", user.settings.api_key)
        assert "pending approval" in connected.run(f"%owui connect {owui_sandbox.url}").stderr
        assert connected.session.client is before and connected.session.user.role == "admin"
    finally:
        user.close()
