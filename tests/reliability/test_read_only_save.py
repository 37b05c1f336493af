"""Write access withdrawn between reading a chat and saving in it (a share revoked meanwhile).

The server then refuses the save with the 401 it gives for another user's chat; the
client must say the chat is read-only for this user and not keep retrying the turn.
"""

from __future__ import annotations

import json

import pytest

from owui_notebook.client import PermissionDeniedError

# What Open WebUI 0.12 answers to a save in a chat this user may only read.
PROHIBITED = json.dumps(
    {
        "detail": "You do not have permission to access this resource. "
        "Please contact your administrator for assistance."
    }
)


def test_a_save_refused_after_the_chat_was_read_says_read_only(proxied, proxy, provider):
    chat = proxied.chat("alpha")
    chat.send("first turn")
    proxy.status(401, body=PROHIBITED, path=f"/api/v1/chats/{chat.id}", method="POST")
    with pytest.raises(PermissionDeniedError) as info:
        chat.send("second turn")
    assert "read-only for you" in str(info.value)
    assert "kept and will be saved" not in str(info.value)
    assert chat.read_only and chat.unsaved == []
    provider.clear_requests()
    with pytest.raises(PermissionDeniedError, match="read-only for you"):
        chat.send("third turn")
    assert chat.unsaved == [] and not provider.requests  # refused before the model is asked
