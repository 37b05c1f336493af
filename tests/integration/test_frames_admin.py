"""Incremental refresh, admin analytics, ratings and refusals, on every release line.

Each test signs in a new user, so the per-user frames hold only what the test made, and
bounds the server-wide figures (analytics) by a start time taken just before it seeds them.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

import pandas as pd
import pytest

from owui_notebook.client import OpenWebUI, PermissionDeniedError, UnsupportedFeatureError, thread
from owui_notebook.client.features import has_feature, parse_version
from owui_notebook.frames import (
    ExportCache,
    analytics_crosscheck_frame,
    analytics_daily_frame,
    analytics_models_frame,
    analytics_summary_frame,
    analytics_tokens_frame,
    analytics_users_frame,
    export_frame,
    feedback_frame,
    leaderboard_frame,
    messages_frame,
)
from owui_notebook.testing.bootstrap import signed_in_client


def signed_in(box, role: str = "admin") -> OpenWebUI:
    """A client signed in as a new user of `box` (nobody else's chats in its frames)."""
    return signed_in_client(box, role=role, prefix="frames-admin")


def boundary(cache: ExportCache) -> set[str]:
    """Chats in the newest second the cache holds: a refresh asks for them again."""
    mark = cache.watermark
    return {key for key, r in cache.records.items() if r.get("updated_at") == mark}


def test_refresh_fetches_only_changed_chats(owui_sandbox_any):
    with signed_in(owui_sandbox_any) as client:
        chats = [client.chat("alpha", title=f"refresh {i}") for i in range(4)]
        for chat in chats:
            chat.send("first")
        server = ExportCache(client, source="auto")  # the export where the server has it
        full = ExportCache(client)
        assert len(export_frame(server)) == len(messages_frame(full)) // 2 == 4
        asks_changed = has_feature(client.version(), "chat_stats_export")
        assert server.source.startswith("server:" if asks_changed else "client:")
        edges = boundary(server)

        time.sleep(1.1)  # the server keeps whole seconds
        since = int(time.time())
        time.sleep(1.1)
        chats[1].send("again")
        for source in ("auto", "client"):
            changed = export_frame(client, source=source, since=since)
            assert changed["chat_id"].tolist() == [chats[1].id], source
        for cache in (server, full):
            result = cache.refresh()
            assert (result.changed, result.added, result.removed) == ([chats[1].id], [], [])
            assert result.full_reload is not asks_changed
            if asks_changed:
                assert set(result.fetched) == {chats[1].id} | edges
        after = export_frame(server).set_index("chat_id")
        assert after.loc[chats[1].id, "message_count"] == 4
        assert (messages_frame(full)["chat_id"] == chats[1].id).sum() == 4
        with pytest.raises(ValueError, match="holds no message text"):
            messages_frame(full, content=True)

        time.sleep(1.1)
        new = client.chat("beta", title="refresh new")
        new.send("hello")
        result = server.refresh()
        assert (result.added, result.changed, result.removed) == ([new.id], [], [])

        client.chats.delete(chats[0].id)
        result = server.refresh()  # a deletion shows only in the count: reload
        assert result.removed == [chats[0].id] and result.full_reload
        assert not server.refresh()  # nothing changed since
        assert set(export_frame(server)["chat_id"]) == {c.id for c in (*chats[1:], new)}


def imported_chat(now: int, answers: list[tuple[str, int, int, int]]) -> dict:
    """One prompt answered side by side by `answers` ``(model, prompt, completion tokens,
    timestamp)``, then a follow-up to the first answer, answered by its model."""
    u1, u2, follow = (str(uuid.uuid4()) for _ in range(3))
    keys = [str(uuid.uuid4()) for _ in answers]

    def user(key, parent, children, text):
        return {"id": key, "parentId": parent, "childrenIds": children, "role": "user",
                "content": text, "timestamp": now}  # fmt: skip

    def answer(key, parent, children, idx, model, prompt, completion, stamp):
        return {
            "id": key,
            "parentId": parent,
            "childrenIds": children,
            "role": "assistant",
            "content": f"{model} answers",
            "model": model,
            "modelName": model,
            "modelIdx": idx,
            "done": True,
            "timestamp": stamp,
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion},
        }

    messages = {u1: user(u1, None, keys, "imported question")}
    for idx, (key, spec) in enumerate(zip(keys, answers, strict=True)):
        messages[key] = answer(key, u1, [u2] if idx == 0 else [], idx, *spec)
    messages[u2] = user(u2, keys[0], [follow], "and then?")
    model, prompt, completion, stamp = answers[0]
    messages[follow] = answer(follow, u2, [], 0, model, prompt * 2, completion + 1, stamp)
    history = {"messages": messages, "currentId": follow}
    body = {"title": "imported", "models": [a[0] for a in answers], "history": history}
    return {**body, "messages": thread(history)}


