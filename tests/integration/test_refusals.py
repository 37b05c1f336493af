"""Refusals that are not about the key, and text that cannot be sent, on real servers."""

from __future__ import annotations

import uuid

import pytest

from owui_notebook.client import ConfigurationError, PermissionDeniedError
from owui_notebook.testing.bootstrap import signed_in_client


@pytest.fixture
def others_chat(owui_sandbox_any, client_any):
    """A chat of the sandbox's admin, and a client signed in as another (plain) user."""
    record = client_any.chats.create({"title": f"mine {uuid.uuid4().hex[:6]}", "models": []})
    other = signed_in_client(owui_sandbox_any, prefix="other")
    yield record, other
    other.close()
    client_any.chats.delete(record.id)


def test_changing_another_users_chat_does_not_blame_the_key(others_chat, client_any):
    record, other = others_chat
    folder = other.folders.create(f"f-{uuid.uuid4().hex[:6]}")
    attempts = {
        "add_tag": lambda: other.chats.add_tag(record.id, "stolen"),
        "clone": lambda: other.chats.clone(record.id),
        "move_to_folder": lambda: other.chats.move_to_folder(record.id, folder.id),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDeniedError) as info:
            attempt()
        message = str(info.value)
        assert "API key" not in message and "token" not in message, (name, message)
        assert record.id in message and "another user or does not exist" in message, name
        assert "\n" not in message
    after = client_any.chats.get(record.id)
    assert after.folder_id is None and "stolen" not in (after.meta or {}).get("tags", [])


def test_a_lone_surrogate_is_one_line_and_nothing_is_saved(client_any):
    title = f"surrogate {uuid.uuid4().hex[:6]}"
    with pytest.raises(ConfigurationError) as info:
        client_any.notes.create(title, "text \ud800 here")
    message = str(info.value)
    assert "lone surrogate (U+D800)" in message and "\n" not in message
    assert title not in {n.title for n in client_any.notes.list()}
