"""Battles from ratings, Bradley-Terry fits and bootstrap intervals (pure, no server)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from owui_notebook.widgets.battles import (
    RANKING_COLUMNS,
    battles_from_ratings,
    bradley_terry,
    bradley_terry_frame,
)


def test_battles_follow_open_webuis_meaning_of_thumbs():
    models = ["a", "b", "c", "d"]
    assert battles_from_ratings(models, [1, None, -1, None]) == [
        ("a", "b", "model_a"),  # up beats unrated
        ("a", "c", "model_a"),
        ("a", "d", "model_a"),
        ("b", "c", "model_a"),  # unrated beats down
        ("c", "d", "model_b"),
    ]  # b-d: neither rated, no battle
    assert battles_from_ratings(["a", "b"], [1, 1]) == [("a", "b", "tie")]
    assert battles_from_ratings(["a", "b"], [-1, -1]) == [("a", "b", "tie")]
    assert battles_from_ratings(["a", "b"], [None, None]) == []
    with pytest.raises(ValueError, match="one rating"):
        battles_from_ratings(["a"], [])


def test_maximum_likelihood_matches_the_closed_form():
    # 8 wins out of 10: P = 0.8, so the gap is 400 * log10(0.8 / 0.2) Elo points.
    battles = [("a", "b", "model_a")] * 8 + [("b", "a", "model_a")] * 2
    ratings = bradley_terry(battles, prior=0)
    assert ratings.index.tolist() == ["a", "b"]
    assert ratings["a"] - ratings["b"] == pytest.approx(400 * math.log10(4), abs=1e-6)
    assert ratings.mean() == pytest.approx(1000)


def test_order_of_battles_does_not_matter_unlike_elo():
    battles = [("a", "b", "model_a")] * 3 + [("b", "c", "model_a")] * 3 + [("c", "a", "tie")]
    forward = bradley_terry(battles)
    backward = bradley_terry(list(reversed(battles)))
    pd.testing.assert_series_equal(forward, backward)
    assert forward.index.tolist() == ["a", "b", "c"]


def test_ties_are_half_a_win_each_and_an_unbeaten_model_stays_finite():
    assert bradley_terry([("a", "b", "tie")] * 5).round(9).tolist() == [1000.0, 1000.0]
    ratings = bradley_terry([("a", "b", "model_a")] * 3)
    assert math.isfinite(ratings["a"]) and ratings["a"] > ratings["b"]
    # More evidence, a wider gap; the prior only keeps it finite.
    assert bradley_terry([("a", "b", "model_a")] * 30)["a"] > ratings["a"]


def test_leaderboard_has_intervals_counts_and_is_repeatable():
    battles = pd.DataFrame(
        [("a", "b", "model_a")] * 12
        + [("a", "b", "model_b")] * 3
        + [("b", "c", "model_a")] * 10
        + [("a", "c", "tie")] * 2,
        columns=["model_a", "model_b", "winner"],
    )
    board = bradley_terry_frame(battles, rounds=300, seed=1)
    assert list(board.columns) == list(RANKING_COLUMNS)
    assert board["model"].tolist() == ["a", "b", "c"]
    assert (board["ci_low"] <= board["rating"]).all()
    assert (board["rating"] <= board["ci_high"]).all()
    assert (board["ci_high"] - board["ci_low"] > 0).all()
    a, b, c = board.to_dict("records")
    assert (a["battles"], a["wins"], a["losses"], a["ties"]) == (17, 12, 3, 2)
    assert (b["battles"], b["wins"], b["losses"], b["ties"]) == (25, 13, 12, 0)
    assert (c["battles"], c["wins"], c["losses"], c["ties"]) == (12, 0, 10, 2)
    pd.testing.assert_frame_equal(board, bradley_terry_frame(battles, rounds=300, seed=1))
    # Four times the evidence, narrower intervals.
    big = bradley_terry_frame(pd.concat([battles] * 4), rounds=300, seed=1).set_index("model")
    width = board.set_index("model")["ci_high"] - board.set_index("model")["ci_low"]
    assert (big["ci_high"] - big["ci_low"] < width).all()


def test_empty_and_bad_tables():
    empty = bradley_terry_frame([])
    assert empty.empty and list(empty.columns) == list(RANKING_COLUMNS)
    assert bradley_terry([]).empty
    with pytest.raises(ValueError, match="winner must be"):
        bradley_terry([("a", "b", "a")])
    with pytest.raises(ValueError, match="itself"):
        bradley_terry([("a", "a", "tie")])
    with pytest.raises(ValueError, match="lacks column"):
        bradley_terry(pd.DataFrame({"model_a": ["a"], "model_b": ["b"]}))
    no_intervals = bradley_terry_frame([("a", "b", "model_a")], rounds=0)
    assert no_intervals["ci_low"].isna().all()
