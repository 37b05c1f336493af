"""DataFrames of chats of known shape, on every release line under test.

Each version gets a fresh admin whose chats are exactly the ones seeded here (servers are
shared by the whole session; per-user endpoints see only this user's chats), so frames can
be compared with what was created, with the saved chats, and with the server's own figures.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from owui_notebook.client import NotFoundError, OpenWebUI, UnsupportedFeatureError, thread
from owui_notebook.client.features import has_feature
from owui_notebook.frames import (
    CHAT_COLUMNS,
    EXPORT_COLUMNS,
    MESSAGE_COLUMNS,
    USAGE_COLUMNS,
    USAGE_MODEL_COLUMNS,
    chat_messages_frame,
    chats_frame,
    export_frame,
    export_record,
    message_lengths,
    messages_frame,
    models_frame,
    ratings_by_model,
    response_times,
    shape_messages,
    shape_usage,
    usage_frame,
    usage_models_frame,
    usage_over_time,
    usage_record,
)
from owui_notebook.frames.export import AGGREGATES
from owui_notebook.testing.bootstrap import signed_in_client


def signed_in(box, role: str = "admin") -> OpenWebUI:
    """A client signed in as a new user of `box` (nobody else's chats in its frames)."""
    return signed_in_client(box, role=role, prefix="frames")


def branched_body(now: int) -> dict[str, Any]:
    """A chat another client saved: an edited prompt (two user branches), side-by-side
    answers, usage in Ollama's and Anthropic's shapes, a millisecond timestamp."""

    def msg(key, role, parent, children, content, ts, **extra):
        base = {"id": key, "role": role, "parentId": parent, "childrenIds": children}
        return {**base, "content": content, "timestamp": ts, **extra}

    ids = {k: str(uuid.uuid4()) for k in ("u1", "a1", "u1b", "a2", "a3")}
    i = ids.__getitem__
    messages = {
        i("u1"): msg(i("u1"), "user", None, [i("a1")], "first try", now),
        i("a1"): msg(
            i("a1"),
            "assistant",
            i("u1"),
            [],
            "alpha one",
            now + 1,
            model="alpha",
            modelName="alpha",
            modelIdx=0,
            done=True,
            usage={"input_tokens": 4, "output_tokens": 2},
        ),
        i("u1b"): msg(i("u1b"), "user", None, [i("a2"), i("a3")], "second try", now + 2),
        i("a2"): msg(
            i("a2"),
            "assistant",
            i("u1b"),
            [],
            "alpha two",
            (now + 3) * 1000,
            model="alpha",
            modelName="alpha",
            modelIdx=0,
            done=True,
            info={"prompt_eval_count": 5, "eval_count": 3, "total_duration": 2_500_000_000},
        ),
        i("a3"): msg(
            i("a3"),
            "assistant",
            i("u1b"),
            [],
            "beta two",
            now + 3,
            model="beta",
            modelName="beta",
            modelIdx=1,
            done=True,
        ),
    }
    history = {"messages": messages, "currentId": i("a2")}
    body = {"title": "Frames E branched", "models": ["alpha", "beta"], "history": history}
    return {**body, "messages": thread(history), "_ids": ids}


@dataclass
class World:
    client: OpenWebUI
    ids: dict[str, str] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    folder_id: str = ""
    branched: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.client.version()

    def has(self, feature: str) -> bool:
        return has_feature(self.version, feature)


@pytest.fixture(scope="module")
def world(owui_sandbox_any):
    """Six chats of known shape, owned by a new admin:

    A  alpha, two turns; in a folder, tagged        C  beta, one turn; archived
    B  alpha, then alpha+beta side by side; rated   D  gamma, one turn; pinned
    E  made by "another client": branches, foreign usage shapes   F  empty
    """
    client = signed_in(owui_sandbox_any)
    w = World(client)
    w.folder_id = client.folders.create("Frames folder").id
    a = client.chat("alpha", title="Frames A", folder_id=w.folder_id, tags=["Frames Tag"])
    w.results["A"] = [a.send("one"), a.send("two")]
    b = client.chat("alpha", title="Frames B zebra")
    w.results["B"] = [b.send("hello"), *b.send_many("compare", ["alpha", "beta"])]
    b.rate(w.results["B"][1], 1, comment="winner")
    b.rate(w.results["B"][2], -1)
    c = client.chat("beta", title="Frames C")
    w.results["C"] = [c.send("old")]
    client.chats.archive(c.id)
    d = client.chat("gamma", title="Frames D")
    w.results["D"] = [d.send("pin me")]
    client.chats.pin(d.id)
    body = branched_body(int(time.time()))
    w.branched = body.pop("_ids")
    e = client.chats.create(body)
    f = client.chats.create({"title": "Frames F empty"})
    w.ids = {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id, "F": f.id}
    yield w
    client.close()


# (thread count, history count) per chat and model, as seeded
MODEL_COUNTS = {
    ("A", "alpha"): (2, 2),
    ("B", "alpha"): (2, 2),
    ("B", "beta"): (0, 1),
    ("C", "beta"): (1, 1),
    ("D", "gamma"): (1, 1),
    ("E", "alpha"): (1, 2),
    ("E", "beta"): (0, 1),
}


def by_name(world: World, frame: pd.DataFrame, column: str = "chat_id") -> pd.DataFrame:
    names = {v: k for k, v in world.ids.items()}
    return frame.assign(name=frame[column].map(names)).set_index("name").sort_index()


def test_usage_frame_counts_exactly_what_was_created(world):
    usage = usage_frame(world.client)
    assert list(usage.columns)[: len(USAGE_COLUMNS.names)] == USAGE_COLUMNS.names
    rows = by_name(world, usage)
    assert list(rows.index) == ["A", "B", "C", "D", "E"]  # the empty chat has no usage
    long = by_name(world, usage_models_frame(usage))
    assert list(long.columns) == USAGE_MODEL_COLUMNS.names
    counts = {
        (name, str(r.model)): (r.thread_count, r.history_count) for name, r in long.iterrows()
    }
    assert counts == MODEL_COUNTS
    assert rows.loc["B", "history_user_message_count"] == 2 and rows.loc["E", "message_count"] == 2
    if world.has("chat_usage_stats"):
        assert usage.attrs["source"] == "server:/api/v1/chats/stats/usage"
        assert "note" not in usage.attrs
    else:
        assert usage.attrs["source"] == "client:/api/v1/chats/all"
        assert "which came in 0.6.42" in usage.attrs["note"]


def test_usage_computed_from_chats_equals_the_servers(world):
    if not world.has("chat_usage_stats"):
        with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.6\.42"):
            usage_frame(world.client, source="server")
        return
    server = usage_frame(world.client, source="server")
    client = usage_frame(world.client, source="client")
    assert client.attrs["source"] == "client:/api/v1/chats/all"
    pd.testing.assert_frame_equal(
        server[USAGE_COLUMNS.names].sort_values("chat_id", ignore_index=True),
        client[USAGE_COLUMNS.names].sort_values("chat_id", ignore_index=True),
    )


def test_export_frame_agrees_with_the_server_and_adds_true_figures(world):
    client_side = by_name(world, export_frame(world.client, source="client"))
    assert list(client_side.index) == ["A", "B", "C", "D", "E", "F"]  # archived, empty too
    b = client_side.loc["B"]
    answers = world.results["B"]
    assert b["title"] == "Frames B zebra" and not b["archived"] and client_side.loc["C", "archived"]
    assert b["completion_tokens"] == sum(r.usage.completion_tokens for r in answers)
    assert b["prompt_tokens"] == sum(r.usage.prompt_tokens for r in answers)
    assert b["mean_ttft_s"] == pytest.approx(
        sum(round(r.timings.ttft, 4) for r in answers) / 3, abs=1e-9
    )
    assert client_side.loc["E", "completion_tokens"] == 2 + 3  # Anthropic and Ollama shapes
    assert client_side.loc["E", "mean_response_time_s"] == 2.5  # Ollama's total_duration
    assert client_side.loc["F", "history_message_count"] == 0
    if not world.has("chat_stats_export"):
        auto = export_frame(world.client, source="auto")
        assert auto.attrs["source"] == "client:/api/v1/chats/all"
        assert "which came in 0.7.0" in auto.attrs["note"]
        with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.7\.0"):
            export_frame(world.client, source="server")
        return
    server = export_frame(world.client, source="auto")
    assert list(server.columns) == EXPORT_COLUMNS.names
    assert server.attrs["source"] == "server:/api/v1/chats/stats/export?stream=true"
    paged = export_frame(world.client, source="server", stream=False)
    assert paged.attrs["source"] == "server:/api/v1/chats/stats/export (pages of 10)"
    pd.testing.assert_frame_equal(server, paged)
    server = by_name(world, server)
    shared = ["user_id", "created_at", "updated_at", "tags", *AGGREGATES.names]
    pd.testing.assert_frame_equal(server[shared], client_side[shared])
    assert server["title"].isna().all() and server["completion_tokens"].isna().all()


def test_messages_frame_rows_equal_the_saved_messages(world):
    msgs = messages_frame(world.client)
    assert list(msgs.columns) == MESSAGE_COLUMNS.names
    assert msgs.attrs["source"] == "client:/api/v1/chats/all"
    for name, chat_id in world.ids.items():
        record = world.client.chats.get(chat_id)
        rows = msgs[msgs["chat_id"] == chat_id].set_index("message_id")
        assert set(rows.index) == set(record.messages), name
        for key, message in record.messages.items():
            row = rows.loc[key]
            assert row["role"] == message["role"]
            assert (row["parent_id"] if pd.notna(row["parent_id"]) else None) == message["parentId"]
            assert (row["model"] if pd.notna(row["model"]) else None) == message.get("model")
        active = set(rows.index[rows["active"].astype(bool)])
        assert active == {m["id"] for m in thread(record.history)}, name
    timed = [r for results in world.results.values() for r in results]
    rows = msgs.set_index("message_id")
    for result in timed:
        row = rows.loc[result.message_id]
        assert row["token_count"] == result.usage.completion_tokens
        assert row["prompt_tokens"] == result.usage.prompt_tokens
        assert row["ttft_s"] == round(result.timings.ttft, 4)
        assert row["response_time_s"] == round(result.timings.total, 4)
        assert row["client"].startswith("owui-notebook/") and not row["stopped"]
    b = world.results["B"]
    assert (rows.loc[b[1].message_id, "rating"], rows.loc[b[2].message_id, "rating"]) == (1, -1)
    a2 = rows.loc[world.branched["a2"]]
    assert a2["timestamp"] == rows.loc[world.branched["a3"], "timestamp"]  # ms read as ms
    assert (a2["token_count"], a2["prompt_tokens"], a2["response_time_s"]) == (3, 5, 2.5)


def test_messages_from_the_server_export_match_but_carry_less(world):
    if not world.has("chat_stats_export"):
        with pytest.raises(UnsupportedFeatureError):
            messages_frame(world.client, source="server")
        return
    server = messages_frame(world.client, source="server")
    client = messages_frame(world.client)
    key = ["chat_id", "message_id", "role", "model", "content_length", "timestamp", "rating"]
    assert set(map(tuple, server[key].astype(object).values.tolist())) == set(
        map(tuple, client[key].astype(object).values.tolist())
    )
    assert server["parent_id"].isna().all() and server["token_count"].isna().all()
    with pytest.raises(ValueError, match="content=True needs source='client'"):
        messages_frame(world.client, source="server", content=True)


def test_chat_messages_frame_in_thread_order_with_text(world):
    frame = chat_messages_frame(world.client, world.ids["B"])
    first, alpha, beta = world.results["B"]
    assert frame["content"].tolist() == [
        "hello",
        first.content,
        "compare",
        alpha.content,
        beta.content,
    ]
    assert frame["message_id"].tolist()[3:] == [alpha.message_id, beta.message_id]
    assert frame["active"].tolist() == [True, True, True, True, False]
    assert frame["depth"].tolist() == [0, 1, 2, 3, 3]
    assert frame.attrs["source"] == f"client:/api/v1/chats/{world.ids['B']}"
    branched = chat_messages_frame(world.client, world.ids["E"])
    assert branched["content"].tolist() == [
        "first try",
        "alpha one",
        "second try",
        "alpha two",
        "beta two",
    ]
    assert branched["active"].tolist() == [False, False, True, True, False]


def test_unknown_chat_id_is_one_clear_line(world):
    with pytest.raises(NotFoundError) as info:
        chat_messages_frame(world.client, "no-such-chat-id")
    message = str(info.value)
    assert "no chat 'no-such-chat-id'" in message and "\n" not in message


def test_chats_frame_filters(world):
    every = by_name(world, chats_frame(world.client, archived=True))
    assert list(every.columns) == CHAT_COLUMNS.names
    assert list(every.index) == ["A", "B", "C", "D", "E", "F"]
    assert every.loc["A", "folder"] == "Frames folder" and every.loc["A", "tags"] == ["frames_tag"]
    assert every.loc["D", "pinned"] and every.loc["C", "archived"]
    assert every.loc["B", "models"] == ["alpha", "beta"] and every.loc["F", "message_count"] == 0
    assert every.loc["B", "message_count"] == 5

    def names(**kw):
        return sorted(by_name(world, chats_frame(world.client, **kw)).index)

    assert names() == ["A", "B", "D", "E", "F"]
    assert names(archived="only") == ["C"]
    assert names(folder="frames FOLDER") == names(folder=world.folder_id) == ["A"]
    assert names(tag="Frames Tag") == ["A"]
    assert names(search="zebra") == ["B"]
    newest = chats_frame(world.client, archived=True, limit=2)
    assert (
        newest["chat_id"].tolist()
        == chats_frame(world.client, archived=True)["chat_id"][:2].tolist()
    )
    with pytest.raises(ValueError, match="no folder 'Frames foldr'; did you mean 'Frames folder'"):
        chats_frame(world.client, folder="Frames foldr")


def test_analysis_of_the_seeded_chats(world):
    msgs = messages_frame(world.client)
    daily = usage_over_time(msgs)
    assert daily.sum().to_dict() == {"alpha": 6, "beta": 3, "gamma": 1}
    weekly = usage_over_time(msgs, freq="week", metric="completion_tokens")
    answers = msgs[msgs["role"] == "assistant"]
    assert (
        weekly.sum().to_dict()
        == answers.groupby("model", observed=True)["completion_tokens"].sum().to_dict()
    )
    times = response_times(msgs, metric="ttft_s")
    assert times["count"].to_dict() == {"alpha": 4, "beta": 2, "gamma": 1}  # what we timed
    lengths = message_lengths(msgs)
    prompts = ["one", "two", "hello", "compare", "old", "pin me", "first try", "second try"]
    assert lengths.loc["user", "count"] == len(prompts)
    assert lengths.loc["user", "total"] == sum(map(len, prompts))
    ratings = ratings_by_model(msgs)
    assert ratings.loc["alpha", ["answers", "rated", "up", "down"]].tolist() == [6, 1, 1, 0]
    assert ratings.loc["beta", ["answers", "rated", "up", "down"]].tolist() == [3, 1, 0, 1]


def test_models_frame_with_a_custom_model(world):
    client = world.client
    model_id = f"frames-{uuid.uuid4().hex[:6]}"
    form = {
        "id": model_id,
        "base_model_id": "alpha",
        "name": "Frames Custom",
        "meta": {"description": "made by a test", "capabilities": {"vision": True}},
        "params": {},
        "access_control": None,  # public up to 0.8
        "access_grants": [{"principal_type": "user", "principal_id": "*", "permission": "read"}],
    }
    client._http.request("POST", "/api/v1/models/create", json=form)
    try:
        frame = models_frame(client, refresh=True)
        rows = frame.set_index("model")
        assert {"alpha", "beta", "gamma", model_id} <= set(rows.index.astype(str))
        custom = rows.loc[model_id]
        assert custom["name"] == "Frames Custom" and custom["base_model"] == "alpha"
        assert custom["custom"] and custom["capabilities"] == ["vision"]
        assert (custom["access"], custom["active"]) == ("public", True)
        assert custom["description"] == "made by a test"
        assert not rows.loc["alpha", "custom"] and pd.isna(rows.loc["alpha", "access"])
        assert frame.attrs["source"] == "server:/api/models"
        assert str(frame["model"].dtype) == "category"
    finally:
        client.models.delete(model_id)  # the client picks the server's method


def test_an_empty_account_gives_empty_frames_with_the_columns(owui_sandbox_any):
    with signed_in(owui_sandbox_any) as client:
        for frame, schema in [
            (usage_frame(client), USAGE_COLUMNS),
            (usage_models_frame(client), USAGE_MODEL_COLUMNS),
            (export_frame(client), EXPORT_COLUMNS),
            (messages_frame(client), MESSAGE_COLUMNS),
            (chats_frame(client), CHAT_COLUMNS),
        ]:
            assert frame.empty and list(frame.columns)[: len(schema.names)] == schema.names
            assert frame.attrs["source"]
        assert usage_over_time(messages_frame(client)).empty


async def test_async_callers_reuse_the_shaping(aclient_any, client_any):
    """A panel on the kernel's loop fetches with AsyncOpenWebUI and shapes the same frames."""
    chats = [chat async for chat in aclient_any.chats.all()]
    records = [export_record(chat) for chat in chats]
    ours = shape_messages(records).sort_values(["chat_id", "message_id"], ignore_index=True)
    loaded = messages_frame(client_any).sort_values(["chat_id", "message_id"], ignore_index=True)
    pd.testing.assert_frame_equal(ours, loaded)
    usage = shape_usage(filter(None, map(usage_record, chats)))
    assert set(usage["chat_id"]) == set(usage_frame(client_any, source="client")["chat_id"])
