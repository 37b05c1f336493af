"""Ratings as frames: every feedback, and the server's Elo leaderboard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client.errors import PermissionDeniedError
from . import _sources as src
from ._fields import mapping_at, plain
from ._types import Column, Schema, documents, epoch_seconds

if TYPE_CHECKING:
    from ..client import OpenWebUI

FEEDBACK_COLUMNS = Schema(
    Column("feedback_id", "string", "the feedback's id"),
    Column("user_id", "string", "who gave it"),
    Column("type", "category", "its kind: rating (thumbs) or arena"),
    Column("chat_id", "string", "the chat of the rated answer"),
    Column("message_id", "string", "the rated answer"),
    Column("model", "category", "the model that wrote it"),
    Column("rating", "int", "1 (good) or -1 (bad)"),
    Column("sibling_models", "object", "the other models that answered the same prompt"),
    Column("reason", "string", "the reason picked"),
    Column("comment", "string", "the comment written"),
    Column("tags", "object", "tags given with it (list)"),
    Column("created_at", "datetime", "when it was given (UTC)"),
    Column("updated_at", "datetime", "when it last changed (UTC)"),
)

LEADERBOARD_COLUMNS = Schema(
    Column("model", "category", "the model id"),
    Column("rating", "int", "Elo rating (starts at 1000, K=32), rounded"),
    Column("won", "int", "comparisons won against sibling answers"),
    Column("lost", "int", "comparisons lost"),
    Column("count", "int", "won + lost"),
    Column("top_tags", "object", "its most frequent feedback tags: [{tag, count}], up to 5"),
)


def feedback_row(feedback: Any) -> dict[str, Any]:
    data = plain(feedback)
    body = mapping_at(data, "data")
    meta = mapping_at(data, "meta")
    return {
        "feedback_id": data.get("id"),
        "user_id": data.get("user_id"),
        "type": data.get("type"),
        "chat_id": meta.get("chat_id"),
        "message_id": meta.get("message_id"),
        "model": body.get("model_id") or meta.get("model_id"),
        "rating": body.get("rating"),
        "sibling_models": list(body.get("sibling_model_ids") or []),
        "reason": body.get("reason") or None,
        "comment": body.get("comment") or None,
        "tags": list(body.get("tags") or []),
        "created_at": data.get("created_at"),
        "updated_at": data.get("updated_at"),
    }


def shape_feedback(feedbacks: Iterable[Any], **attrs: Any) -> pd.DataFrame:
    """`feedback_frame` of `Feedback` objects or the server's feedback dicts."""
    return FEEDBACK_COLUMNS.frame((feedback_row(f) for f in feedbacks), **attrs)


@documents(FEEDBACK_COLUMNS)
def feedback_frame(client: OpenWebUI, *, scope: str = "auto") -> pd.DataFrame:
    """One row per feedback (thumbs rating), newest change first.

    `scope`: ``"all"`` every user's (admins), ``"mine"`` this user's, ``"auto"`` every
    user's where this user may read them, else this user's (``attrs["note"]`` says so).
    """
    if scope not in ("auto", "all", "mine"):
        raise ValueError(f"scope must be 'auto', 'all' or 'mine', not {scope!r}")
    note = None
    if scope != "mine":
        try:
            with src.admin_required("feedback_frame(scope='all')"):
                rows = client.evaluations.all_feedbacks()
            return shape_feedback(rows, **src.attrs(client, src.server(src.FEEDBACK_EXPORT)))
        except PermissionDeniedError:
            if scope == "all":
                raise
            note = "only this user's feedback: every user's needs an admin"
    rows = client.evaluations.my_feedbacks()
    label = src.server("/api/v1/evaluations/feedbacks/user")
    return shape_feedback(rows, **src.attrs(client, label, note))


