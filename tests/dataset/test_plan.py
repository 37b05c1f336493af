"""A refresh's plan holds what changed, not the dataset: at 100,000 chats with 100 renamed,
the Python objects it builds stay a few MB and its result names only the 100.

The listings come from a stand-in for the client's listing calls (a real server holding
100,000 chats is a benchmark, `bench/deployment/dataset_bench.py`); what the plan decides
on real servers is tested in test_sync.py and test_everyone.py."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from owui_notebook.client.types import ChatSummary, Tag, User
from owui_notebook.dataset import _schema as sch
from owui_notebook.dataset._plan import refresh_plan
from owui_notebook.dataset._store import Store

CHATS = 100_000
RENAMED = 100
STAMP = 1_700_000_000


def chat_id(i: int) -> str:
    return f"{i:08d}-0000-4000-8000-000000000000"


def write_base(store: Store) -> object:
    """A committed-looking generation holding `CHATS` chats (what a first export wrote)."""
    base = store.meta / "gen-000001"
    ids = pa.array([chat_id(i) for i in range(CHATS)])
    columns = {
        "chat_id": ids,
        "title": pa.array([f"chat {i}" for i in range(CHATS)]),
        "updated_at": pa.array([STAMP * 1_000_000] * CHATS, pa.timestamp("us", tz="UTC")),
        "pinned": pa.array([False] * CHATS),
        "archived": pa.array([False] * CHATS),
    }
    table = pa.table(
        {f.name: columns.get(f.name, pa.nulls(CHATS, f.type)) for f in sch.CHATS_ARROW},
        schema=sch.CHATS_ARROW,
    )
    path = base / "chats" / f"{sch.PARTITION}=2023-11" / "c0.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)
    return base


class Listings:
    """The client's listing calls over `CHATS` chats, every 1,000th renamed."""

    def __init__(self) -> None:
        self.chats = self

    def _row(self, i: int) -> ChatSummary:
        title = f"renamed {i}" if i % (CHATS // RENAMED) == 0 else f"chat {i}"
        return ChatSummary(id=chat_id(i), title=title, updated_at=STAMP)

    def iter(self, *, include_folders: bool = True) -> Iterator[ChatSummary]:
        return (self._row(i) for i in range(CHATS))

    def list_by_user(self, user_id: str, page: int, **_: object) -> list[ChatSummary]:
        return [self._row(i) for i in range((page - 1) * 60, min(page * 60, CHATS))]

    def archived(self, page: int | None = None) -> list[ChatSummary]:
        return []

    def pinned(self) -> list[ChatSummary]:
        return []

    def all_tags(self) -> list[Tag]:
        return []


def bounded(value: object) -> bool:
    """No container in `value` holds more than the change."""
    if isinstance(value, dict):
        return len(value) <= 2 * RENAMED and all(bounded(v) for v in value.values())
    if isinstance(value, (list, set, tuple)):
        return len(value) <= 2 * RENAMED
    return True


@pytest.mark.parametrize("everyone", [False, True], ids=["own", "all-users"])
def test_a_refresh_plan_holds_the_change_not_the_dataset(tmp_path, everyone):
    store = Store(tmp_path)
    base = write_base(store)
    accounts = [User(id="u1", name="u", email="u@example.com", role="user")] if everyone else None
    tracemalloc.start()
    try:
        plan = refresh_plan(Listings(), store, base, None, False, accounts)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    renamed = sorted(chat_id(i) for i in range(0, CHATS, CHATS // RENAMED))
    assert (plan["added"], plan["changed"], plan["removed"]) == (0, RENAMED, 0)
    assert plan["targets"] == renamed and plan["drop"] == renamed
    assert bounded(plan), "the plan keeps something the size of the dataset"
    # Holding every chat as Python objects (two per chat) peaked at 77 MB here; now 2 MB.
    assert peak < 16 * 2**20, f"the plan's Python objects peaked at {peak / 2**20:.0f} MB"
    if "listing" in plan:
        plan["listing"].close()
