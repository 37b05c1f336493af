# Generated from owui_notebook/client/_async/resources/evaluations.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Evaluations: ratings (feedback) and the server's leaderboard, ``/api/v1/evaluations``."""

from __future__ import annotations

from typing import Any

from ..._responses import expect
from ...errors import ConfigurationError
from ...types import Feedback
from .._resource import Resource

_BASE = "/api/v1/evaluations"


class Evaluations(Resource):
    """Ratings and the server's leaderboard (``client.evaluations``)."""

    def leaderboard(self, query: str | None = None) -> list[dict[str, Any]]:
        """The server's Elo leaderboard (admins; Open WebUI >= 0.7.0)."""
        self._require("leaderboard")
        body = self._get(f"{_BASE}/leaderboard", query=query)
        if isinstance(body, dict):
            return list(body.get("entries") or body.get("items") or [])
        return list(body or [])

    def feedbacks(self, page: int = 1, *, model_id: str | None = None) -> dict[str, Any]:
        """A page of everyone's feedback (admins): ``{"items": [...], "total": n}``."""
        path = f"{_BASE}/feedbacks/list"
        return expect(self._get(path, page=page, model_id=model_id), dict, "GET", path)

    def all_feedbacks(self, *, model_id: str | None = None) -> list[Feedback]:
        """Every user's feedback in one request, newest first (admins)."""
        rows = self._get_list(f"{_BASE}/feedbacks/all/export", model_id=model_id)
        return [Feedback.model_validate(r) for r in rows if isinstance(r, dict)]

    def my_feedbacks(self) -> list[Feedback]:
        """This user's feedback, newest first (every page where the server pages it)."""
        # Older releases (0.6, 0.9) send one plain list; 0.12 pages.
        rows = self._all_pages(f"{_BASE}/feedbacks/user")
        return [Feedback.model_validate(r) for r in rows]

    def get_feedback(self, feedback_id: str) -> Feedback:
        """One rating by its id."""
        return Feedback.model_validate(self._get(f"{_BASE}/feedback/{feedback_id}"))

    def delete_feedback(self, feedback_id: str) -> bool:
        """Delete one rating by its id."""
        return bool(self._delete(f"{_BASE}/feedback/{feedback_id}"))

    def rate(
        self,
        *,
        chat_id: str,
        message_id: str,
        model: str,
        rating: int,
        sibling_models: list[str] | None = None,
        reason: str | None = None,
        comment: str | None = None,
        tags: list[str] | None = None,
    ) -> Feedback:
        """Rate one answer +1 or -1, as the web UI's thumbs do.

        The feedback counts in the server's leaderboard only against `sibling_models` (the
        other models that answered the same prompt). The chat message's ``annotation`` is
        updated too, so the chat's stats export carries the rating.
        """
        if rating not in (1, -1):
            raise ConfigurationError("rating must be 1 (good) or -1 (bad)")
        data: dict[str, Any] = {
            "rating": rating,
            "model_id": model,
            "sibling_model_ids": list(sibling_models or []),
            "reason": reason or "",
            "comment": comment or "",
            "tags": list(tags or []),
        }
        record = self._client.chats.get(chat_id)
        form = {
            "type": "rating",
            "data": data,
            "meta": {
                "chat_id": chat_id,
                "message_id": message_id,
                "model_id": model,
                "arena": False,
            },
            "snapshot": {"chat": record.model_dump()},
        }
        feedback = Feedback.model_validate(self._post(f"{_BASE}/feedback", form))
        history = record.history
        message = (history.get("messages") or {}).get(message_id)
        if message is not None:
            message["annotation"] = {**(message.get("annotation") or {}), **data}
            message["feedbackId"] = feedback.id
            self._client.chats.update(chat_id, {"history": history})
        return feedback
