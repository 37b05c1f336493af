"""The dataset's tables: the frames' documented columns as Arrow schemas, plus partitions.

The columns and dtypes are those of `MESSAGE_COLUMNS` and `CHAT_COLUMNS` (one owner: the
frames build the rows and coerce them); here they only gain an Arrow type, ``user_id`` on
messages (per-user analyses without a join) and the Hive partition ``month``: the UTC month
the chat was created, so a chat's rows stay together and a refresh rewrites the few
partitions that hold changed chats (mostly the newest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa

from ..frames._types import Column, Schema
from ..frames._types import epoch_seconds as _seconds
from ..frames.chats import CHAT_COLUMNS
from ..frames.messages import MESSAGE_COLUMNS

PARTITION = "month"
NO_MONTH = "unknown"

_ARROW = {
    "string": pa.string(),
    "category": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    # Microseconds: what Spark and every Parquet reader take; the server keeps seconds.
    "datetime": pa.timestamp("us", tz="UTC"),
    "object": pa.list_(pa.string()),  # tags and model lists
}

CHATS = CHAT_COLUMNS
MESSAGES = MESSAGE_COLUMNS + Schema(Column("user_id", "string", "the chat's owner"))


def arrow_schema(schema: Schema) -> pa.Schema:
    """`schema` as Arrow types (without the partition column, which lives in the path)."""
    return pa.schema([pa.field(c.name, _ARROW[c.kind]) for c in schema])


CHATS_ARROW = arrow_schema(CHATS)
MESSAGES_ARROW = arrow_schema(MESSAGES)


def month_of(created_at: Any) -> str:
    """The partition of a chat: ``YYYY-MM`` of its creation (UTC)."""
    seconds = _seconds(created_at)
    if seconds is None:
        return NO_MONTH
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m")


def table(schema: Schema, arrow: pa.Schema, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows as an Arrow table with the frame's dtype rules (`Schema.frame` coerces)."""
    frame = schema.frame(list(rows))
    for column in schema:
        if column.kind == "object":  # lists of labels; anything else the server sent as text
            frame[column.name] = frame[column.name].map(_labels)
        elif column.kind == "datetime":
            frame[column.name] = frame[column.name].astype("datetime64[us, UTC]")
    return pa.Table.from_pandas(frame, schema=arrow, preserve_index=False)


def _labels(value: Any) -> list[str] | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, str) else str(v) for v in value if v is not None]
    return [str(value)]