def elo_leaderboard(feedbacks: Iterable[Any]) -> list[dict[str, Any]]:
    """The server's leaderboard entries, by its rules (Open WebUI 0.12.4's ``_calculate_elo``
    and ``_get_top_tags``), from feedback in the order it was given."""
    stats: dict[str, dict[str, float]] = {}
    tags: dict[str, dict[str, int]] = {}

    def entry(model: str) -> dict[str, float]:
        return stats.setdefault(model, {"rating": 1000.0, "won": 0, "lost": 0})

    for feedback in feedbacks:
        data = plain(feedback)
        body = mapping_at(data, "data")
        winner_id = body.get("model_id")
        if winner_id:
            for tag in body.get("tags") or []:
                counts = tags.setdefault(winner_id, {})
                counts[tag] = counts.get(tag, 0) + 1
        rating = str(body.get("rating", ""))
        if not winner_id or rating not in ("1", "-1"):
            continue
        won = rating == "1"
        for opponent_id in body.get("sibling_model_ids") or []:
            winner, opponent = entry(winner_id), entry(opponent_id)
            expected = 1 / (1 + 10 ** ((opponent["rating"] - winner["rating"]) / 400))
            winner["rating"] += 32 * ((1 if won else 0) - expected)
            opponent["rating"] += 32 * ((0 if won else 1) - (1 - expected))
            if won:
                winner["won"] += 1
                opponent["lost"] += 1
            else:
                winner["lost"] += 1
                opponent["won"] += 1
    entries = [
        {
            "model_id": model,
            "rating": round(s["rating"]),
            "won": int(s["won"]),
            "lost": int(s["lost"]),
            "count": int(s["won"] + s["lost"]),
            "top_tags": [
                {"tag": t, "count": c}
                for t, c in sorted((tags.get(model) or {}).items(), key=lambda x: -x[1])[:5]
            ],
        }
        for model, s in stats.items()
    ]
    return sorted(entries, key=lambda e: e["rating"], reverse=True)


def _in_given_order(feedbacks: list[Any]) -> list[Any]:
    """Oldest first; the export lists newest first, so equal times keep their order."""
    return sorted(
        feedbacks,
        key=lambda f: epoch_seconds(getattr(f, "created_at", None) or 0) or 0.0,
    )


def shape_leaderboard(entries: Iterable[Mapping[str, Any]], **attrs: Any) -> pd.DataFrame:
    """`leaderboard_frame` of the server's leaderboard entries (or `elo_leaderboard`'s)."""
    rows = [
        {**e, "model": e.get("model_id"), "top_tags": list(e.get("top_tags") or [])}
        for e in entries
    ]
    return LEADERBOARD_COLUMNS.frame(rows, **attrs)


@documents(LEADERBOARD_COLUMNS)
def leaderboard_frame(
    client: OpenWebUI, *, query: str | None = None, source: str = "auto"
) -> pd.DataFrame:
    """The server's model leaderboard (Elo from thumbs ratings given against sibling
    answers), best first (admins).

    `source`: ``"server"`` (Open WebUI >= 0.7.0; `query` re-weights by tag similarity),
    ``"client"`` (replays every feedback with the server's rules; no `query`), ``"auto"``.
    For a Bradley-Terry fit with confidence intervals see ``owui_notebook.widgets``.
    """
    if src.use_server(client, source, "leaderboard"):
        with src.admin_required("leaderboard_frame"):
            entries = client.evaluations.leaderboard(query)
        return shape_leaderboard(entries, **src.attrs(client, src.server(src.LEADERBOARD)))
    if query:
        raise ValueError("query= needs the server's leaderboard (Open WebUI >= 0.7.0)")
    with src.admin_required("leaderboard_frame"):
        feedbacks = client.evaluations.all_feedbacks()
    note = (
        None if source == "client" else src.missing_note(client, "leaderboard", src.FEEDBACK_EXPORT)
    )
    entries = elo_leaderboard(_in_given_order(feedbacks))
    return shape_leaderboard(
        entries, **src.attrs(client, src.client_side(src.FEEDBACK_EXPORT), note)
    )
