"""An admin continuing another user's chat: the server lets the admin read it, never save in it.

The turn must say the chat is read-only for this user, keep nothing "for the next turn"
(no save there can ever succeed), and later turns must not ask the model again.
"""

from __future__ import annotations

import pytest

from owui_notebook.client import NotFoundError, PermissionDeniedError, validate_history
from owui_notebook.testing.bootstrap import signed_in_client


def asked(provider, prompt: str) -> int:
    return sum(1 for r in provider.requests if prompt in str(r))


def test_admin_cannot_save_in_another_users_chat(client_any, owui_sandbox_any, provider_any):
    with signed_in_client(owui_sandbox_any) as owner:
        mine = owner.chat("alpha")
        mine.send("my own question")
        before = owner.chats.get(mine.id)
        try:
            admin_view = client_any.chat(chat_id=mine.id).load()
        except NotFoundError:
            pytest.skip(f"Open WebUI {owui_sandbox_any.version} hides other users' chats")
        assert admin_view.turns == 1  # the admin may read it
        for attempt in ("admin's first try", "admin's second try"):
            with pytest.raises(PermissionDeniedError) as info:
                admin_view.send(attempt)
            message = str(info.value)
            assert "read-only for you" in message and "\n" not in message
            assert "kept and will be saved" not in message
            assert admin_view.read_only and admin_view.unsaved == []
        # The second try never reached the model: it was refused before anything was sent.
        assert asked(provider_any, "admin's second try") == 0
        after = owner.chats.get(mine.id)
        assert after.history == before.history and validate_history(after) == []
