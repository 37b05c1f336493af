"""Reading nested fields of server JSON, which a release may leave out, send as ``null`` or
shape differently: the frames read what is there and treat the rest as empty."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain(item: Any) -> dict[str, Any]:
    """A typed model (pydantic) or a mapping from the client, as a plain dict."""
    return item.model_dump() if hasattr(item, "model_dump") else dict(item)


def as_mapping(value: object) -> Mapping[str, Any]:
    """`value` when it is a mapping, else an empty one."""
    if isinstance(value, dict):  # decoded JSON: a check much cheaper than `Mapping`'s
        return value
    return value if isinstance(value, Mapping) else {}


def mapping_at(record: object, key: str) -> Mapping[str, Any]:
    """``record[key]`` when `record` is a mapping and that field one too, else empty."""
    return as_mapping(record.get(key) if isinstance(record, Mapping) else None)


def list_at(record: object, key: str) -> list[Any]:
    """``record[key]`` when `record` is a mapping and that field a list, else empty."""
    value = record.get(key) if isinstance(record, Mapping) else None
    return value if isinstance(value, list) else []
