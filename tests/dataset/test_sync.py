"""The dataset against a real server: equal to the server's chats, refreshed by change only,
and all-or-nothing when a run is cut short."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from owui_notebook.client import thread
from owui_notebook.dataset import Dataset, sync_dataset
from tests.helpers.dataset import assert_equal_to_server, fetched_chats, table
from tests.helpers.transport import Recorder


def test_export_equals_the_servers_chats(account, tmp_path):
    with account.client() as client:
        result = sync_dataset(client, str(tmp_path / "ds"), progress=False)
        assert result.full and result.fetched == len(account.ids) == result.chats
        assert_equal_to_server(client, tmp_path / "ds")


def test_refresh_fetches_only_what_changed_and_equals_a_fresh_export(account, tmp_path):
    directory = tmp_path / "ds"
    with account.client() as client:
        sync_dataset(client, str(directory), progress=False)
        edited, branched, rated, deleted, renamed, tagged, pinned = account.ids[:7]
        time.sleep(1.1)  # updated_at has whole seconds: changes must land in a later one
        chat = client.chats.get(edited).chat
        history = chat["history"]
        leaf = history["messages"][history["currentId"]]
        leaf["content"] += " (edited)"
        client.chats.update(edited, chat)
        chat = client.chats.get(branched).chat  # a new branch: a sibling answer
        history = chat["history"]
        leaf = history["messages"][history["currentId"]]
        sibling = {**leaf, "id": "branch-" + leaf["id"][:8], "content": "another answer"}
        history["messages"][sibling["id"]] = sibling
        history["messages"][leaf["parentId"]]["childrenIds"].append(sibling["id"])
        client.chats.update(branched, chat)
        chat = client.chats.get(rated).chat
        history = chat["history"]
        history["messages"][history["currentId"]]["annotation"] = {"rating": -1}
        client.chats.update(rated, chat)
        client.chats.delete(deleted)
        client.chats.rename(renamed, "renamed by the test")
        client.chats.add_tag(tagged, "refresh-test")
        client.chats.pin(pinned)
        new = client.chats.create(
            {"title": "new", "models": ["alpha"], "history": {"messages": {}, "currentId": None}}
        ).id
        assert thread  # imported for the tree helpers other tests use
    expected = {edited, branched, rated, renamed, tagged, pinned, new}
    recorder = Recorder()
    with account.client(transport=recorder) as watched:
        result = sync_dataset(watched, str(directory), progress=False)
        assert fetched_chats(recorder) == expected
        assert (result.added, result.changed, result.removed) == (1, 6, 1)
        assert_equal_to_server(watched, directory)
        fresh = tmp_path / "fresh"
        sync_dataset(watched, str(fresh), progress=False)
    for name in ("chats", "messages"):
        pd.testing.assert_frame_equal(table(directory, name), table(fresh, name))


def test_refresh_sees_archiving_and_keeps_to_the_since_window(account, tmp_path):
    with account.client() as client:
        sync_dataset(client, str(tmp_path / "all"), progress=False)
        chats = table(tmp_path / "all", "chats")
        stamps = chats["updated_at"].map(lambda t: int(t.timestamp()))
        since = int(stamps.sort_values().iloc[len(stamps) // 2])
        inside = chats[(stamps > since) & ~chats["archived"]]["chat_id"].iloc[0]
        archived = chats[(stamps > since) & chats["archived"]]["chat_id"]
        outside = chats[stamps <= since]["chat_id"].iloc[0]
        directory = tmp_path / "ds"
        first = sync_dataset(client, str(directory), since=since, progress=False)
        assert first.chats == int((stamps > since).sum())
        time.sleep(1.1)
        client.chats.archive(inside)
        for chat_id in archived[:1]:
            client.chats.unarchive(chat_id)
        client.chats.add_tag(outside, "since-test")  # keeps its updated_at: out of the window
    expected = {inside, *archived[:1]}
    recorder = Recorder()
    with account.client(transport=recorder) as watched:
        result = sync_dataset(watched, str(directory), progress=False)
        assert fetched_chats(recorder) == expected
        assert (result.added, result.changed, result.removed) == (0, len(expected), 0)
        fresh = tmp_path / "fresh"
        sync_dataset(watched, str(fresh), since=since, progress=False)
    for name in ("chats", "messages"):
        pd.testing.assert_frame_equal(table(directory, name), table(fresh, name))
    assert table(directory, "chats").set_index("chat_id").loc[inside, "archived"]


_RUNNER = """
import sys, time
from owui_notebook.dataset import _sync
from owui_notebook.client import OpenWebUI
_sync.CHUNK_CHATS = 5
real = _sync._Run._flush
def slow(self, chats, messages):
    real(self, chats, messages)
    print("chunk", flush=True)
    time.sleep(0.5)
_sync._Run._flush = slow
client = OpenWebUI(sys.argv[1])
client.signin(sys.argv[2], sys.argv[3])
print(_sync.sync_dataset(client, sys.argv[4], full=len(sys.argv) > 5, progress=False))
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_interrupted_run_leaves_the_dataset_readable_and_the_next_completes_it(
    account, tmp_path, how
):
    directory = tmp_path / "ds"
    with account.client() as client:
        sync_dataset(client, str(directory), progress=False)
        before = table(directory, "messages")
        client.chats.delete(account.ids[0])
        time.sleep(1.1)
        for chat_id in account.ids[1:20]:  # enough changed chats for several chunks
            client.chats.rename(chat_id, f"renamed {chat_id[:6]}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [account.url, account.email, account.password, str(directory)]
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "chunk"
    proc.send_signal(how)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    # The previous generation, whole: the deleted chat still there, nothing half-written.
    pd.testing.assert_frame_equal(table(directory, "messages"), before)
    assert Dataset(directory).counts()["chats"] == len(account.ids)
    with account.client() as client:
        result = sync_dataset(client, str(directory), progress=False)
        assert result.resumed
        assert result.removed == 1 and result.chats == len(account.ids) - 1
        assert_equal_to_server(client, directory)


@pytest.mark.all_versions
def test_every_release_line_exports_what_the_user_may_see(account_any, tmp_path):
    with account_any.client() as client:
        result = sync_dataset(client, str(tmp_path / "ds"), progress=False)
        assert result.chats == len(account_any.ids)
        assert_equal_to_server(client, tmp_path / "ds")
        again = sync_dataset(client, str(tmp_path / "ds"), progress=False)
        assert (again.fetched, again.added, again.changed, again.removed) == (0, 0, 0, 0)
