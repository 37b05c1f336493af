"""The server's analytics figures computed from chats (pure; no I/O).

For servers without ``/api/v1/analytics`` (< 0.8.0), and to cross-check those that have
it: the rules of Open WebUI 0.12.4's ``models/chat_messages.py``, applied to the answers in
every user's chats. The server counts rows of its ``chat_message`` table: one per answer,
stamped with the answer's ``timestamp``, usage normalised its way. One rule is not copied:
the server compares a timestamp saved in milliseconds with the date bounds as it is (so
such an answer passes every start date and fails every end date); here it means its time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..client._dates import epoch
from ._digest import as_dict
from ._fields import mapping_at

GRANULARITY_MINUTES = {"10m": 10, "hourly": 60, "3h": 180, "6h": 360, "daily": 1440}


@dataclass(frozen=True)
class Answer:
    """One row of the server's ``chat_message`` table that analytics reads."""

    chat_id: str
    user_id: str | None
    model: str | None
    created_at: float
    usage: dict[str, int] | None


def _server_seconds(value: Any, now: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value:
        return now  # the server stamps such rows with the time it records them
    return value / 1000 if value > 10_000_000_000 else float(value)


def _server_usage(message: Mapping[str, Any]) -> dict[str, int] | None:
    """Token counts as Open WebUI's ``normalize_usage`` derives them (its ``or`` rules)."""
    info = mapping_at(message, "info")
    usage = message.get("usage") or info.get("usage")
    if not isinstance(usage, Mapping) or not usage:
        return None
    inp = usage.get("input_tokens") or usage.get("prompt_tokens") or usage.get("prompt_eval_count")
    if inp is None:
        inp = int(usage.get("prompt_n") or 0) + int(usage.get("cache_n") or 0)
    out = (
        usage.get("output_tokens")
        or usage.get("completion_tokens")
        or usage.get("eval_count")
        or usage.get("predicted_n")
        or 0
    )
    return {"input_tokens": int(inp), "output_tokens": int(out)}


def answers_of(chats: Iterable[Any], *, now: float | None = None) -> list[Answer]:
    """The answers analytics counts, from full chat records of any users."""
    now = time.time() if now is None else now
    out = []
    for chat in chats:
        record = as_dict(chat)
        history = (record.get("chat") or {}).get("history") or {}
        for message in (history.get("messages") or {}).values():
            if not isinstance(message, Mapping) or message.get("role") != "assistant":
                continue
            out.append(
                Answer(
                    chat_id=str(record.get("id")),
                    user_id=message.get("user_id") or record.get("user_id"),
                    model=message.get("model") or None,
                    created_at=_server_seconds(message.get("timestamp"), now),
                    usage=_server_usage(message),
                )
            )
    return out


def window(answers: list[Answer], start: Any, end: Any) -> list[Answer]:
    lo, hi = epoch(start), epoch(end)
    return [a for a in answers if (not lo or a.created_at >= lo) and (not hi or a.created_at <= hi)]


def summary_rows(answers: list[Answer]) -> list[dict[str, Any]]:
    users = {a.user_id for a in answers}
    return [
        {
            "total_messages": sum(1 for a in answers if a.model),
            "total_chats": len({a.chat_id for a in answers}),
            "total_models": len({a.model for a in answers if a.model}),
            "total_users": len(users - {None}) + (1 if None in users else 0),
        }
    ]


def model_rows(answers: list[Answer]) -> list[dict[str, Any]]:
    groups: dict[str, list[Answer]] = {}
    for a in answers:
        if a.model:
            groups.setdefault(a.model, []).append(a)
    rows = [
        {
            "model": model,
            "count": len(group),
            "unique_users": len({a.user_id for a in group if a.user_id}),
            "unique_chats": len({a.chat_id for a in group}),
        }
        for model, group in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["count"], r["model"]))


def _tokens(a: Answer) -> tuple[int, int]:
    if a.usage is None or a.user_id is None:
        return 0, 0
    return a.usage["input_tokens"], a.usage["output_tokens"]