def test_analytics_frames_agree_with_the_chats(owui_sandbox_any):
    """Every user's answers in [start, end]: one imported chat (alpha x2, beta) and one
    made by the engine (alpha x2), so the chats hold alpha 4, beta 1."""
    with signed_in(owui_sandbox_any) as client:
        time.sleep(1.1)
        start = int(time.time())
        end = start + 3600
        answers = [("alpha", 10, 4, start), ("beta", 10, 6, start)]
        client.chats.import_chats([{"chat": imported_chat(start, answers)}])
        engine = client.chat("alpha", title="analytics engine")
        engine.send("one")
        engine.send("two")
        chats = analytics_models_frame(client, start, end, source="client")
        assert chats.attrs["source"] == "client:/api/v1/chats/all/db"
        assert chats[["model", "count", "unique_users", "unique_chats"]].astype(
            object
        ).values.tolist() == [["alpha", 4, 1, 2], ["beta", 1, 1, 1]]
        summary = analytics_summary_frame(client, start, end, source="client")
        assert summary.iloc[0].tolist() == [5, 2, 2, 1]

        version = client.version()
        if not has_feature(version, "analytics"):
            auto = analytics_models_frame(client, start, end)
            assert "which came in 0.8.0" in auto.attrs["note"]
            pd.testing.assert_frame_equal(auto, chats)
            with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.8\.0"):
                analytics_summary_frame(client, start, source="server")
            return
        # Up to 0.9.5 the server records a chat's messages in its analytics table when the chat
        # is created or imported, not when it is updated: the engine's second turn is missing
        # there. 0.9.6 and later (compatibility run) record updates too.
        updates_recorded = parse_version(version) >= (0, 9, 6)
        check = analytics_crosscheck_frame(client, start, end).set_index("model")
        assert check.loc["alpha"].tolist() == ([4, 4, 0] if updates_recorded else [3, 4, 1])
        assert check.loc["beta"].tolist() == [1, 1, 0]
        if updates_recorded:
            pairs = [
                (analytics_summary_frame, {}),
                (analytics_models_frame, {}),
                (analytics_tokens_frame, {}),
                (analytics_daily_frame, {}),
                (analytics_daily_frame, {"metric": "tokens"}),
                (analytics_users_frame, {"metric": "tokens"}),
            ]
            by_tokens = has_feature(version, "analytics_by_tokens")
            for frame_of, options in pairs:
                server = frame_of(client, start, end, **options)
                local = frame_of(client, start, end, source="client", **options)
                if options and not by_tokens:
                    # Before 0.12.4 /users and /daily ignore metric=tokens and count
                    # messages: the frames compute tokens from the chats and say why.
                    assert server.attrs["source"] == "client:/api/v1/chats/all/db"
                    assert "which came in 0.12.4" in server.attrs["note"]
                    with pytest.raises(UnsupportedFeatureError, match=r">= 0\.12\.4"):
                        frame_of(client, start, end, source="server", **options)
                else:
                    assert server.attrs["source"].startswith("server:/api/v1/analytics/")
                same = [c for c in server.columns if c not in ("name", "email")]
                if frame_of is analytics_models_frame and parse_version(version) < (0, 10):
                    # /analytics/models counts unique users and chats from 0.10.0 on.
                    unique = ["unique_users", "unique_chats"]
                    assert server[unique].isna().all().all()
                    same = [c for c in same if c not in unique]
                assert (
                    server[same].astype(object).values.tolist()
                    == local[same].astype(object).values.tolist()
                ), frame_of.__name__
            tokens = analytics_tokens_frame(client, start, end).set_index("model")
            assert tokens.loc["beta", ["input_tokens", "output_tokens"]].tolist() == [10, 6]

        # The analytics compare stored timestamps with the bounds as they are: an answer
        # stamped in milliseconds (as some clients save them) falls outside every end date.
        ms = [("gamma", 3, 2, (start + 5) * 1000)]
        client.chats.import_chats([{"chat": imported_chat(start + 5, ms)}])
        check = analytics_crosscheck_frame(client, start, end).set_index("model")
        assert check.loc["gamma"].tolist() == [0, 2, 2]


