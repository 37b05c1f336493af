# Generated from owui_notebook/client/_async/resources/models.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Models: ``/api/models`` and ``/api/v1/models``."""

from __future__ import annotations

import difflib
from typing import Any

from ..._responses import expect
from ...errors import NotFoundError, UnexpectedResponseError
from ...types import Model
from .._resource import Resource


class Models(Resource):
    def list(self, *, refresh: bool = False) -> list[Model]:
        """Every model this user may chat with (connections, custom models, pipes)."""
        body = self._get("/api/models", refresh=True if refresh else None)
        rows = body.get("data") if isinstance(body, dict) else body
        rows = expect(rows, list, "GET", "/api/models")
        return [
            Model.model_validate(row) for row in rows if isinstance(row, dict) and row.get("id")
        ]

    def get(self, model_id: str) -> Model:
        """One model by id; `NotFoundError` lists the closest ids when there is no such model."""
        models = self.list()
        for model in models:
            if model.id == model_id:
                return model
        raise NotFoundError(
            f"no model {model_id!r} on this server{suggest(model_id, [m.id for m in models])}",
            method="GET",
            path="/api/models",
            status_code=404,
        )

    def base(self) -> list[dict[str, Any]]:
        """Base models from the connections, as stored for admins (``/api/v1/models/base``)."""
        return self._get_list("/api/v1/models/base")

    def custom(self) -> list[dict[str, Any]]:
        """Custom models (workspace models built on a base model), every page.

        0.9+ serve them from ``/api/v1/models/list`` (paged on 0.12); 0.6 from
        ``/api/v1/models/``, which newer releases answer with the web page.
        """
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            try:
                body = self._get("/api/v1/models/list", page=page)
            except UnexpectedResponseError:
                if page > 1:
                    raise
                return self._custom_before_0_9()
            rows = body.get("items") if isinstance(body, dict) else body
            rows = expect(rows, list, "GET", "/api/v1/models/list")
            out.extend(r for r in rows if isinstance(r, dict))
            total = body.get("total") if isinstance(body, dict) else None
            if not rows or total is None or len(out) >= total:
                return out
            page += 1

    def _custom_before_0_9(self) -> list[dict[str, Any]]:
        body = self._get("/api/v1/models/")
        if isinstance(body, dict) and "data" in body:
            body = body["data"]
        return expect(body, list, "GET", "/api/v1/models/")


def suggest(name: str, candidates: list[str]) -> str:
    """'; did you mean ...?' text for an unknown name, or the available names."""
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.4)
    if close:
        return "; did you mean " + ", ".join(repr(c) for c in close) + "?"
    if candidates:
        shown = ", ".join(repr(c) for c in candidates[:8])
        return f"; available: {shown}" + (" ..." if len(candidates) > 8 else "")
    return "; the server lists no models (check its connections)"
