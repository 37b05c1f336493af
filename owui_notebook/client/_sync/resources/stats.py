# Generated from owui_notebook/client/_async/resources/stats.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Chat statistics: ``/api/v1/chats/stats/usage`` and ``/api/v1/chats/stats/export``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..._responses import expect
from ...export_rules import drops_messages, export_record_of
from ...types import ChatUsageStats, Page
from .._resource import Resource

_USAGE = "/api/v1/chats/stats/usage"
_EXPORT = "/api/v1/chats/stats/export"


class Stats(Resource):
    """The server's chat statistics (``client.stats``): usage aggregates and the stats export.

    Export records from which the server dropped messages (Open WebUI 0.9.6 and 0.10.2 drop
    every message without annotation tags: see `export_rules`) are rebuilt from the full
    chat by the server's own rules, one ``GET /api/v1/chats/{id}`` each.
    """

    def usage(self, page: int = 1, *, items_per_page: int = 50) -> Page:
        """One page of per-chat aggregates (Open WebUI >= 0.6.42; marked experimental upstream)."""
        self._require("chat_usage_stats")
        body = expect(
            self._get(_USAGE, page=page, items_per_page=items_per_page), dict, "GET", _USAGE
        )
        items = [ChatUsageStats.model_validate(r) for r in body.get("items") or []]
        return Page(items=items, total=body.get("total"), page=page)

    def iter_usage(self, *, items_per_page: int = 100) -> Iterator[ChatUsageStats]:
        """Every chat's usage aggregates, page by page."""
        page = 1
        while True:
            result = self.usage(page, items_per_page=items_per_page)
            for item in result.items:
                yield item
            # The server leaves chats without messages out of a page, so a short page is
            # not the last; its total (which counts them) says when to stop.
            if result.total is None:
                if len(result.items) < items_per_page:
                    return
            elif result.total <= page * items_per_page:
                return
            page += 1

    def export(self, page: int = 1, *, updated_at: int | None = None) -> Page:
        """One page (10 chats) of the per-message stats export (Open WebUI >= 0.7.0)."""
        self._require("chat_stats_export")
        body = expect(
            self._get(_EXPORT, page=page, updated_at=updated_at), dict, "GET", _EXPORT
        )
        items = [self._sound(r) for r in body.get("items") or []]
        return Page(items=items, total=body.get("total"), page=page)

    def iter_export(
        self, *, updated_at: int | None = None, stream: bool = True
    ) -> Iterator[dict[str, Any]]:
        """Every chat's export record: one NDJSON response when `stream`, else pages of 10.

        `updated_at` (epoch seconds) limits it to chats changed after then (strictly later,
        in whole seconds), for incremental refreshes.
        """
        self._require("chat_stats_export")
        if stream:
            params = {"stream": "true", "updated_at": updated_at}
            for record in self._http.records("GET", _EXPORT, params=params):
                yield self._sound(record)
            return
        page = 1
        while True:
            result = self.export(page, updated_at=updated_at)
            for item in result.items:
                yield item
            if not result.items or (result.total is not None and page * 10 >= result.total):
                return
            page += 1

    def export_chat(self, chat_id: str) -> dict[str, Any]:
        """The stats export record of one chat."""
        self._require("chat_stats_export")
        path = f"{_EXPORT}/{chat_id}"
        return self._sound(expect(self._get(path), dict, "GET", path))

    def _sound(self, record: dict[str, Any]) -> dict[str, Any]:
        """`record`, or, where the server dropped messages from it, the same record rebuilt
        from the full chat (the server's own fields kept, its figures recomputed)."""
        if not drops_messages(record) or not isinstance(record.get("id"), str):
            return record
        path = f"/api/v1/chats/{record['id']}"
        rebuilt = export_record_of(expect(self._get(path), dict, "GET", path))
        return {**record, "stats": rebuilt["stats"], "chat": rebuilt["chat"]}
