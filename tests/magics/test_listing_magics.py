"""The line magics that return DataFrames and links, against a real Open WebUI."""

from __future__ import annotations

import uuid

import pandas as pd


def test_models(connected):
    run = connected.run("%owui models")
    assert run.error is None, run.stderr
    frame = run.value
    assert isinstance(frame, pd.DataFrame)
    assert {"alpha", "beta", "gamma", "delta", "slow", "long"} <= set(frame["model"].astype(str))


def test_chats_search_and_limit(connected):
    word = f"zanzibar{uuid.uuid4().hex[:6]}"
    connected.run(f"%%owui chat --new -m alpha\nFirst about {word}")
    first_id = connected.ns["_owui"].chat_id
    connected.run(f"%%owui chat --new -m alpha\nSecond about {word}")
    second_id = connected.ns["_owui"].chat_id
    found = connected.run(f"%owui chats --search {word}").value
    assert set(found["chat_id"]) == {first_id, second_id}
    newest = connected.run("%owui chats --limit 1").value
    assert list(newest["chat_id"]) == [second_id]


def test_history_of_the_current_chat(connected):
    connected.run("%%owui chat --new -m alpha\none")
    connected.run("%%owui chat -m beta\ntwo")
    frame = connected.run("%owui history").value
    assert list(frame["role"]) == ["user", "assistant", "user", "assistant"]
    assert list(frame["content"])[1::2] == [
        "alpha says: turn 1. You said: one.",
        "beta says: turn 2. You said: two.",
    ]
    # One missing-value marker: a user message has no timings and no token counts, and the
    # table shows <NA> for both, not NaN for one and <NA> for the other.
    shown = frame.to_string()
    assert "<NA>" in shown and "NaN" not in shown, shown
    for name in ("history", "stats", "stats --long", "chats", "models"):
        listed = connected.run(f"%owui {name}").value
        assert "NaN" not in listed.to_string(), name


def test_stats_wide_and_long(connected):
    connected.run("%%owui compare -m alpha,beta\nfor the stats")
    chat_id = connected.ns["_owui"][0].chat_id
    wide = connected.run("%owui stats").value
    assert chat_id in set(wide["chat_id"])
    long = connected.run("%owui stats --long").value
    mine = long[long["chat_id"] == chat_id]
    assert set(mine["model"].astype(str)) >= {"alpha", "beta"}


def test_open_and_status_name_the_current_chat(connected, owui_sandbox):
    assert "no current chat" in connected.run("%owui open").stderr
    connected.run("%%owui chat --new -m alpha\nlink me")
    chat_id = connected.ns["_owui"].chat_id
    link = connected.run("%owui open").value
    assert f"{owui_sandbox.url}/c/{chat_id}" in link.data and repr(link).endswith(chat_id)
    status = connected.run("%owui status").stdout
    assert f"/c/{chat_id}" in status and "current chat:" in status


def test_history_without_a_chat_is_a_clear_error(connected):
    run = connected.run("%owui history")
    assert run.stderr.strip() == "UsageError: no current chat yet: run a %%owui chat cell first"
