"""An admin's dataset of every user's chats: equal to each user's own, refreshed by change,
with names, refused in one line to non-admins, and equal to the server's own analytics."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime

import pandas as pd
import pytest

from owui_notebook.client import OpenWebUI
from owui_notebook.client.errors import PermissionDeniedError
from owui_notebook.dataset import Dataset, sync_dataset
from owui_notebook.frames import MESSAGE_COLUMNS
from tests.helpers.dataset import (
    assert_equal_to_server,
    fetched_chats,
    make_account,
    normalized,
    table,
)
from tests.helpers.transport import Recorder


def own_rows(directory, user_id: str) -> pd.DataFrame:
    frame = table(directory, "messages")
    return frame[frame["user_id"] == user_id].reset_index(drop=True)


@pytest.fixture
def two(owui_sandbox):
    """Two new users with synthetic chats, their ids, and the admin's client."""
    accounts = [make_account(owui_sandbox, chats=8), make_account(owui_sandbox, chats=5)]
    for account in accounts:
        with account.client() as client:
            account.user_id = client.me().id  # type: ignore[attr-defined]
    with OpenWebUI(owui_sandbox.url, owui_sandbox.jwt) as admin:
        yield accounts, admin, owui_sandbox.jwt


def test_all_users_export_holds_each_users_chats_with_names_and_refreshes_by_change(two, tmp_path):
    accounts, admin, jwt = two
    directory = tmp_path / "everyone"
    result = sync_dataset(admin, str(directory), progress=False, all_users=True)
    assert result.full and result.chats >= 13
    for account in accounts:  # each user's part equals what that user sees
        with account.client() as client:
            mine = tmp_path / f"own-{account.user_id}"
            sync_dataset(client, str(mine), progress=False)
            assert_equal_to_server(client, mine)
        columns = [c for c in MESSAGE_COLUMNS.names if c != "tags"]
        pd.testing.assert_frame_equal(
            normalized(own_rows(directory, account.user_id), columns),
            normalized(table(mine, "messages"), columns),
        )
    ds = Dataset(directory)
    by_user = ds.usage_by_user()
    for account in accounts:
        assert by_user.loc[account.user_id, "email"] == account.email
        assert by_user.loc[account.user_id, "name"].startswith("Dataset ")
    roles = dict(ds.sql("SELECT user_id, role FROM users").itertuples(index=False))
    assert roles[accounts[0].user_id] == "user" and "admin" in roles.values()

    first, second = accounts
    time.sleep(1.1)  # updated_at has whole seconds
    with first.client() as client:
        client.chats.rename(first.ids[0], "renamed for the admin's refresh")
        client.chats.delete(first.ids[1])
    with second.client() as client:
        new = client.chats.import_chats(
            [{"chat": {"title": "new", "models": ["alpha"], "history": {"messages": {}}}}]
        )[0].id
    recorder = Recorder()
    with OpenWebUI(admin.base_url, jwt, transport=recorder) as watched:
        again = sync_dataset(watched, str(directory), progress=False, all_users=True)
        assert fetched_chats(recorder) == {first.ids[0], new}
        assert (again.added, again.changed, again.removed) == (1, 1, 1)
        fresh = tmp_path / "fresh"
        sync_dataset(watched, str(fresh), progress=False, all_users=True)
    for name in ("chats", "messages"):
        pd.testing.assert_frame_equal(table(directory, name), table(fresh, name))


def test_a_non_admin_asking_for_every_user_gets_one_clear_line(account, tmp_path):
    with account.client() as client, pytest.raises(PermissionDeniedError, match="admin account"):
        sync_dataset(client, str(tmp_path / "ds"), progress=False, all_users=True)
    assert not (tmp_path / "ds" / "chats").exists()
    with OpenWebUI(account.url) as client:
        token = client.signin(account.email, account.password).token
    assert token
    env = {"OWUI_URL": account.url, "OWUI_API_KEY": token, "PATH": "/usr/bin:/bin"}
    env["PYTHONPATH"] = ":".join(sys.path)
    out = subprocess.run(
        [sys.executable, "-m", "owui_notebook.cli", "export", str(tmp_path / "d"), "--all-users"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "owui-notebook export: every user's chats (--all-users) need an admin account; "
        "without one, export your own chats (leave out --all-users)"
    ]
    assert token not in out.stderr + out.stdout


def test_dataset_counts_per_user_model_and_day_equal_the_servers_analytics(two, tmp_path):
    accounts, admin, _ = two
    if not admin.has("analytics"):
        pytest.skip("this server has no admin analytics")
    ids = [a.user_id for a in accounts]
    group = admin.groups.create(f"dataset-{uuid.uuid4().hex[:6]}", user_ids=ids)
    try:
        sync_dataset(admin, str(tmp_path), progress=False, all_users=True)
        rows = Dataset(tmp_path).sql(
            "SELECT user_id, model, epoch(timestamp)::BIGINT AS ts, prompt_tokens, "
            "completion_tokens FROM messages WHERE role = 'assistant' AND model IS NOT NULL "
            "AND user_id IN (?, ?)",
            *ids,
        )
        assert len(rows) > 0
        # The server buckets days in its own local time (datetime.fromtimestamp).
        days = Counter(
            (datetime.fromtimestamp(ts).strftime("%Y-%m-%d"), model)
            for ts, model in zip(rows["ts"], rows["model"], strict=True)
        )
        daily = admin.analytics.daily(group_id=group.id)["data"]
        served = Counter({(d["date"], m): n for d in daily for m, n in d["models"].items() if n})
        assert served == days
        models = admin.analytics.models(group_id=group.id)["models"]
        assert {m["model_id"]: m["count"] for m in models} == dict(Counter(rows["model"]))
        users = admin.analytics.users(group_id=group.id, limit=1000)["users"]
        ours = rows.groupby("user_id")[["prompt_tokens", "completion_tokens"]].sum()
        assert {u["user_id"]: u["count"] for u in users} == dict(Counter(rows["user_id"]))
        for u in users:
            assert u["input_tokens"] == ours.loc[u["user_id"], "prompt_tokens"]
            assert u["output_tokens"] == ours.loc[u["user_id"], "completion_tokens"]
    finally:
        admin.groups.delete(group.id)
