"""A refresh's plan: which chats are new, changed or gone, in memory bounded by the change.

The listings (``/api/v1/chats/list`` and ``/archived`` pages, ``/pinned``, one query per
tag; for admins every user's listing) are streamed into Parquet files under
``.owui/listing/`` as they arrive, and DuckDB compares them with the dataset's ``chats``
files as SQL joins, with a memory limit and a spill directory. Only the ids of what
changed come back into Python; the listing stays on disk until the run has used it to
find the chats an interrupted run staged that changed again (`Listing.stale`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..client.types import ChatSummary, User
from ..frames._progress import Progress
from ..frames._types import epoch_seconds
from ..frames.chats import tag_id
from . import _everyone
from ._schema import PARTITION
from ._store import Store

if TYPE_CHECKING:
    from ..client import OpenWebUI

# Listing rows per Parquet row group: what Python holds of a listing at any time.
BATCH = 5_000
# DuckDB's own budget; past it the joins spill into the listing directory. One thread: each
# one needs its own share of the budget (at 1,000,000 chats the plan takes seconds anyway).
MEMORY_LIMIT = "96MB"
THREADS = 1

_LISTED = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("updated_at", pa.int64()),
        pa.field("title", pa.string()),
        pa.field("archived", pa.bool_()),
        pa.field("seq", pa.int64()),  # arrival order: a later row of a chat wins
    ]
)
_TAGS = pa.schema([pa.field("id", pa.string()), pa.field("tag", pa.string())])


class _Writer:
    """Rows into one Parquet file, a batch at a time."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self._out = pq.ParquetWriter(path, schema)

    def add(self, **row: Any) -> None:
        if "seq" in self.schema.names:
            row["seq"] = self.count
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self._out.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self._out.close()


def _view(con: duckdb.DuckDBPyConnection, name: str, files: list[Path]) -> None:
    """A view over Parquet `files` (a view's file names cannot be prepared parameters)."""
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{quoted}])")


def _stamp(row: ChatSummary) -> int:
    return int(epoch_seconds(row.updated_at) or 0)


class Listing:
    """The server's listings of one refresh, on disk, and DuckDB over them."""

    def __init__(self, store: Store) -> None:
        self.root = store.meta / "listing"
        shutil.rmtree(self.root, ignore_errors=True)  # left by a run that was stopped
        (self.root / "spill").mkdir(parents=True)
        self.listed = _Writer(self.root / "listed.parquet", _LISTED)
        self.pinned = _Writer(self.root / "pinned.parquet", _LISTED)
        self.tags = _Writer(self.root / "tags.parquet", _TAGS)
        # A database file, so the tables live on disk and DuckDB's cache stays in its limit.
        self.con = duckdb.connect(
            str(self.root / "plan.duckdb"),
            config={
                "memory_limit": MEMORY_LIMIT,
                "threads": THREADS,
                "temp_directory": str(self.root / "spill"),
                "preserve_insertion_order": False,
            },
        )

    def add(self, row: ChatSummary, archived: bool = False) -> None:
        self.listed.add(id=row.id, updated_at=_stamp(row), title=row.title, archived=archived)

    def close(self) -> None:
        """Drop the files (the run has what it needs)."""
        self.con.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def stale(self, staged: dict[str, int]) -> set[str]:
        """Chats an interrupted run staged that the listing no longer shows as staged
        (changed again, or gone)."""
        if not staged:
            return set()
        rows = pa.table({"id": list(staged), "updated_at": list(staged.values())})
        self.con.register("staged", rows)
        query = (
            "SELECT s.id FROM staged s LEFT JOIN listed l ON l.id = s.id "
            "WHERE l.id IS NULL OR l.updated_at <> s.updated_at"
        )
        found = {r[0] for r in self.con.execute(query).fetchall()}
        self.con.unregister("staged")
        return found

    def plan(self, base: Path, since: int | None, known: list[str] | None) -> dict[str, Any]:
        """Compare the listing with `base`'s chats: `known` (tag ids the server can find
        by tag), or None where listings carry no archive flag, pin or tags (all users)."""
        for writer in (self.listed, self.pinned, self.tags):
            writer.close()
        con = self.con
        _view(con, "listed_rows", [self.listed.path])
        _view(con, "pinned_rows", [self.pinned.path])
        _view(con, "tag_rows", [self.tags.path])
        files = sorted((base / "chats").glob(f"{PARTITION}=*/*.parquet"))
        if files:
            _view(con, "base_rows", files)
        else:  # a dataset of no chats
            con.execute(
                "CREATE VIEW base_rows AS SELECT NULL::VARCHAR AS chat_id, NULL::TIMESTAMPTZ "
                "AS updated_at, NULL::VARCHAR AS title, NULL::BOOLEAN AS archived, "
                "NULL::BOOLEAN AS pinned, NULL::VARCHAR[] AS tags WHERE false"
            )
        own = known is not None
        # Imports keep tags the tag list may not know (0.9.x), or by name (0.12.x): only
        # those the server's tag query can find are compared.
        findable = [t for t in known or [] if t == tag_id(t)]
        con.execute(
            f"""
            CREATE TABLE held AS
            SELECT b.chat_id AS id, coalesce(epoch_us(b.updated_at) // 1000000, 0) AS updated_at,
                   coalesce(b.title, '') AS title,
                   {"coalesce(b.archived, false)" if own else "false"} AS archived,
                   {"coalesce(b.pinned, false)" if own else "false"} AS pinned,
                   coalesce(t.tags, []::VARCHAR[]) AS tags
            FROM base_rows b LEFT JOIN (
                SELECT chat_id, list_sort(list(tag)) AS tags
                FROM (SELECT chat_id, unnest(tags) AS tag FROM base_rows)
                WHERE tag IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY chat_id
            ) t ON t.chat_id = b.chat_id
            """,
            [findable],
        )
        con.execute(
            """
            CREATE TABLE listed AS
            WITH l AS (
                SELECT id, arg_max(updated_at, seq) AS updated_at, arg_max(title, seq) AS title,
                       arg_max(archived, seq) AS archived
                FROM listed_rows GROUP BY id),
            p AS (
                SELECT id, arg_min(updated_at, seq) AS updated_at, arg_min(title, seq) AS title
                FROM pinned_rows GROUP BY id),
            t AS (SELECT id, list_sort(list(tag)) AS tags FROM tag_rows GROUP BY id)
            SELECT coalesce(l.id, p.id) AS id,
                   coalesce(l.updated_at, p.updated_at) AS updated_at,
                   coalesce(l.title, p.title) AS title,
                   coalesce(l.archived, false) AS archived,
                   p.id IS NOT NULL AS pinned,
                   coalesce(t.tags, []::VARCHAR[]) AS tags
            FROM l FULL OUTER JOIN p ON p.id = l.id
            LEFT JOIN t ON t.id = coalesce(l.id, p.id)
            """
        )
        if since is not None:  # a dataset made with --since keeps to its window
            con.execute(
                "DELETE FROM listed WHERE updated_at <= ? AND id NOT IN (SELECT id FROM held)",
                [since],
            )

        def ids(query: str) -> list[str]:
            return sorted(r[0] for r in con.execute(query).fetchall())

        added = ids("SELECT id FROM listed ANTI JOIN held USING (id)")
        changed = ids(
            "SELECT l.id FROM listed l JOIN held h ON h.id = l.id WHERE "
            + " OR ".join(
                f"l.{c} IS DISTINCT FROM h.{c}"
                for c in ("updated_at", "title", "archived", "pinned", "tags")
            )
        )
        removed = ids("SELECT id FROM held ANTI JOIN listed USING (id)")
        con.execute("DROP TABLE held")  # `listed` stays for `stale`
        return {
            "kind": "refresh",
            "base": base.name,
            "targets": sorted(added + changed),
            "drop": sorted(changed + removed),
            "added": len(added),
            "changed": len(changed),
            "removed": len(removed),
            "listing": self,
        }


