# Generated from owui_notebook/client/_async/resources/analytics.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Admin analytics: ``/api/v1/analytics`` (Open WebUI >= 0.8.0, admins only).

Dates are epoch seconds or `datetime` objects. Upstream's analytics has missed usage made
through API keys on some releases (open-webui #23245, #28230): cross-check before trusting.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ..._dates import DateLike, epoch
from ..._responses import expect
from ...features import BASIC_GRANULARITIES
from .._resource import Resource

_BASE = "/api/v1/analytics"
T = TypeVar("T")


class Analytics(Resource):
    """The server's admin analytics (``client.analytics``); dates as epoch seconds or datetimes."""

    def _query(self, path: str, kind: type[T], **params: Any) -> T:
        """GET an analytics path; the reply checked to be a `kind` (one clear error if not)."""
        self._require("analytics")
        for key in ("start_date", "end_date"):
            if key in params:
                params[key] = epoch(params[key])
        return expect(self._get(f"{_BASE}{path}", **params), kind, "GET", f"{_BASE}{path}")

    def summary(
        self, start: DateLike = None, end: DateLike = None, *, group_id: str | None = None
    ) -> dict[str, Any]:
        """Totals over the period: messages, chats, users, models."""
        return self._query(
            "/summary", dict, start_date=start, end_date=end, group_id=group_id
        )

    def models(
        self, start: DateLike = None, end: DateLike = None, *, group_id: str | None = None
    ) -> dict[str, Any]:
        """Messages and tokens per model over the period."""
        return self._query("/models", dict, start_date=start, end_date=end, group_id=group_id)

    def users(
        self,
        start: DateLike = None,
        end: DateLike = None,
        *,
        group_id: str | None = None,
        limit: int = 50,
        metric: str = "messages",
    ) -> dict[str, Any]:
        """The top `limit` users by `metric` over the period (``"tokens"``: >= 0.12.4)."""
        if metric != "messages":
            self._require("analytics_by_tokens")
        return self._query(
            "/users",
            dict,
            start_date=start,
            end_date=end,
            group_id=group_id,
            limit=limit,
            metric=metric,
        )

    def daily(
        self,
        start: DateLike = None,
        end: DateLike = None,
        *,
        group_id: str | None = None,
        granularity: str = "daily",
        metric: str = "messages",
    ) -> dict[str, Any]:
        """`metric` per day (or per `granularity`) over the period, per model; metric
        ``"tokens"`` and granularities other than ``"daily"``/``"hourly"`` need >= 0.12.4
        (older servers ignore them and count messages per day: `UnsupportedFeatureError`)."""
        if metric != "messages" or granularity not in BASIC_GRANULARITIES:
            self._require("analytics_by_tokens")
        return self._query(
            "/daily",
            dict,
            start_date=start,
            end_date=end,
            group_id=group_id,
            granularity=granularity,
            metric=metric,
        )

    def tokens(
        self, start: DateLike = None, end: DateLike = None, *, group_id: str | None = None
    ) -> dict[str, Any]:
        """Input and output tokens per model over the period."""
        return self._query("/tokens", dict, start_date=start, end_date=end, group_id=group_id)

    def messages(
        self,
        *,
        model_id: str | None = None,
        user_id: str | None = None,
        chat_id: str | None = None,
        start: DateLike = None,
        end: DateLike = None,
        skip: int = 0,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """One page (``limit`` ≤ 100) of the message table's rows, filtered."""
        return self._query(
            "/messages",
            list,
            model_id=model_id,
            user_id=user_id,
            chat_id=chat_id,
            start_date=start,
            end_date=end,
            skip=skip,
            limit=limit,
        )

    def model_chats(
        self,
        model_id: str,
        start: DateLike = None,
        end: DateLike = None,
        *,
        skip: int = 0,
        limit: int = 50,
    ) -> dict[str, Any]:
        """One page of the chats that used `model_id` over the period."""
        return self._query(
            f"/models/{model_id}/chats",
            dict,
            start_date=start,
            end_date=end,
            skip=skip,
            limit=limit,
        )

    def model_overview(self, model_id: str, *, days: int = 30) -> dict[str, Any]:
        """`model_id`'s usage over the last `days` days."""
        return self._query(f"/models/{model_id}/overview", dict, days=days)
