"""Saved prompts and notes through one interface, on every release line.

Prompts are keyed by command up to 0.8 (stored as "/cmd") and by id from 0.9 (stored bare);
each test checks what the server stored, through its own endpoints, and cleans up.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime

import pytest

from owui_notebook.client import (
    Access,
    APIStatusError,
    ConfigurationError,
    NotFoundError,
    OpenWebUI,
    PermissionDeniedError,
    PromptVariableError,
    UnsupportedFeatureError,
    expand_prompt,
)
from owui_notebook.client.features import parse_version
from owui_notebook.testing.bootstrap import signed_in_client


def _cmd(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _raw_prompts(client) -> list[dict]:
    return client._http.request("GET", "/api/v1/prompts/")


@pytest.fixture
def cleanup():
    """``cleanup(client, *commands)``: prompts deleted after the test, if still there."""
    made: list[tuple] = []
    yield lambda client, *commands: made.extend((client, c) for c in commands)
    for client, command in made:
        with contextlib.suppress(NotFoundError):
            client.prompts.delete(command)


def test_prompt_lifecycle_on_every_version(client_any, cleanup):
    command = _cmd("summ")
    cleanup(client_any, command)
    created = client_any.prompts.create(
        f"/{command}", "Summarize {{topic}} for {{USER_NAME}}.", name="Summarize", tags=["t"]
    )
    assert created.command == command and created.name == "Summarize"

    stored = {p["command"].lstrip("/"): p for p in _raw_prompts(client_any)}[command]
    # Up to 0.7 prompts are keyed by their command, stored with its slash.
    legacy = parse_version(client_any.version()) < (0, 8)
    assert stored["command"] == (f"/{command}" if legacy else command)
    assert stored["content"] == "Summarize {{topic}} for {{USER_NAME}}."
    assert stored.get("title" if legacy else "name") == "Summarize"

    got = client_any.prompts.get(command)
    assert got.content == created.content and got.user_id

    updated = client_any.prompts.update(command, content="Shorten {{topic}}.")
    assert updated.content == "Shorten {{topic}}." and updated.name == "Summarize"
    assert client_any.prompts.get(command).content == "Shorten {{topic}}."

    found = client_any.prompts.search("shorten")
    assert command in {p.command for p in found}
    assert command not in {p.command for p in client_any.prompts.search("no-such-text-xyz")}

    assert client_any.prompts.expand(command, {"topic": "tides"}) == "Shorten tides."

    assert client_any.prompts.delete(command) is True
    assert command not in {p["command"].lstrip("/") for p in _raw_prompts(client_any)}
    with pytest.raises(NotFoundError, match=f"no saved prompt /{command}"):
        client_any.prompts.get(command)


def test_unknown_command_suggests_close_ones(client, cleanup):
    command = _cmd("translate")
    cleanup(client, command)
    client.prompts.create(command, "Translate.")
    with pytest.raises(NotFoundError, match="did you mean") as info:
        client.prompts.get(command[:-1] + "z")
    assert command in str(info.value)
    with pytest.raises(ConfigurationError, match="not a prompt command"):
        client.prompts.get("two words")


def test_batch_create_and_delete_are_all_or_nothing(client_any, cleanup):
    a, b, c = _cmd("a"), _cmd("b"), _cmd("c")
    cleanup(client_any, a, b, c)
    made = client_any.prompts.create_many({a: "A {{x}}", b: "B"})
    assert [p.command for p in made] == [a, b]
    before = {p["command"].lstrip("/") for p in _raw_prompts(client_any)}
    assert {a, b} <= before

    # One taken command: nothing of the batch is created.
    with pytest.raises(ConfigurationError, match=f"taken already.*/{a}"):
        client_any.prompts.create_many({c: "C", a: "again"})
    assert c not in {p["command"].lstrip("/") for p in _raw_prompts(client_any)}

    # One unknown command: nothing is deleted.
    with pytest.raises(NotFoundError, match="nothing was deleted"):
        client_any.prompts.delete_many([a, c])
    assert {a, b} <= {p["command"].lstrip("/") for p in _raw_prompts(client_any)}

    assert client_any.prompts.delete_many([a, b]) == 2
    assert not {a, b} & {p["command"].lstrip("/") for p in _raw_prompts(client_any)}


def test_a_user_may_not_bulk_delete_the_admins_prompts(owui_sandbox, client, cleanup):
    mine, other = _cmd("admin"), _cmd("admin")
    cleanup(client, mine, other)
    client.prompts.create_many({mine: "Admin's prompt.", other: "Another."}, access="public")
    user = signed_in_client(owui_sandbox, prefix="prompt-user")
    try:
        assert {mine, other} <= {p.command for p in user.prompts.list()}  # public: readable
        with pytest.raises(PermissionDeniedError, match=f"/{mine}.*nothing was deleted"):
            user.prompts.delete_many([mine, other])
        # By default users may not create prompts; the server says only "401 Unauthorized".
        with pytest.raises(PermissionDeniedError, match=r"\(user\) may not create prompts"):
            user.prompts.create(_cmd("own"), "User's prompt.")
    finally:
        user.close()
    assert {mine, other} <= {p.command for p in client.prompts.list()}  # nothing half-done


def test_expansion_fills_system_variables_like_the_web_ui():
    now = datetime(2026, 3, 2, 9, 5, 7)  # a Monday
    text = (
        "{{CURRENT_DATE}}|{{CURRENT_TIME}}|{{CURRENT_DATETIME}}|{{CURRENT_WEEKDAY}}|"
        "{{USER_NAME}}|{{USER_EMAIL}}|{{USER_LOCATION}}|{{ topic }}|"
        '{{tone | select:options=["dry","warm"]:default="dry"}}'
    )
    user = {"name": "Ann", "email": "ann@example.com"}
    out = expand_prompt(text, {"topic": "tides"}, user=user, now=now)
    assert out == (
        "2026-03-02|09:05:07|2026-03-02 09:05:07|Monday|Ann|ann@example.com|"
        "LOCATION_UNKNOWN|tides|dry"
    )
    # Notebook values win over system ones; the clipboard must come from the notebook.
    assert expand_prompt("{{USER_LOCATION}}", {"USER_LOCATION": "Oslo"}) == "Oslo"
    with pytest.raises(PromptVariableError, match=r"\{\{CLIPBOARD\}\}.*CLIPBOARD = "):
        expand_prompt("Fix: {{CLIPBOARD}}")
    with pytest.raises(PromptVariableError, match=r"/fix needs \{\{topic\}\}") as info:
        expand_prompt("About {{topic}}", {}, command="fix")
    assert info.value.name == "topic"


def test_note_lifecycle_on_every_version(client_any):
    title = f"Note {uuid.uuid4().hex[:6]}"
    note = client_any.notes.create(title, "# Findings\n\n- tides are **periodic**\n")
    try:
        stored = client_any._http.request("GET", f"/api/v1/notes/{note.id}")
        content = stored["data"]["content"]
        assert content["md"] == "# Findings\n\n- tides are **periodic**\n"
        assert "<h1>Findings</h1>" in content["html"]
        assert "<strong>periodic</strong>" in content["html"]
        assert stored["title"] == title
        assert Access.from_record(stored).kind == "private"
        assert note.id in {n.id for n in client_any.notes.list()}
        assert client_any.notes.url(note.id).endswith(f"/notes/{note.id}")

        updated = client_any.notes.update(note.id, markdown="Second draft <script>x</script>")
        assert updated.title == title and updated.markdown == "Second draft <script>x</script>"
        got = client_any.notes.get(note.id)
        assert got.markdown == "Second draft <script>x</script>"
        assert "<script>" not in got.data["content"]["html"]  # escaped, never raw
        renamed = client_any.notes.update(note.id, title=title + " v2")
        assert renamed.title == title + " v2" and renamed.markdown.startswith("Second draft")
    finally:
        assert client_any.notes.delete(note.id) is True
    assert note.id not in {n.id for n in client_any.notes.list()}


def test_prompt_access_is_stored_in_each_releases_form(client_any, cleanup):
    command = _cmd("pub")
    cleanup(client_any, command)
    client_any.prompts.create(command, "Shared.", access="public")
    stored = {p["command"].lstrip("/"): p for p in _raw_prompts(client_any)}[command]
    if "access_grants" in stored:
        assert Access.from_record(stored).kind == "public"
    else:
        assert stored.get("access_control", "absent") is None  # None = public up to 0.8


def test_notes_switched_off_are_one_line_and_nothing_is_saved(owui_sandbox, client):
    # 0.12 lets only a signed-in administrator (a JWT, not an API key) change this config.
    admin = OpenWebUI(owui_sandbox.url, owui_sandbox.jwt)
    http = admin._http
    config = http.request("GET", "/api/v1/auths/admin/config")
    if "ENABLE_NOTES" not in config:
        pytest.skip("this release has no switch for notes")
    before = {n.id for n in client.notes.list()}
    http.request("POST", "/api/v1/auths/admin/config", json={**config, "ENABLE_NOTES": False})
    try:
        fresh = OpenWebUI(owui_sandbox.url, owui_sandbox.api_key)
        with contextlib.suppress(APIStatusError):
            fresh._http.request("GET", "/api/v1/notes/")
            fresh.close()
            pytest.skip(  # 0.7, 0.8, 0.10: the switch only hides notes in the web UI
                f"Open WebUI {owui_sandbox.version} serves notes to API callers while they "
                "are switched off"
            )
        with pytest.raises(UnsupportedFeatureError, match="notes are switched off"):
            fresh.notes.create("never", "saved")
        fresh.close()
    finally:
        http.request("POST", "/api/v1/auths/admin/config", json={**config, "ENABLE_NOTES": True})
        admin.close()
    assert {n.id for n in client.notes.list()} == before
