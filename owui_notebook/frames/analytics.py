"""Admin analytics as frames: summary, models, users, daily use, tokens (admins only).

The server's analytics (Open WebUI >= 0.8.0) count answers in its ``chat_message`` table,
over every user. Older servers have none; there the same figures are computed from every
user's chats (the admin export, ``/api/v1/chats/all/db``) by the server's rules. The two
can disagree where the server's table misses messages (0.9.5 records a chat's messages
when it is created or imported, not when it is updated; upstream #23245 and #28230 report
usage through API keys missing) or misreads them (a timestamp saved in milliseconds falls
outside every end date): `analytics_crosscheck_frame` shows where.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client.features import BASIC_GRANULARITIES
from . import _chat_analytics as calc
from . import _sources as src
from ._types import Column, Schema, documents

if TYPE_CHECKING:
    from ..client import OpenWebUI

SUMMARY_COLUMNS = Schema(
    Column("total_messages", "int", "answers with a model"),
    Column("total_chats", "int", "chats with an answer"),
    Column("total_models", "int", "models that answered"),
    Column("total_users", "int", "users whose chats hold answers"),
)
ANALYTICS_MODEL_COLUMNS = Schema(
    Column("model", "category", "the model id"),
    Column("count", "int", "its answers"),
    Column("unique_users", "int", "users it answered (NA from the server before 0.10.0)"),
    Column("unique_chats", "int", "chats it answered in (NA from the server before 0.10.0)"),
)
ANALYTICS_USER_COLUMNS = Schema(
    Column("user_id", "string", "the user"),
    Column("name", "string", "their name (NA when computed from chats)"),
    Column("email", "string", "their e-mail (NA when computed from chats)"),
    Column("count", "int", "answers in their chats"),
    Column("input_tokens", "int", "prompt tokens of those answers"),
    Column("output_tokens", "int", "completion tokens of those answers"),
    Column("total_tokens", "int", "input + output tokens"),
)
_PERIOD = Column(
    "period",
    "day",
    "start of the day (or hour...) in the server's local time, which it does not name",
)
ANALYTICS_DAILY_COLUMNS = Schema(
    _PERIOD,
    Column("model", "category", "the model id"),
    Column("messages", "int", "its answers in the period"),
)
ANALYTICS_DAILY_TOKEN_COLUMNS = Schema(
    _PERIOD,
    Column("model", "category", "the model id"),
    Column("tokens", "int", "input + output tokens of its answers in the period"),
)
ANALYTICS_TOKEN_COLUMNS = Schema(
    Column("model", "category", "the model id"),
    Column("input_tokens", "int", "prompt tokens of its answers"),
    Column("output_tokens", "int", "completion tokens of its answers"),
    Column("total_tokens", "int", "input + output tokens"),
    Column("message_count", "int", "its answers that carry usage"),
)
CROSSCHECK_COLUMNS = Schema(
    Column("model", "category", "the model id"),
    Column("server", "int", "answers the server's analytics count"),
    Column("chats", "int", "answers found in the chats themselves"),
    Column("missing", "int", "chats - server: answers the analytics miss (negative: extra)"),
)


class _Loader:
    """Asks the server's analytics, or loads every chat once for the client-side figures."""

    def __init__(
        self, client: OpenWebUI, source: str, what: str, feature: str = "analytics"
    ) -> None:
        self.client = client
        self.what = what
        # `feature` beyond the analytics themselves: the first one the server lacks is named.
        if source != "client" and not client.has("analytics"):
            feature = "analytics"
        self.server = src.use_server(client, source, feature)
        self.note = (
            None
            if self.server or source == "client"
            else src.missing_note(client, feature, src.ALL_CHATS_DB)
        )
        self._answers: list[calc.Answer] | None = None

    def attrs(self, path: str) -> dict[str, Any]:
        label = (
            src.server(src.ANALYTICS + path) if self.server else src.client_side(src.ALL_CHATS_DB)
        )
        return src.attrs(self.client, label, self.note)

    def ask(self, call: Any, *args: Any, **kw: Any) -> Any:
        with src.admin_required(self.what):
            return call(*args, **kw)

    def answers(self, start: Any, end: Any, group_id: str | None) -> list[calc.Answer]:
        if group_id is not None:
            raise ValueError(
                "group_id needs the server's analytics (Open WebUI >= 0.8.0, source='server')"
            )
        if self._answers is None:
            with src.admin_required(self.what):
                chats = self.client.chats.all_db()
            self._answers = calc.answers_of(chats)
        return calc.window(self._answers, start, end)


def _dated(start: Any, end: Any) -> dict[str, Any]:
    return {"start": start, "end": end}


@documents(SUMMARY_COLUMNS)
def analytics_summary_frame(
    client: OpenWebUI,
    start: Any = None,
    end: Any = None,
    *,
    group_id: str | None = None,
    source: str = "auto",
) -> pd.DataFrame:
    """One row of totals over every user: answers, chats, models, users (admins).

    `start`/`end` (datetime, date or epoch seconds, inclusive) bound the answers' times;
    `group_id` keeps one user group's (server only). `source`: ``"server"``
    (Open WebUI >= 0.8.0), ``"client"`` (from every user's chats, by the server's rules),
    ``"auto"``.
    """
    load = _Loader(client, source, "analytics_summary_frame")
    if load.server:
        body = load.ask(client.analytics.summary, start, end, group_id=group_id)
        return SUMMARY_COLUMNS.frame([body], **load.attrs("/summary"))
    rows = calc.summary_rows(load.answers(start, end, group_id))
    return SUMMARY_COLUMNS.frame(rows, **load.attrs("/summary"))