def _own(client: OpenWebUI, listing: Listing, progress: bool | None) -> list[str]:
    """This user's chats into `listing`; the tag ids the server's tag list knows."""
    with Progress("listing chats", enabled=progress) as bar:
        for row in client.chats.iter(include_folders=True):
            listing.add(row)
            bar.update()
        # The archived pages: until one brings nothing new (only archived ids are kept).
        seen: set[str] = set()
        page = 1
        while True:
            new = [r for r in client.chats.archived(page) if r.id not in seen]
            if not new:
                break
            for row in new:
                seen.add(row.id)
                listing.add(row, archived=True)
                bar.update()
            page += 1
    for row in client.chats.pinned():
        listing.pinned.add(id=row.id, updated_at=_stamp(row), title=row.title, archived=False)
    known = client.chats.all_tags()
    for tag in known:
        skip = 0
        while True:
            rows = client.chats.by_tag(tag.id or tag.name, skip=skip, limit=50)
            for row in rows:
                listing.tags.add(id=row.id, tag=tag.id or tag_id(tag.name))
            if len(rows) < 50:
                break
            skip += 50
    return [tag.id or tag_id(tag.name) for tag in known]


def _all_users(rows: Iterable[ChatSummary], listing: Listing, progress: bool | None) -> None:
    """Every user's chats (admin listings: update time and title only) into `listing`."""
    with Progress("listing chats", enabled=progress) as bar:
        for row in rows:
            listing.add(row)
            bar.update()


def refresh_plan(
    client: OpenWebUI,
    store: Store,
    base: Path,
    since: int | None,
    progress: bool | None,
    accounts: list[User] | None = None,
) -> dict[str, Any]:
    """What a refresh of `base` must fetch (``targets``) and drop (``drop``), with counts
    and the ``listing`` (close it when the run is done with it)."""
    listing = Listing(store)
    try:
        if accounts is not None:
            # The admin listings carry no archive flag, pin or tags. Archiving and pinning
            # move updated_at (0.12.4), tagging does not: --full catches tag changes.
            _all_users(_everyone.listings(client, accounts), listing, progress)
            return listing.plan(base, since, None)
        known = _own(client, listing, progress)
        return listing.plan(base, since, known)
    except BaseException:
        listing.close()
        raise
