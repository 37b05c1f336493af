"""A large dataset in the export's exact layout, without a server: a small one scaled up.

    python bench/deployment/scale_dataset.py OUT --messages 10000000 [--base DIR]

The base is a real export (``--base DIR``, written by ``owui-notebook export``) or, by
default, synthetic chats (`owui_notebook.testing.deployment.chat_form`, with owui-notebook's
timings on most answers and an error on a few) turned into rows by the export's own code
(`chat_row`, `message_rows`, `_schema.table`). Each replica of it gets new chat, message
and parent ids, its own owners (``--users`` in all) and its dates shifted back by whole
weeks (over about two years), and is written at once with pyarrow into the same
Hive partitions (``month`` of the chat's creation, recomputed after the shift) and Arrow
schema as the export, so the generator's memory stays that of one replica.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds
import pyarrow.parquet as pq

from owui_notebook.dataset import _schema as sch
from owui_notebook.dataset._everyone import USERS_ARROW
from owui_notebook.frames._digest import export_record
from owui_notebook.frames.chats import chat_row
from owui_notebook.frames.messages import message_rows
from owui_notebook.testing.deployment import chat_form, timed_and_failed

WEEK_US = 7 * 86_400 * 1_000_000
SHIFTS = 104  # replicas spread their dates over two years before the base's
GROUP_ROWS = 32_768  # rows per Parquet row group (and per partition's buffer)
_CREATED = "_chat_created"  # a message's chat creation time, to partition a replica


def synthetic_base(chats: int, users: int, *, seed: int = 0) -> tuple[pa.Table, pa.Table]:
    """`chats` synthetic chats of `users` owners as the export's (chats, messages) tables."""
    rng = random.Random(seed)
    now = int(time.time())
    owners = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(users)]
    chat_rows, message_rows_ = [], []
    for _ in range(chats):
        form = timed_and_failed(chat_form(rng, now=now), rng)
        record = {
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "user_id": rng.choice(owners),
            "title": form["chat"]["title"],
            "chat": form["chat"],
            "meta": form["meta"],
            "pinned": form["pinned"],
            "archived": rng.random() < 0.05,
            "folder_id": None,
            "created_at": form["created_at"],
            "updated_at": form["updated_at"],
        }
        chat = chat_row(record, {})
        chat_rows.append(chat)
        for row in message_rows(export_record(record)):
            row["user_id"] = record["user_id"]
            message_rows_.append(row)
    return (
        sch.table(sch.CHATS, sch.CHATS_ARROW, chat_rows),
        sch.table(sch.MESSAGES, sch.MESSAGES_ARROW, message_rows_),
    )


def read_base(directory: Path) -> tuple[pa.Table, pa.Table]:
    """A real export's tables (without the partition column)."""
    tables = []
    for name, arrow in (("chats", sch.CHATS_ARROW), ("messages", sch.MESSAGES_ARROW)):
        data = pds.dataset(directory / name, partitioning="hive", format="parquet")
        tables.append(data.to_table(columns=arrow.names).cast(arrow))
    return tables[0], tables[1]


def _with_created(chats: pa.Table, messages: pa.Table) -> pa.Table:
    """`messages` with each one's chat creation time (what its partition follows)."""
    at = pc.index_in(messages.column("chat_id"), value_set=chats.column("chat_id").combine_chunks())
    return messages.append_column(_CREATED, pc.take(chats.column("created_at"), at))


def _suffixed(column: pa.ChunkedArray, suffix: str) -> pa.ChunkedArray:
    return pc.binary_join_element_wise(column, pa.scalar(suffix), "")  # null stays null


def _shifted(column: pa.ChunkedArray, weeks: int) -> pa.ChunkedArray:
    return pc.subtract(column, pa.scalar(weeks * WEEK_US, pa.duration("us")))


def _month(created: pa.ChunkedArray) -> pa.ChunkedArray:
    months = pc.strftime(created, format="%Y-%m")
    return pc.fill_null(months, sch.NO_MONTH)


def replica(table: pa.Table, arrow: pa.Schema, index: int, owners: int) -> pa.Table:
    """Copy `index` of a base table: new ids and owners, dates shifted, month recomputed."""
    suffix = f"-r{index:06d}"
    weeks = index % SHIFTS
    columns = {}
    for name in arrow.names:
        column = table.column(name)
        if name in ("chat_id", "message_id", "parent_id"):
            column = _suffixed(column, suffix)
        elif name == "user_id":
            column = _suffixed(column, f"-u{index % owners:05d}")
        elif pa.types.is_timestamp(arrow.field(name).type):
            column = _shifted(column, weeks)
        columns[name] = column
    created = table.column("created_at" if _CREATED not in table.column_names else _CREATED)
    columns[sch.PARTITION] = _month(_shifted(created, weeks))
    return pa.table(columns, schema=arrow.append(pa.field(sch.PARTITION, pa.string())))


