"""`ExportCache`: every chat's stats-export record, held in memory and refreshed incrementally.

    cache = ExportCache(client)
    chats = export_frame(cache)          # the first load fetches every chat
    ...
    result = cache.refresh()             # later: only chats changed since then
    chats = export_frame(cache)          # (and messages_frame(cache))

Where the records come from (`source`): by default from the full chats
(``/api/v1/chats/all``), digested here by the server's own rules into the records its
stats export sends, plus the true figures only full chats hold (parent ids, the provider's
token usage, owui-notebook's timings). ``source="server"`` reads the stats export instead.
Measured on Open WebUI 0.12.4 with 5,000 chats (``bench/stats_load.py``), the export's
NDJSON stream is no faster than its pages of 10 (the server fetches 10 chats per database
query either way) and about 7 times slower than the full chats.

A refresh asks the stats export for chats updated after the newest ``updated_at`` held
(then, for client-side records, fetches just those chats). The server keeps whole seconds
and returns only chats strictly later, so a chat changed in the same second as the last
one loaded would be missed: the refresh asks from one second earlier and compares what it
gets, so `RefreshResult.changed` lists only real changes while `fetched` may hold a few
unchanged chats from that boundary second. Deletions show as a drop in the server's chat
count; the cache then reloads everything. Servers without the stats export (< 0.7.0), and
users it refuses, have no way to ask for changed chats: there a refresh reloads every chat
and compares. Open WebUI moves ``updated_at`` when a chat's messages change, not when it
is only renamed, tagged, pinned, archived or moved (checked on 0.12.4): call `load` to
pick those up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..client.errors import NotFoundError, PermissionDeniedError, UnexpectedResponseError
from . import _sources as src
from ._digest import export_record
from ._progress import Progress
from ._types import epoch_seconds

if TYPE_CHECKING:
    from ..client import OpenWebUI


@dataclass
class RefreshResult:
    """What one `ExportCache.refresh` did (chat ids)."""

    fetched: list[str] = field(default_factory=list)  # downloaded by this refresh
    added: list[str] = field(default_factory=list)  # new since the last load
    changed: list[str] = field(default_factory=list)  # held before, different now
    removed: list[str] = field(default_factory=list)  # held before, gone now
    full_reload: bool = False  # the server could not say what changed

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class ExportCache:
    """The stats-export records of every chat of this user, kept current by `refresh`.

    `source`: ``"client"`` (the default) digests the full chats (``/api/v1/chats/all``)
    into the records the stats export sends, by the server's rules, with parent ids, token
    usage and timings filled in; ``"server"`` reads the server's stats export
    (Open WebUI >= 0.7.0; admins, or everyone where community sharing is on), whose messages lack
    those; ``"auto"`` takes the server's where it can. `stream` reads the export as one
    NDJSON response (else in pages of 10 chats; also where the server cannot stream).
    `content` keeps message text in client-side records (for ``messages_frame(content=True)``).
    `since` (datetime or epoch seconds) holds only chats changed after then.
    """

    def __init__(
        self,
        client: OpenWebUI,
        *,
        source: str = "client",
        stream: bool = True,
        content: bool = False,
        since: Any = None,
        progress: bool | None = None,
    ) -> None:
        src.check_source(source)
        seconds = epoch_seconds(since) if since is not None else None
        self.since = int(seconds) if seconds is not None else None
        self.client = client
        self.requested = source
        self.stream = stream
        self.content = content
        self.progress = progress
        self.records: dict[str, dict[str, Any]] = {}
        self.loaded = False
        self.mode: str | None = None  # "server" or "client" once loaded
        self.note: str | None = None

    def __repr__(self) -> str:
        state = f"{len(self.records)} chats from {self.source}" if self.loaded else "not loaded"
        return f"<ExportCache {state}>"

    def __len__(self) -> int:
        return len(self.records)

    @property
    def source(self) -> str:
        """``frame.attrs["source"]`` for frames of this cache."""
        if self.mode == "server":
            how = "?stream=true" if self.stream else " (pages of 10)"
            return src.server(src.EXPORT + how)
        return src.client_side(src.ALL_CHATS)

    @property
    def attrs(self) -> dict[str, Any]:
        """What the frames built from this cache put in ``frame.attrs``: source and note."""
        return src.attrs(self.client, self.source, self.note)

    @property
    def watermark(self) -> int | None:
        """The newest ``updated_at`` held (epoch seconds)."""
        held = [r.get("updated_at") for r in self.records.values()]
        stamps = [int(s) for s in held if isinstance(s, (int, float))]
        return max(stamps) if stamps else None

    def ensure(self) -> ExportCache:
        """This cache, loaded first if it has not been."""
        return self if self.loaded else self.load()

    def load(self) -> ExportCache:
        """Fetch every chat (again)."""
        if self.mode is None:
            self._resolve()
        try:
            records = self._fetch_all()
        except PermissionDeniedError:
            if self.requested != "auto" or self.mode != "server":
                raise
            self.mode = "client"
            self.note = (
                "the stats export refused this user (it needs an admin, or community "
                f"sharing on); computed from {src.ALL_CHATS}"
            )
            records = self._fetch_all()
        self.records = {r["id"]: r for r in records if r.get("id")}
        self.loaded = True
        return self

    def refresh(self) -> RefreshResult:
        """Fetch only the chats changed since the last load, where the server allows."""
        if not self.loaded or self.watermark is None or not self.client.has("chat_stats_export"):
            return self._reload()
        before = dict(self.records)
        try:
            fetched = self._fetch_changed(since=self.watermark - 1)
            total = self.client.stats.export(1, updated_at=self.since).total
        except PermissionDeniedError:  # a user the export refuses: no way to ask
            return self._reload(before)
        result = RefreshResult(fetched=[r["id"] for r in fetched])
        for record in fetched:
            old = before.get(record["id"])
            if old is None:
                result.added.append(record["id"])
            elif old != record:
                result.changed.append(record["id"])
            self.records[record["id"]] = record
        if total is not None and total < len(self.records):
            # Something was deleted, and the server's count is all it tells: start over.
            reload = self._reload(before)
            reload.fetched = result.fetched + reload.fetched
            return reload
        return result

    # -- internals --------------------------------------------------------------------

    def _resolve(self) -> None:
        if src.use_server(self.client, self.requested, "chat_stats_export"):
            self.mode = "server"
        else:
            self.mode = "client"
            if self.requested == "auto":
                self.note = src.missing_note(self.client, "chat_stats_export", src.ALL_CHATS)

    def _reload(self, before: dict[str, dict[str, Any]] | None = None) -> RefreshResult:
        before = dict(self.records) if before is None else before
        self.load()
        result = RefreshResult(fetched=list(self.records), full_reload=True)
        for key, record in self.records.items():
            if key not in before:
                result.added.append(key)
            elif before[key] != record:
                result.changed.append(key)
        result.removed = [key for key in before if key not in self.records]
        return result

    def _fetch_changed(self, since: int) -> list[dict[str, Any]]:
        # Strictly later than `since`, whole seconds (see the module docstring).
        rows = list(self._export_rows(since))
        if self.mode == "server":
            return rows
        with self._progress("refreshing chats", len(rows)) as bar:
            records = [self._fetch_one(r["id"], bar) for r in rows if r.get("id")]
        return [r for r in records if r is not None]

    def _export_rows(self, since: int | None) -> Iterator[dict[str, Any]]:
        stats = self.client.stats
        if self.stream:
            rows = stats.iter_export(updated_at=since, stream=True)
            try:
                first = next(rows, None)
            except UnexpectedResponseError:  # a release whose export cannot stream yet
                self.stream = False
            else:
                if first is not None:
                    yield first
                yield from rows
                return
        yield from stats.iter_export(updated_at=since, stream=False)

    def _progress(self, desc: str, total: int | None = None) -> Progress:
        return Progress(desc, total=total, enabled=self.progress)

    def _fetch_all(self) -> list[dict[str, Any]]:
        with self._progress("loading chats") as bar:
            if self.mode == "server":
                if bar.active:
                    bar.set_total(self.client.stats.export(1, updated_at=self.since).total)
                rows: Iterable[dict[str, Any]] = self._export_rows(self.since)
            else:
                rows = (
                    export_record(r, content=self.content)
                    for r in self.client.chats.all()
                    if self.since is None or (r.updated_at or 0) > self.since
                )
            return list(_counted(rows, bar))

    def _fetch_one(self, chat_id: str, bar: Progress) -> dict[str, Any] | None:
        try:
            record = export_record(self.client.chats.get(chat_id), content=self.content)
        except NotFoundError:  # deleted since the export listed it; the count shows it
            return None
        finally:
            bar.update()
        return record


def _counted(rows: Iterable[dict[str, Any]], bar: Progress) -> Iterator[dict[str, Any]]:
    for row in rows:
        bar.update()
        yield row
