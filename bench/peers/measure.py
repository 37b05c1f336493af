"""Interleaved runs, medians and paired ratios, and the saved-tree check."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from owui_notebook.client import OpenWebUI, validate_history


def interleave(
    rounds: int,
    calls: Mapping[str, Callable[[], dict[str, Any]]],
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each round calls every contender once (A B C, then B C A, ...) so drift hits all alike."""
    names = list(calls)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            out[name].append(calls[name]())
        if progress:
            progress(f"round {r + 1}/{rounds}")
    return out


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def paired_ratio(values: list[float], base: list[float]) -> float:
    """Median over rounds of value / base of the same round (robust to drift)."""
    return statistics.median(v / b for v, b in zip(values, base, strict=True))


def tree_report(client: OpenWebUI, chat_ids: Iterable[str | None]) -> dict[str, Any]:
    """How many saved chats pass `validate_history`, and what is wrong with the others."""
    ids = [c for c in chat_ids if c]
    problems: dict[str, int] = {}
    valid = 0
    for chat_id in ids:
        found = validate_history(client.chats.get(chat_id))
        valid += not found
        for problem in {_kind(p) for p in found}:
            problems[problem] = problems.get(problem, 0) + 1
    return {"checked": len(ids), "valid": valid, "problems": problems}


def _kind(problem: str) -> str:
    """A problem line without its message ids, so that the same fault is counted once."""
    words = ["…" if _looks_like_id(w.strip(",.:;()'\"")) else w for w in problem.split()]
    return " ".join(words)


def _looks_like_id(word: str) -> bool:
    return len(word) >= 32 and word.count("-") == 4
