"""Column schemas and the dtype rules every frame follows.

- times: timezone-aware UTC datetimes; epoch numbers are read per value as seconds,
  milliseconds, microseconds or nanoseconds by size (Open WebUI mixes seconds and ms);
- model ids and other repeated labels: categoricals;
- counts: nullable ``Int64``; flags: nullable ``boolean``; text: ``string``;
- lists and dicts (tags, per-model counts): plain objects.

A `Schema` builds a frame from row dicts (missing keys become NA) and documents itself,
so a function's docstring and its frame's columns cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, TypeVar

import numpy as np
import pandas as pd

KINDS = ("string", "category", "int", "float", "bool", "datetime", "day", "object")

_NAT = np.iinfo(np.int64).min  # numpy's NaT as int64

# Beyond these magnitudes an epoch number is in ms, us or ns (1e10 s is the year 2286).
_SCALES = ((1e16, 1), (1e13, 1_000), (1e10, 1_000_000))


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    doc: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


class Schema:
    """The ordered, documented columns of one kind of frame."""

    def __init__(self, *columns: Column) -> None:
        self.columns = columns
        self.names = [c.name for c in columns]

    def __iter__(self):
        return iter(self.columns)

    def __add__(self, other: Schema) -> Schema:
        return Schema(*self.columns, *other.columns)

    def without(self, *names: str) -> Schema:
        return Schema(*(c for c in self.columns if c.name not in names))

    def doc(self) -> str:
        """The column list as it appears in docstrings."""
        width = max(len(c.name) for c in self.columns)
        return "\n".join(f"    {c.name:<{width}}  {c.kind:<8}  {c.doc}" for c in self.columns)

    def frame(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        extra: bool = False,
        source: str | None = None,
        **attrs: Any,
    ) -> pd.DataFrame:
        """A DataFrame of `rows` with exactly these columns and dtypes.

        `extra` keeps keys the schema does not name, as object columns after the others
        (for endpoints whose every field is wanted). `source` and `attrs` go to
        ``frame.attrs``.
        """
        rows = rows if isinstance(rows, list) else list(rows)
        names = list(self.names)
        if extra:
            known = set(names)
            for row in rows:
                for key in row:
                    if key not in known:
                        known.add(key)
                        names.append(key)
        data: dict[str, Any] = {}
        kinds = {c.name: c.kind for c in self.columns}
        for name in names:
            values = [row.get(name) for row in rows]
            data[name] = coerce(values, kinds.get(name, "object"))
        frame = pd.DataFrame(data, columns=names)
        frame.index = pd.RangeIndex(len(frame))
        if source is not None:
            frame.attrs["source"] = source
        frame.attrs.update({k: v for k, v in attrs.items() if v is not None})
        return frame

    def empty(self, *, source: str | None = None, **attrs: Any) -> pd.DataFrame:
        return self.frame([], source=source, **attrs)


F = TypeVar("F", bound=Callable[..., Any])


def documents(schema: Schema, heading: str = "Columns") -> Callable[[F], F]:
    """Append `schema`'s column list to the decorated function's docstring."""

    def decorate(func: F) -> F:
        func.__doc__ = (func.__doc__ or "").rstrip() + f"\n\n    {heading}:\n\n{schema.doc()}\n"
        # The documentation site builds its column tables from this (scripts/mkdocs_hooks.py).
        columns = [*getattr(func, "__frame_columns__", []), (heading, schema)]
        func.__frame_columns__ = columns  # type: ignore[attr-defined]
        return func

    return decorate


# -- coercion --------------------------------------------------------------------------


def coerce(values: Sequence[Any], kind: str) -> Any:
    """`values` as the array type of `kind` (see the module docstring)."""
    if kind == "datetime":
        return utc_datetimes(values)
    if kind == "day":
        return pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce")
    if kind == "category":
        return pd.Categorical([_text(v) for v in values])
    if kind == "string":
        return pd.array([_text(v) for v in values], dtype="string")
    if kind == "int":
        return pd.array([_integer(v) for v in values], dtype="Int64")
    if kind == "float":
        return np.array([_number(v) for v in values], dtype="float64")
    if kind == "bool":
        return pd.array([_flag(v) for v in values], dtype="boolean")
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def epoch_ns(value: Any) -> int | None:
    """Nanoseconds since the epoch for an epoch number (s/ms/us/ns by size) or a datetime."""
    if type(value) is int and 0 < value <= 10_000_000_000:  # the common case: seconds
        return value * 1_000_000_000
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(pd.Timestamp(value).value)
    if isinstance(value, date):
        return int(pd.Timestamp(value.isoformat(), tz="UTC").value)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            try:
                stamp = pd.Timestamp(text)
            except (ValueError, TypeError):
                return None
            if stamp is pd.NaT:
                return None
            return int((stamp if stamp.tzinfo else stamp.tz_localize("UTC")).value)
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    if value <= 0:
        return None  # 0 and negatives mean "unset" in Open WebUI's data
    per_unit = 1_000_000_000
    for limit, factor in _SCALES:
        if value > limit:  # positive: checked above
            per_unit = factor
            break
    if isinstance(value, (int, np.integer)):
        return int(value) * per_unit
    whole = math.floor(value)  # scale the fraction alone: float64 cannot hold ns of today
    return whole * per_unit + round((float(value) - whole) * per_unit)


def epoch_seconds(value: Any) -> float | None:
    """Seconds since the epoch, with the same per-value unit detection as `epoch_ns`."""
    ns = epoch_ns(value)
    return None if ns is None else ns / 1e9


def utc_datetimes(values: Sequence[Any]) -> pd.DatetimeIndex:
    ns = np.array([_ns_or_nat(v) for v in values], dtype="int64")
    return pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC")


def _ns_or_nat(value: Any) -> int:
    ns = epoch_ns(value)
    return _NAT if ns is None else ns


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


# The type(...) is fast paths below keep 100,000-row frames quick to build.


def _text(value: Any) -> str | None:
    if type(value) is str:
        return value
    return None if _missing(value) else str(value)


def _number(value: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    if _missing(value) or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _integer(value: Any) -> int | None:
    if type(value) is int:
        return value
    if _missing(value):
        return None
    if isinstance(value, bool):
        return int(value)
    number = _number(value)
    return None if math.isnan(number) else round(number)


def _flag(value: Any) -> bool | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)
