"""Dates as the server's query parameters take them: whole epoch seconds (pure)."""

from __future__ import annotations

from datetime import date, datetime, timezone

DateLike = int | float | datetime | date | None


def epoch(value: DateLike) -> int | None:
    """Whole epoch seconds for a datetime (naive = UTC), a date (its UTC midnight) or a number."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(value.timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp())
    return int(value)
