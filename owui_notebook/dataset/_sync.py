"""`sync_dataset`: the server's chats into the Parquet dataset, first in full, then by change.

A first run streams every chat (``/api/v1/chats/all``: NDJSON on Open WebUI >= 0.6.x
releases that stream it, one JSON list on older ones) and writes its rows in chunks as they
arrive. A later run asks only for listings (``/api/v1/chats/list`` and ``/archived`` pages,
``/pinned``, one query per tag): chats that are new, whose ``updated_at`` moved, or whose
title, archive flag, pin or tags changed (Open WebUI does not move ``updated_at`` for those)
are fetched one by one; chats gone from the listings are dropped (`_plan`: the listings are
compared on disk, so memory does not grow with the dataset). The rows are built by the
frames' own code (`export_record`, `message_rows`, `chat_row`), so the dataset and the
in-memory frames cannot disagree.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..client.errors import NotFoundError, PermissionDeniedError
from ..client.types import User
from ..frames._digest import as_dict, export_record
from ..frames._progress import Progress
from ..frames._types import epoch_seconds
from ..frames.chats import chat_row
from ..frames.messages import message_rows
from . import _everyone
from . import _schema as sch
from ._plan import refresh_plan
from ._store import USERS, Store, count_rows, write_parquet

if TYPE_CHECKING:
    from ..client import OpenWebUI

# Chats per chunk file: small enough to keep memory flat (rows are dicts until written),
# large enough that a 100,000-chat export writes few files before compaction.
CHUNK_CHATS = 2_000


@dataclass
class SyncResult:
    """What one `sync_dataset` run did."""

    directory: str
    generation: int
    full: bool  # fetched everything (a first run, or ``full=True``)
    fetched: int = 0  # chats downloaded with their messages
    added: int = 0
    changed: int = 0
    removed: int = 0
    chats: int = 0  # in the dataset now
    messages: int = 0
    resumed: bool = False  # finished the work of an interrupted run
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        kind = "exported" if self.full else "refreshed"
        counts = (
            f"{self.fetched} chats fetched"
            if self.full
            else f"+{self.added} new, {self.changed} changed, -{self.removed} deleted"
        )
        return (
            f"{kind} {self.directory}: {counts}; {self.chats} chats, {self.messages} messages "
            f"in {self.seconds:.1f}s" + (" (resumed)" if self.resumed else "")
        )


def sync_dataset(
    client: OpenWebUI,
    directory: str,
    *,
    since: Any = None,
    full: bool = False,
    progress: bool | None = None,
    all_users: bool = False,
) -> SyncResult:
    """Export this user's chats (`all_users`: every user's, for admins) into `directory`,
    or bring an earlier export up to date.

    `since` (datetime or epoch seconds, first run only) keeps chats changed after then;
    `full` fetches everything again. Killed or interrupted, the dataset stays as it was
    and the next run resumes where this one stopped.
    """
    started = time.monotonic()
    store = Store(directory)
    manifest = store.manifest()
    me = _me(client)
    scope = "all" if all_users else "own"
    options = {"server": client.base_url, "user_id": me.id if me else None, "scope": scope}
    if manifest is not None and manifest.get("scope", "own") != scope:
        held = "every user's" if manifest.get("scope") == "all" else "one account's"
        raise ValueError(
            f"{directory} holds {held} chats: export "
            + ("with" if manifest.get("scope") == "all" else "without")
            + " --all-users into it, or into a new directory"
        )
    if manifest is not None and manifest.get("user_id") != options["user_id"]:
        raise ValueError(
            f"{directory} holds another account's chats (user {manifest.get('user_id')}): "
            "export into a new directory"
        )
    # Every account (admins only: one clear error otherwise), or this one.
    accounts = _everyone.users(client) if all_users else ([me] if me else [])
    if manifest is not None:
        since = manifest.get("since")
    elif since is not None:
        since = int(epoch_seconds(since) or 0)
    base = store.current if (manifest is not None and not full) else None
    run = _Run(client, store, progress)
    plan: dict[str, Any]
    if base is None:
        plan = {"kind": "full", "base": None, "drop": [], "targets": None}
    else:
        plan = refresh_plan(client, store, base, since, progress, accounts if all_users else None)
    state = store.state()
    resumed = bool(
        state
        and state.get("kind") == plan["kind"]
        and state.get("base") == (base.name if base else None)
        and state.get("options") == options
        and state.get("chunks")
    )
    if resumed:
        assert state is not None
        store.drop_unlisted_chunks(state["chunks"])
        if plan["kind"] == "refresh":  # the listings since may add work; keep the old too
            plan["drop"] = sorted(set(plan["drop"]) | set(state.get("drop", [])))
            plan["targets"] = sorted(set(plan["targets"]) | set(state.get("targets", [])))
    else:
        state = {
            "kind": plan["kind"],
            "base": base.name if base else None,
            "options": options,
            "run": secrets.token_hex(4),
            "chunks": [],
        }
        store.start(state)
    state.update(drop=plan["drop"], targets=plan["targets"])  # JSON: ids only
    store.save_state(state)
    run.state = state

    staged = run.staged()
    earlier = list(state["chunks"])
    stale: set[str] = set()
    if plan["kind"] == "full":

        def fresh(records: Iterable[Any]) -> Iterator[Any]:
            for r in records:
                if since is not None and (r.updated_at or 0) <= since:
                    continue
                if r.id in staged:
                    if staged[r.id] == int(epoch_seconds(r.updated_at) or 0):
                        continue
                    stale.add(r.id)  # changed again since the interrupted run staged it
                yield r

        if all_users:  # listings streamed, chats fetched a window at a time
            records: Iterable[Any] = run.fetch(
                r.id
                for r in _everyone.listings(client, accounts)
                if since is None or int(epoch_seconds(r.updated_at) or 0) > since
            )
        else:
            records = client.chats.all()
        run.write(fresh(records))
    else:
        stale = plan["listing"].stale(staged)
        plan["listing"].close()  # on disk until here (a stopped run's: the next removes it)
        run.write(run.fetch([t for t in plan["targets"] if t not in staged or t in stale]))
    store.purge_staged(stale, earlier)

    generation = store.next_generation()
    drop = set(plan["drop"]) | run.vanished
    with Progress("writing dataset", unit="partitions", enabled=progress) as bar:
        for _ in store.build(generation, drop, base):
            bar.update()
    users_file = generation / USERS / "users.parquet"
    write_parquet(users_file, [_everyone.users_table(accounts)], _everyone.USERS_ARROW)
    result = SyncResult(
        directory=str(store.root),
        generation=int(generation.name.split("-")[1]),
        full=plan["kind"] == "full",
        fetched=run.written,
        added=plan.get("added", run.written if plan["kind"] == "full" else 0),
        changed=plan.get("changed", 0),
        removed=plan.get("removed", 0) + len(run.vanished),
        chats=count_rows(generation, "chats"),
        messages=count_rows(generation, "messages"),
        resumed=resumed,
        notes=run.notes,
    )
    store.commit(
        generation,
        {
            **options,
            "server_version": client.version(),
            "since": since,
            "watermark": _watermark(generation),
            "chats": result.chats,
            "messages": result.messages,
            "synced_at": int(time.time()),
        },
    )
    result.seconds = time.monotonic() - started
    return result


def _me(client: OpenWebUI) -> User | None:
    try:
        me = client.auths.me()
    except Exception:  # an API key some releases cannot describe; the url still scopes it
        return None
    return User(id=me.id, name=me.name, email=me.email, role=me.role)


def _watermark(generation: Any) -> int | None:
    stamps = [
        pc.max(pq.read_table(p, columns=["updated_at"]).column(0)).as_py()
        for p in (generation / "chats").glob("month=*/*.parquet")
    ]
    stamps = [s for s in stamps if s is not None]
    return int(max(stamps).timestamp()) if stamps else None


class _Run:
    """Fetches chats and writes them into staging in chunks, recording each chunk."""

    def __init__(self, client: OpenWebUI, store: Store, progress: bool | None) -> None:
        self.client = client
        self.store = store
        self.progress = progress
        self.state: dict[str, Any] = {}
        self.written = 0
        self.vanished: set[str] = set()
        self.notes: list[str] = []
        self._folders: dict[str, str] | None = None

    def folders(self) -> dict[str, str]:
        if self._folders is None:
            try:
                self._folders = {f.id: f.name for f in self.client.folders.list()}
            except (NotFoundError, PermissionDeniedError):
                self._folders = {}
        return self._folders

    def staged(self) -> dict[str, int]:
        """``{chat id: updated_at}`` of the chats an interrupted run already staged."""
        out: dict[str, int] = {}
        for path in (self.store.staging / "chats").glob("month=*/*.parquet"):
            part = pq.read_table(path, columns=["chat_id", "updated_at"]).to_pylist()
            for row in part:
                stamp = row["updated_at"]
                out[row["chat_id"]] = int(stamp.timestamp()) if stamp is not None else 0
        return out

    def fetch(self, ids: Iterable[str]) -> Iterator[Any]:
        """The chats `ids`, several requests in flight; those deleted since go to `vanished`."""
        return _everyone.fetch(self.client, ids, self.vanished)

    def write(self, records: Iterable[Any]) -> None:
        total = len(self.state["targets"]) if self.state.get("targets") is not None else None
        chats: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        with Progress("exporting chats", total=total, enabled=self.progress) as bar:
            for record in records:
                self._rows(as_dict(record), chats, messages)
                bar.update()
                if len(chats) >= CHUNK_CHATS:
                    self._flush(chats, messages)
                    chats, messages = [], []
            self._flush(chats, messages)

    def _rows(
        self, record: dict[str, Any], chats: list[dict[str, Any]], messages: list[dict[str, Any]]
    ) -> None:
        month = sch.month_of(record.get("created_at"))
        chat = chat_row(record, self.folders())
        chat[sch.PARTITION] = month
        chats.append(chat)
        user = record.get("user_id")
        for row in message_rows(export_record(record)):
            row["user_id"] = user
            row[sch.PARTITION] = month
            messages.append(row)

    def _flush(self, chats: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
        if not chats:
            return
        name = f"c{self.state['run']}-{len(self.state['chunks']):05d}"
        for table, schema, arrow, rows in (
            ("messages", sch.MESSAGES, sch.MESSAGES_ARROW, messages),
            ("chats", sch.CHATS, sch.CHATS_ARROW, chats),  # last: its ids mark the chunk done
        ):
            by_month: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                by_month.setdefault(row.pop(sch.PARTITION), []).append(row)
            for month, part in by_month.items():
                path = self.store.staging / table / f"{sch.PARTITION}={month}" / f"{name}.parquet"
                write_parquet(path, [sch.table(schema, arrow, part)], arrow)
        self.written += len(chats)
        self.state["chunks"].append(name)
        self.store.save_state(self.state)
