"""Battles between models and a Bradley-Terry leaderboard with bootstrap confidence intervals.

A battle is one pairwise outcome: ``(model_a, model_b, winner)`` with ``winner`` one of
``"model_a"``, ``"model_b"`` or ``"tie"`` (Chatbot Arena's convention, so its notebooks'
code works on these tables). Open WebUI's own leaderboard is an Elo replayed in the order
the votes came, which changes with that order and gives no intervals; Bradley-Terry fits
every battle at once, and resampling the battles shows how much the ratings can be trusted.

Pure functions on plain data (numpy and pandas); no widgets, no server.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

#: Columns of a battles table.
BATTLE_COLUMNS = ("model_a", "model_b", "winner")
#: Columns of `bradley_terry_frame`, in order.
RANKING_COLUMNS = ("model", "rating", "ci_low", "ci_high", "battles", "wins", "losses", "ties")
WINNERS = ("model_a", "model_b", "tie")


def battles_from_ratings(
    models: Sequence[str], ratings: Sequence[int | None]
) -> list[tuple[str, str, str]]:
    """The battles one comparison's ratings imply, one per pair of models with a rating.

    As in Open WebUI's leaderboard, a thumbs-up (+1) wins against the other answers of the
    same prompt and a thumbs-down (-1) loses against them; an unrated answer sits between.
    So of two answers the higher rating wins and equal ratings tie; a pair where neither
    answer was rated is no battle.
    """
    if len(models) != len(ratings):
        raise ValueError("one rating (or None) per model")
    out = []
    for i in range(len(models)):
        for j in range(i + 1, len(models)):
            a, b = ratings[i], ratings[j]
            if a is None and b is None:
                continue
            va, vb = a or 0, b or 0
            winner = "model_a" if va > vb else "model_b" if vb > va else "tie"
            out.append((models[i], models[j], winner))
    return out


def _table(battles: Any) -> list[tuple[str, str, str]]:
    """Battles as tuples, from a DataFrame with `BATTLE_COLUMNS` or an iterable of triples."""
    if hasattr(battles, "columns"):
        missing = [c for c in BATTLE_COLUMNS if c not in battles.columns]
        if missing:
            raise ValueError(f"battles table lacks column(s) {missing}")
        rows: Iterable[Any] = battles[list(BATTLE_COLUMNS)].itertuples(index=False, name=None)
    else:
        rows = battles
    out = []
    for a, b, winner in rows:
        if winner not in WINNERS:
            raise ValueError(f"winner must be one of {WINNERS}, not {winner!r}")
        if a == b:
            raise ValueError(f"a model cannot battle itself ({a!r})")
        out.append((str(a), str(b), str(winner)))
    return out


def _pairs(table: list[tuple[str, str, str]]) -> tuple[list[str], tuple[Any, Any, Any], Any]:
    """Models, and per distinct (i, j, outcome) row: i, j indices, a's score, and count."""
    import numpy as np

    models = sorted({m for a, b, _ in table for m in (a, b)})
    index = {m: k for k, m in enumerate(models)}
    score = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}
    counts: dict[tuple[int, int, float], int] = {}
    for a, b, winner in table:
        key = (index[a], index[b], score[winner])
        counts[key] = counts.get(key, 0) + 1
    keys = list(counts)
    i = np.array([k[0] for k in keys], dtype=int)
    j = np.array([k[1] for k in keys], dtype=int)
    s = np.array([k[2] for k in keys], dtype=float)
    n = np.array([counts[k] for k in keys], dtype=float)
    return models, (i, j, s), n


def _fit(size: int, rows: tuple[Any, Any, Any], weights: Any, prior: float) -> Any:
    """Log-strengths maximising the weighted Bradley-Terry likelihood plus a Gaussian prior.

    `weights` holds one row of battle counts per fit (bootstrap rounds are fitted together,
    as one batch); returns one row of centred log-strengths per fit. Newton's method on a
    concave objective: a handful of steps. The prior (variance 1/`prior`) keeps a model
    that won or lost every battle at a finite rating.
    """
    import numpy as np

    i, j, s = rows
    weights = np.atleast_2d(weights)
    ridge = max(prior, 1e-9)
    # Each distinct row k touches two models: +1 for a, -1 for b.
    incidence = np.zeros((len(i), size))
    incidence[np.arange(len(i)), i] += 1.0
    incidence[np.arange(len(i)), j] -= 1.0
    outer = incidence[:, :, None] * incidence[:, None, :]
    beta = np.zeros((len(weights), size))
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(beta @ incidence.T)))  # P(a beats b), per fit and row
        grad = (weights * (s - p)) @ incidence - ridge * beta
        hess = np.einsum("rk,kab->rab", weights * p * (1.0 - p), outer) + ridge * np.eye(size)
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta - beta.mean(axis=1, keepdims=True)


def bradley_terry(
    battles: Any,
    *,
    prior: float = 0.5,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
) -> Any:
    """Bradley-Terry ratings on the Elo scale, as a Series indexed by model (best first).

    A tie counts half a win for each side. A rating gap of `scale` means the better model
    wins `base` times out of `base` + 1; ratings are centred on `init`. `prior` pulls the
    ratings together (0 is plain maximum likelihood, infinite when a model won every battle).
    """
    import pandas as pd

    table = _table(battles)
    if not table:
        return pd.Series(dtype="float64", name="rating")
    models, rows, weights = _pairs(table)
    beta = _fit(len(models), rows, weights, prior)[0]
    ratings = pd.Series(init + scale / math.log(base) * beta, index=models, name="rating")
    ratings.index.name = "model"
    return ratings.sort_values(ascending=False)


def bradley_terry_frame(
    battles: Any,
    *,
    rounds: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    prior: float = 0.5,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
) -> Any:
    """Models ranked by Bradley-Terry rating, with bootstrap confidence intervals.

    Columns `RANKING_COLUMNS`: the rating fitted on all battles, the interval from
    `rounds` refits on battles resampled with replacement (percentiles, `confidence`
    level; `seed` makes them repeatable), and each model's battle counts. Best first; an
    empty frame with those columns when there are no battles.
    """
    import numpy as np
    import pandas as pd

    table = _table(battles)
    if not table:
        return pd.DataFrame(columns=list(RANKING_COLUMNS))
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1, e.g. 0.95")
    models, rows, weights = _pairs(table)
    size = len(models)
    factor = scale / math.log(base)
    point = init + factor * _fit(size, rows, weights, prior)[0]
    low = high = np.full(size, np.nan)
    if rounds > 0:
        rng = np.random.default_rng(seed)
        total = int(weights.sum())
        resampled = rng.multinomial(total, weights / total, size=rounds).astype(float)
        draws = init + factor * _fit(size, rows, resampled, prior)
        tail = (1 - confidence) / 2 * 100
        low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    counts = {m: {"battles": 0, "wins": 0, "losses": 0, "ties": 0} for m in models}
    for a, b, winner in table:
        for m in (a, b):
            counts[m]["battles"] += 1
        if winner == "tie":
            counts[a]["ties"] += 1
            counts[b]["ties"] += 1
        else:
            won, lost = (a, b) if winner == "model_a" else (b, a)
            counts[won]["wins"] += 1
            counts[lost]["losses"] += 1
    frame = pd.DataFrame(
        {
            "model": models,
            "rating": point,
            "ci_low": low,
            "ci_high": high,
            **{k: [counts[m][k] for m in models] for k in ("battles", "wins", "losses", "ties")},
        }
    )
    frame = frame.sort_values("rating", ascending=False, kind="stable").reset_index(drop=True)
    return frame[list(RANKING_COLUMNS)]