@documents(ANALYTICS_MODEL_COLUMNS)
def analytics_models_frame(
    client: OpenWebUI,
    start: Any = None,
    end: Any = None,
    *,
    group_id: str | None = None,
    source: str = "auto",
) -> pd.DataFrame:
    """Answers per model over every user, most used first (admins). Options as in
    `analytics_summary_frame`."""
    load = _Loader(client, source, "analytics_models_frame")
    if load.server:
        body = load.ask(client.analytics.models, start, end, group_id=group_id)
        rows = [_renamed(r) for r in (body or {}).get("models") or []]
    else:
        rows = calc.model_rows(load.answers(start, end, group_id))
    return ANALYTICS_MODEL_COLUMNS.frame(rows, **load.attrs("/models"))


@documents(ANALYTICS_USER_COLUMNS)
def analytics_users_frame(
    client: OpenWebUI,
    start: Any = None,
    end: Any = None,
    *,
    group_id: str | None = None,
    limit: int = 50,
    metric: str = "messages",
    source: str = "auto",
) -> pd.DataFrame:
    """The `limit` users with the most answers (``metric="messages"``) or tokens
    (``"tokens"``), with their token counts (admins). Other options as in
    `analytics_summary_frame`."""
    _check_metric(metric)
    load = _Loader(client, source, "analytics_users_frame", _feature(metric))
    if load.server:
        body = load.ask(
            client.analytics.users, start, end, group_id=group_id, limit=limit, metric=metric
        )
        rows = list((body or {}).get("users") or [])
    else:
        rows = calc.user_rows(load.answers(start, end, group_id), limit, metric)
    return ANALYTICS_USER_COLUMNS.frame(rows, **load.attrs("/users"))


@documents(ANALYTICS_DAILY_COLUMNS)
def analytics_daily_frame(
    client: OpenWebUI,
    start: Any = None,
    end: Any = None,
    *,
    group_id: str | None = None,
    granularity: str = "daily",
    metric: str = "messages",
    source: str = "auto",
) -> pd.DataFrame:
    """Answers (or, with ``metric="tokens"``, tokens in a ``tokens`` column) per model and
    period, long form (admins). `granularity`: daily, 6h, 3h, hourly, 10m. A period with
    no answers has one row with model NA and 0. Other options as in
    `analytics_summary_frame`."""
    _check_metric(metric)
    if granularity not in calc.GRANULARITY_MINUTES:
        raise ValueError(f"granularity must be one of {', '.join(calc.GRANULARITY_MINUTES)}")
    schema = ANALYTICS_DAILY_TOKEN_COLUMNS if metric == "tokens" else ANALYTICS_DAILY_COLUMNS
    load = _Loader(client, source, "analytics_daily_frame", _feature(metric, granularity))
    if load.server:
        body = load.ask(
            client.analytics.daily,
            start,
            end,
            group_id=group_id,
            granularity=granularity,
            metric=metric,
        )
        counts = {e.get("date"): e.get("models") or {} for e in (body or {}).get("data") or []}
        # 0.8-0.11 may leave out the last, empty day of the range (see `fill_periods`).
        rows = calc.daily_long(calc.fill_periods(counts, start, end, granularity), metric)
    else:
        rows = calc.daily_rows(load.answers(start, end, group_id), start, end, granularity, metric)
    return schema.frame(rows, metric=metric, granularity=granularity, **load.attrs("/daily"))


@documents(ANALYTICS_TOKEN_COLUMNS)
def analytics_tokens_frame(
    client: OpenWebUI,
    start: Any = None,
    end: Any = None,
    *,
    group_id: str | None = None,
    source: str = "auto",
) -> pd.DataFrame:
    """Token usage per model over every user, most tokens first (admins). Answers without
    usage are not counted. Options as in `analytics_summary_frame`."""
    load = _Loader(client, source, "analytics_tokens_frame")
    if load.server:
        body = load.ask(client.analytics.tokens, start, end, group_id=group_id)
        rows = [_renamed(r) for r in (body or {}).get("models") or []]
    else:
        rows = calc.token_rows(load.answers(start, end, group_id))
    return ANALYTICS_TOKEN_COLUMNS.frame(rows, **load.attrs("/tokens"))


@documents(CROSSCHECK_COLUMNS)
def analytics_crosscheck_frame(
    client: OpenWebUI, start: Any = None, end: Any = None
) -> pd.DataFrame:
    """Answers per model as the server's analytics count them next to those in the chats
    themselves, to see what the analytics miss before trusting them (admins;
    Open WebUI >= 0.8.0). Rows where both agree are kept, so a clean server shows
    ``missing == 0``."""
    server = analytics_models_frame(client, start, end, source="server")
    chats = analytics_models_frame(client, start, end, source="client")
    counts: dict[str, dict[str, int]] = {}
    for name, frame in (("server", server), ("chats", chats)):
        for model, count in zip(frame["model"], frame["count"], strict=True):
            counts.setdefault(str(model), {"server": 0, "chats": 0})[name] = int(count)
    rows = [
        {"model": m, **c, "missing": c["chats"] - c["server"]} for m, c in sorted(counts.items())
    ]
    label = f"{server.attrs['source']} vs {chats.attrs['source']}"
    return CROSSCHECK_COLUMNS.frame(rows, **src.attrs(client, label))


def _renamed(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["model"] = out.pop("model_id", None)
    return out


def _feature(metric: str, granularity: str = "daily") -> str:
    """What the server needs for this `metric` and `granularity` (older servers ignore
    them and count messages per day; there the figures are computed from the chats)."""
    if metric == "messages" and granularity in BASIC_GRANULARITIES:
        return "analytics"
    return "analytics_by_tokens"


def _check_metric(metric: str) -> None:
    if metric not in ("messages", "tokens"):
        raise ValueError(f"metric must be 'messages' or 'tokens', not {metric!r}")
