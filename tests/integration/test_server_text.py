"""Text the server cannot store: the result says what the saved chat holds (every release line).

Open WebUI strips NUL bytes (and lone surrogates) from what it saves; an answer or a prompt
that carries them must come back from `send` exactly as the server then holds it.
"""

from __future__ import annotations

import pytest

from owui_notebook.client import thread, validate_history

CASES = {
    "nul": ("before\x00after \x00end", "beforeafter end"),
    "lone-surrogate": ("odd \ud800 text", "odd  text"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unstorable_characters_match_what_the_server_holds(client_any, provider_any, case):
    raw, stored = CASES[case]
    provider_any.configure("alpha", reply=raw)
    chat = client_any.chat("alpha")
    result = chat.send(f"say it: {raw}")
    record = client_any.chats.get(chat.id)
    assert validate_history(record) == []
    user, answer = thread(record)
    assert result.content == answer["content"] == stored
    assert user["content"] == chat.messages()[0]["content"] == f"say it: {stored}"
    # The engine's own copy of the chat agrees with the server's, so the next turn builds on it.
    assert chat.messages()[1]["content"] == stored
    provider_any.reset()
    assert chat.send("next").error is None
    assert validate_history(client_any.chats.get(chat.id)) == []