def test_daily_frame_lists_every_day_of_the_range(owui_sandbox_any):
    """A range from now to just after the next local midnight: two days, the second empty.
    0.8-0.11 step whole days from the start's time of day and leave that day out
    (``models/chat_messages.py``, ``get_daily_message_counts_by_model``); the frame lists it."""
    with signed_in(owui_sandbox_any) as client:
        start = int(time.time())
        client.chats.import_chats([{"chat": imported_chat(start, [("alpha", 1, 1, start)])}])
        now = datetime.fromtimestamp(start)
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        end = int(midnight.timestamp()) + 1
        days = [now.strftime("%Y-%m-%d"), midnight.strftime("%Y-%m-%d")]
        local = analytics_daily_frame(client, start, end, source="client")
        assert sorted({p.strftime("%Y-%m-%d") for p in local["period"]}) == days
        version = client.version()
        if not has_feature(version, "analytics"):
            return
        sent = [e["date"] for e in client.analytics.daily(start, end)["data"]]
        # The old rule misses the last day only when the end is earlier in its day than
        # the start is in its own (always, but for a start in the first second of a day).
        old_rule = parse_version(version) < (0, 12, 4) and now.time() > midnight.time()
        assert sent == (days[:1] if old_rule else days)
        server = analytics_daily_frame(client, start, end)
        assert server.attrs["source"] == "server:/api/v1/analytics/daily"
        assert sorted({p.strftime("%Y-%m-%d") for p in server["period"]}) == days


def test_leaderboard_and_feedback(owui_sandbox_any):
    with signed_in(owui_sandbox_any) as client:
        before = leaderboard_frame(client).set_index("model")
        chat = client.chat("alpha", title="rated")
        alpha, _ = chat.send_many("rate us", ["alpha", "gamma"])
        feedback = chat.rate(alpha, 1, comment="frames", tags=["frames-tag"])
        board = leaderboard_frame(client)
        after = board.set_index("model")

        def won_lost(frame, model):
            return frame.loc[model, ["won", "lost"]].tolist() if model in frame.index else [0, 0]

        for model, (won, lost) in {"alpha": (1, 0), "gamma": (0, 1)}.items():
            old = won_lost(before, model)
            assert won_lost(after, model) == [old[0] + won, old[1] + lost], model
        if has_feature(client.version(), "leaderboard"):
            assert board.attrs["source"] == "server:/api/v1/evaluations/leaderboard"
            replayed = leaderboard_frame(client, source="client")
            assert replayed.attrs["source"] == "client:/api/v1/evaluations/feedbacks/all/export"
            assert board.astype(object).values.tolist() == replayed.astype(object).values.tolist()
        else:
            assert "which came in 0.7.0" in board.attrs["note"]
            with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.7\.0"):
                leaderboard_frame(client, source="server")

        every = feedback_frame(client)
        assert every.attrs["source"] == "server:/api/v1/evaluations/feedbacks/all/export"
        row = every.set_index("feedback_id").loc[feedback.id]
        assert (row["model"], row["rating"], row["chat_id"], row["message_id"]) == (
            "alpha",
            1,
            chat.id,
            alpha.message_id,
        )
        assert (row["sibling_models"], row["comment"], row["tags"]) == (
            ["gamma"],
            "frames",
            ["frames-tag"],
        )
        mine = feedback_frame(client, scope="mine")
        assert mine["feedback_id"].tolist() == [feedback.id]


def test_non_admins_get_one_clear_line(owui_sandbox_any):
    with signed_in(owui_sandbox_any, role="user") as user:
        calls = {
            "analytics_summary_frame": analytics_summary_frame,
            "analytics_daily_frame": analytics_daily_frame,
            "leaderboard_frame": leaderboard_frame,
            "feedback_frame(scope='all')": lambda c: feedback_frame(c, scope="all"),
        }
        for name, call in calls.items():
            with pytest.raises(PermissionDeniedError) as info:
                call(user)
            message = str(info.value)
            assert message.startswith(f"{name} needs an Open WebUI admin account"), message
            assert "\n" not in message
        mine = feedback_frame(user)
        assert mine.empty and "only this user's feedback" in mine.attrs["note"]


def test_a_user_the_export_refuses_gets_figures_from_the_chats(owui_sandbox_any):
    box = owui_sandbox_any
    with OpenWebUI(box.url, box.jwt) as admin, signed_in(box, role="user") as user:
        if not has_feature(admin.version(), "chat_stats_export"):
            pytest.skip("no stats export on this release (the fallback is tested above)")
        chat = user.chat("alpha", title="refused")
        chat.send("hello")
        config = admin._http.request("GET", "/api/v1/auths/admin/config")
        admin._http.request(
            "POST", "/api/v1/auths/admin/config", json={**config, "ENABLE_COMMUNITY_SHARING": False}
        )
        try:
            frame = export_frame(user, source="auto")
            assert frame["chat_id"].tolist() == [chat.id]
            assert frame.attrs["source"] == "client:/api/v1/chats/all"
            assert "the stats export refused this user" in frame.attrs["note"]
            with pytest.raises(PermissionDeniedError):
                export_frame(user, source="server")
        finally:
            admin._http.request("POST", "/api/v1/auths/admin/config", json=config)
