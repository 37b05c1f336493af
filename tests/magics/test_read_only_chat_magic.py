"""``%%owui chat --chat ID`` on another user's chat, as an admin: one line, no retries."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from owui_notebook.client import NotFoundError, OpenWebUI
from owui_notebook.testing.bootstrap import signed_in_client


def test_admin_continuing_another_users_chat_is_told_it_is_read_only(connected, owui_sandbox):
    with signed_in_client(owui_sandbox) as owner:
        theirs = owner.chat("alpha")
        theirs.send("their question")
        with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as admin:
            try:
                admin.chats.get(theirs.id)
            except NotFoundError:  # then the magic says there is no such chat
                pytest.skip(f"Open WebUI {owui_sandbox.version} hides other users' chats")
        first = connected.run(f"%%owui chat --chat {theirs.id} -m alpha\nmay I go on?")
        assert isinstance(first.error, UsageError)
        assert "read-only for you" in str(first.error)
        assert "kept and will be saved" not in first.everything() + str(first.error)
        chat = connected.session.chat
        assert chat.id == theirs.id and chat.unsaved == []
        # The next cell continues the same chat and is refused the same way, at once.
        again = connected.run("%%owui chat -m alpha\nand now?")
        assert "read-only for you" in str(again.error)
        assert chat.unsaved == []
        assert owner.chats.get(theirs.id).history == theirs.history