def _write(directory: Path, tables: Iterator[pa.Table], arrow: pa.Schema) -> None:
    """Write each table's rows into its month's file, one `ParquetWriter` per partition,
    buffering at most `GROUP_ROWS` rows per partition (the generator's memory stays flat;
    pyarrow's `write_dataset` queues its input as fast as it comes)."""
    writers: dict[str, pq.ParquetWriter] = {}
    buffers: dict[str, list[pa.Table]] = {}

    def flush(month: str) -> None:
        part = pa.concat_tables(buffers.pop(month))
        if month not in writers:
            path = directory / f"{sch.PARTITION}={month}" / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            writers[month] = pq.ParquetWriter(path, arrow, compression="zstd")
        writers[month].write_table(part, row_group_size=GROUP_ROWS)

    try:
        for table in tables:
            months = table.column(sch.PARTITION)
            rows = table.drop_columns([sch.PARTITION])
            for month in pc.unique(months).to_pylist():
                buffers.setdefault(month, []).append(rows.filter(pc.equal(months, month)))
                if sum(t.num_rows for t in buffers[month]) >= GROUP_ROWS:
                    flush(month)
        for month in list(buffers):
            flush(month)
    finally:
        for writer in writers.values():
            writer.close()


def scale(
    out: Path,
    messages: int,
    *,
    base: tuple[pa.Table, pa.Table],
    users: int = 1_000,
) -> dict[str, int]:
    """Write at least `messages` messages (whole replicas of `base`) into `out`."""
    chats, msgs = base
    owners = max(1, users // max(1, len(set(chats.column("user_id").to_pylist()))))
    msgs = _with_created(chats, msgs)
    copies = -(-messages // msgs.num_rows)
    out.mkdir(parents=True, exist_ok=True)
    _write(
        out / "messages",
        (replica(msgs, sch.MESSAGES_ARROW, i, owners) for i in range(copies)),
        sch.MESSAGES_ARROW,
    )
    _write(
        out / "chats",
        (replica(chats, sch.CHATS_ARROW, i, owners) for i in range(copies)),
        sch.CHATS_ARROW,
    )
    base_users = sorted(set(chats.column("user_id").to_pylist()))
    ids = [f"{u}-u{k:05d}" for k in range(owners) for u in base_users]
    users_table = pa.table(
        {
            "user_id": ids,
            "name": [f"User {i}" for i in range(len(ids))],
            "email": [f"user{i}@example.com" for i in range(len(ids))],
            "role": ["user"] * len(ids),
        },
        schema=USERS_ARROW,
    )
    (out / "users").mkdir(exist_ok=True)
    pq.write_table(users_table, out / "users" / "users.parquet", compression="zstd")
    check_layout(out)
    return {
        "messages": copies * msgs.num_rows,
        "chats": copies * chats.num_rows,
        "users": len(ids),
        "replicas": copies,
    }


def check_layout(out: Path) -> None:
    """The files have the export's Arrow schema and Hive partitions, or this raises."""
    for name, arrow in (("messages", sch.MESSAGES_ARROW), ("chats", sch.CHATS_ARROW)):
        files = sorted((out / name).glob(f"{sch.PARTITION}=*/*.parquet"))
        assert files, f"no {name} files under {out}"
        for path in files:
            schema = pq.read_schema(path)
            assert schema.remove_metadata().equals(arrow), (path, schema)


def disk_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--base", type=Path, help="a real export to scale up")
    parser.add_argument("--base-chats", type=int, default=4_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    t = time.perf_counter()
    base = read_base(args.base) if args.base else synthetic_base(args.base_chats, 4)
    made = scale(args.out, args.messages, base=base, users=args.users)
    figures = {
        **made,
        "seconds": time.perf_counter() - t,
        "parquet_mb": disk_bytes(args.out) / 1e6,
        "peak_rss_mb": _peak_rss_mb(),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{made} in {figures['seconds']:.0f}s, {figures['parquet_mb']:.0f} MB of Parquet")


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


if __name__ == "__main__":
    main()
