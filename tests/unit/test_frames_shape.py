"""Shaping records into frames, and the server's rules the client-side figures follow."""

from __future__ import annotations

import pandas as pd
import pytest

from owui_notebook.frames import (
    MESSAGE_COLUMNS,
    elo_leaderboard,
    export_record,
    shape_export,
    shape_feedback,
    shape_leaderboard,
    shape_messages,
    shape_models,
    shape_usage,
    shape_usage_models,
    usage_record,
)
from owui_notebook.frames._digest import tree_order
from owui_notebook.frames.models import access_of
from tests.helpers.records import S, branched_chat, message


def test_export_record_follows_the_servers_rules():
    record = export_record(branched_chat())
    assert record["stats"] == {
        "average_response_time": (2 + ((S + 3) * 1000 - S) + 2) / 3,  # the server's raw gaps
        "average_user_message_content_length": (8 + 5) / 2,
        "average_assistant_message_content_length": (6 + 3 + 5) / 3,  # text parts only
        "models": {"alpha": 2},
        "message_count": 4,
        "history_models": {"alpha": 2, "beta": 1},
        "history_message_count": 5,
        "history_user_message_count": 2,
        "history_assistant_message_count": 3,
    }
    assert record["tags"] == ["work"] and record["chat"]["history"]["currentId"] == "a3"
    a1 = record["chat"]["history"]["messages"]["a1"]
    assert (a1["content_length"], a1["token_count"], a1["rating"], a1["tags"]) == (
        6,
        2,
        1,
        ["good"],
    )
    assert "content" not in a1


def test_usage_record_follows_the_usage_endpoints_rules():
    record = usage_record(branched_chat())
    assert record["average_assistant_message_content_length"] == (6 + 2 + 5) / 3  # len(list)
    assert record["last_message_at"] == S + 12 and record["tags"] == ["work"]
    assert record["models"] == {"alpha": 2} and record["history_models"] == {"alpha": 2, "beta": 1}


@pytest.mark.parametrize(
    "history",
    [
        {"messages": {}, "currentId": None},
        {"messages": {"u": message("u", "user", None, [], "x", S)}, "currentId": None},
        {"messages": {"u": message("u", "user", None, [], "x", S)}, "currentId": "gone"},
    ],
)
def test_usage_record_skips_chats_the_server_skips(history):
    assert usage_record({"id": "c", "chat": {"history": history}}) is None


def test_message_rows_true_figures_and_thread_order():
    frame = shape_messages([export_record(branched_chat())], source="client:/x")
    assert list(frame.columns) == MESSAGE_COLUMNS.names and frame.attrs["source"] == "client:/x"
    assert frame["message_id"].tolist() == ["u1", "a1", "u2", "a3", "a2"]
    by_id = frame.set_index("message_id")
    assert by_id["active"].tolist() == [True, True, True, True, False]
    assert by_id.loc["a2", "timestamp"] == pd.Timestamp(S + 3, unit="s", tz="UTC")  # was ms
    assert by_id["token_count"].fillna(-1).tolist() == [-1, 2, -1, 1, 4]
    assert by_id.loc["a1", ["prompt_tokens", "completion_tokens", "total_tokens"]].tolist() == [
        3,
        2,
        5,
    ]
    assert by_id.loc["a2", ["prompt_tokens", "completion_tokens", "total_tokens"]].tolist() == [
        3,
        4,
        7,
    ]
    assert by_id.loc["a3", ["prompt_tokens", "completion_tokens", "total_tokens"]].tolist() == [
        5,
        1,
        6,
    ]
    assert by_id.loc["a1", "tokens_per_second"] == 2.0 and by_id.loc["a1", "ttft_s"] == 0.5
    assert by_id.loc["a2", "response_time_s"] == 2.0  # Ollama's total_duration
    assert pd.isna(by_id.loc["a3", "response_time_s"]) and by_id.loc["a3", "error"]
    assert by_id["timestamp_gap_s"].tolist()[1:] == [2.0, 8.0, 2.0, 3.0]
    assert by_id.loc["a2", "content_length"] == 3 and by_id.loc["a2", "rating"] == -1
    assert pd.isna(by_id.loc["u1", "token_count"]) and pd.isna(by_id.loc["u1", "model"])
    assert str(frame["model"].dtype) == "category" and str(frame["rating"].dtype) == "Int64"


def test_server_export_messages_have_no_thread():
    server = export_record(branched_chat())
    for m in server["chat"]["history"]["messages"].values():
        for key in list(m):
            if key not in ("id", "role", "model", "content_length", "token_count", "timestamp"):
                m.pop(key)
    frame = shape_messages([server])
    assert frame["message_id"].tolist() == ["u1", "a1", "a2", "u2", "a3"]
    assert frame["active"].isna().all() and frame["parent_id"].isna().all()