def user_rows(answers: list[Answer], limit: int, metric: str) -> list[dict[str, Any]]:
    users: dict[str | None, dict[str, Any]] = {}
    for a in answers:
        row = users.setdefault(
            a.user_id,
            {"user_id": a.user_id, "count": 0, "input_tokens": 0, "output_tokens": 0},
        )
        row["count"] += 1
        inp, out = _tokens(a)
        row["input_tokens"] += inp
        row["output_tokens"] += out
    for row in users.values():
        row["total_tokens"] = row["input_tokens"] + row["output_tokens"]
    key = "total_tokens" if metric == "tokens" else "count"
    return sorted(users.values(), key=lambda r: (-r[key], -r["count"]))[:limit]


def token_rows(answers: list[Answer]) -> list[dict[str, Any]]:
    models: dict[str, dict[str, Any]] = {}
    for a in answers:
        if not a.model or a.usage is None:
            continue
        row = models.setdefault(
            a.model, {"model": a.model, "input_tokens": 0, "output_tokens": 0, "message_count": 0}
        )
        row["input_tokens"] += a.usage["input_tokens"]
        row["output_tokens"] += a.usage["output_tokens"]
        row["message_count"] += 1
    for row in models.values():
        row["total_tokens"] = row["input_tokens"] + row["output_tokens"]
    return sorted(models.values(), key=lambda r: (-r["total_tokens"], r["model"]))


def daily_rows(
    answers: list[Answer], start: Any, end: Any, granularity: str, metric: str
) -> list[dict[str, Any]]:
    minutes = GRANULARITY_MINUTES[granularity]
    fmt = _period_format(granularity)
    now = time.time()
    counts: dict[str, dict[str, int]] = {}
    for a in answers:
        if not a.model:
            continue
        seconds = a.created_at if 1577836800 <= a.created_at <= now + 86400 else now
        value = 1
        if metric == "tokens":
            value = sum(a.usage.values()) if a.usage else 0
        slot = counts.setdefault(_bucket(seconds, minutes).strftime(fmt), {})
        slot[a.model] = slot.get(a.model, 0) + value
    return daily_long(fill_periods(counts, start, end, granularity), metric)


def _period_format(granularity: str) -> str:
    return "%Y-%m-%d" if granularity == "daily" else "%Y-%m-%d %H:%M"


def _bucket(seconds: float, minutes: int) -> datetime:
    local = datetime.fromtimestamp(seconds)  # local time, as the server buckets
    m = (local.hour * 60 + local.minute) // minutes * minutes
    return local.replace(hour=m // 60, minute=m % 60, second=0, microsecond=0)


def fill_periods(
    counts: dict[str, dict[str, int]], start: Any, end: Any, granularity: str
) -> dict[str, dict[str, int]]:
    """`counts` with every period of a bounded range listed, empty ones too, from the
    period holding `start` to the one holding `end` (0.12.4's rule).

    Open WebUI 0.8-0.11 step whole days from `start`'s own time of day
    (``models/chat_messages.py``, ``get_daily_message_counts_by_model``: ``current =
    datetime.fromtimestamp(start_date)``, then ``while current <= end_dt``), so when `end`
    is earlier in its day than `start` is in its own, the last day is left out unless it
    has answers; this fills it in.
    """
    lo, hi = epoch(start), epoch(end)
    if lo and hi:
        minutes, fmt = GRANULARITY_MINUTES[granularity], _period_format(granularity)
        current, last = _bucket(lo, minutes), datetime.fromtimestamp(hi)
        while current <= last:
            counts.setdefault(current.strftime(fmt), {})
            current += timedelta(minutes=minutes)
    return counts


def daily_long(counts: Mapping[str, Mapping[str, int]], metric: str) -> list[dict[str, Any]]:
    rows = []
    for period in sorted(counts):
        models = counts[period]
        if not models:
            rows.append({"period": period, "model": None, metric: 0})
        for model in sorted(models):
            rows.append({"period": period, "model": model, metric: models[model]})
    return rows
