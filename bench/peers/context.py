"""What every scenario gets: the server, its provider, a checking client, run counts, workers."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .contenders import Contender, Worker
from .measure import median, paired_ratio

if TYPE_CHECKING:
    from owui_notebook.client import OpenWebUI
    from owui_notebook.sandbox.provider import DeterministicProvider


def log(message: str) -> None:
    print(f"[peers] {message}", file=sys.stderr, flush=True)


@dataclass
class Context:
    url: str
    key: str  # measures 1-3: a user whose chat list starts empty
    stats_key: str  # measure 4: the owner of the seeded chats
    provider: DeterministicProvider
    client: OpenWebUI  # ours, in this process, as `key`: checks what the contenders saved
    runs: int  # rounds of the quick measures (a chat, a first token)
    long_runs: int  # rounds of the slow ones (comparisons, 5,000 chats, imports)
    chats: int  # how many chats the stats measure loads

    def worker(self, contender: Contender, *, stats: bool = False) -> Worker:
        return Worker(contender, self.url, self.stats_key if stats else self.key)


@dataclass
class Row:
    """One contender's figures in one scenario; `seconds` are its raw samples."""

    contender: str
    call: str
    seconds: list[float]
    base: list[float] | None = None  # ours, same rounds: for the paired ratio
    tree: dict[str, Any] | None = None  # tree_report of what it saved; None: saves nothing
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "contender": self.contender,
            "call": self.call,
            "median_s": median(self.seconds),
            "ratio_to_ours": paired_ratio(self.seconds, self.base) if self.base else 1.0,
            "runs": len(self.seconds),
            "tree": self.tree,
            "note": self.note,
            **self.extra,
            "samples_s": self.seconds,
        }
        return out