def test_tree_order_survives_broken_links():
    messages = {
        "r": {"parentId": None, "childrenIds": ["b", "a"]},
        "a": {"parentId": "r", "childrenIds": []},
        "b": {"parentId": "r", "childrenIds": []},
        "orphan": {"parentId": "missing", "childrenIds": []},  # a root by necessity
        "x": {"parentId": "y", "childrenIds": []},
        "y": {"parentId": "x", "childrenIds": []},  # a cycle: no walk reaches it
        "unlisted": {"parentId": "r", "childrenIds": []},
    }
    assert tree_order(messages) == [
        ("r", 0),
        ("b", 1),
        ("a", 1),
        ("unlisted", 1),
        ("orphan", 0),
        ("x", -1),
        ("y", -1),
    ]


def test_chat_level_export_frame_from_full_chats():
    frame = shape_export([export_record(branched_chat())])
    row = frame.iloc[0]
    assert row["title"] == "Branched" and row["pinned"] and row["folder_id"] == "f1"
    assert (row["prompt_tokens"], row["completion_tokens"], row["total_tokens"]) == (11, 7, 18)
    assert row["mean_ttft_s"] == 0.5 and row["mean_response_time_s"] == (1.5 + 2.0) / 2
    assert row["history_models"] == {"alpha": 2, "beta": 1}


def test_usage_long_form_keeps_thread_and_history_counts_apart():
    usage = shape_usage([usage_record(branched_chat()), {"id": "c2", "models": {}}])
    long = shape_usage_models(usage)
    assert long[["chat_id", "model", "thread_count", "history_count"]].values.tolist() == [
        ["c1", "alpha", 2, 2],
        ["c1", "beta", 0, 1],
    ]


def test_usage_keeps_fields_the_server_adds():
    frame = shape_usage([{"id": "c", "models": {}, "brand_new": 42}])
    assert frame.loc[0, "chat_id"] == "c" and frame.loc[0, "brand_new"] == 42


@pytest.mark.parametrize(
    ("info", "access"),
    [
        (None, None),
        ({"id": "m"}, None),
        ({"access_control": None}, "public"),
        ({"access_control": {}}, "private"),
        ({"access_control": {"read": {"group_ids": ["g"], "user_ids": []}}}, "shared"),
        ({"access_grants": []}, "private"),
        (
            {
                "access_grants": [
                    {"principal_type": "user", "principal_id": "*", "permission": "read"}
                ]
            },
            "public",
        ),
        ({"access_grants": [{"principal_type": "group", "principal_id": "g"}]}, "shared"),
    ],
)
def test_model_access_across_releases(info, access):
    assert access_of(info) == access


def test_models_frame_rows():
    custom = {
        "id": "coder",
        "name": "Coder",
        "owned_by": "openai",
        "info": {
            "base_model_id": "alpha",
            "is_active": True,
            "created_at": S,
            "meta": {"capabilities": {"vision": True, "citations": False}, "hidden": True},
            "access_control": None,
        },
        "tags": [{"name": "dev"}],
    }
    frame = shape_models([{"id": "alpha", "owned_by": "openai", "created": S}, custom])
    assert frame["model"].tolist() == ["alpha", "coder"]
    coder = frame.iloc[1]
    assert (
        coder["custom"] and coder["base_model"] == "alpha" and coder["capabilities"] == ["vision"]
    )
    assert (coder["access"], coder["hidden"], coder["tags"]) == ("public", True, ["dev"])
    assert not frame.iloc[0]["custom"] and pd.isna(frame.iloc[0]["access"])


def test_elo_leaderboard_replays_the_servers_rules():
    feedbacks = [
        {
            "data": {
                "model_id": "alpha",
                "rating": 1,
                "sibling_model_ids": ["beta"],
                "tags": ["code"],
            }
        },
        {"data": {"model_id": "gamma", "rating": -1, "sibling_model_ids": ["alpha"]}},
        {"data": {"model_id": "beta", "rating": 0, "sibling_model_ids": ["alpha"]}},  # no vote
    ]
    entries = elo_leaderboard(feedbacks)
    assert [(e["model_id"], e["rating"], e["won"], e["lost"]) for e in entries] == [
        ("alpha", 1031, 2, 0),
        ("gamma", 985, 0, 1),
        ("beta", 984, 0, 1),
    ]
    assert entries[0]["top_tags"] == [{"tag": "code", "count": 1}]
    frame = shape_leaderboard(entries)
    assert frame["model"].tolist() == ["alpha", "gamma", "beta"] and frame["count"].tolist() == [
        2,
        1,
        1,
    ]


def test_feedback_rows():
    frame = shape_feedback(
        [
            {
                "id": "f",
                "user_id": "u",
                "type": "rating",
                "data": {"model_id": "alpha", "rating": 1, "sibling_model_ids": ["beta"]},
                "meta": {"chat_id": "c", "message_id": "m"},
                "created_at": S,
            }
        ]
    )
    row = frame.iloc[0]
    assert (row["model"], row["rating"], row["chat_id"], row["sibling_models"]) == (
        "alpha",
        1,
        "c",
        ["beta"],
    )
