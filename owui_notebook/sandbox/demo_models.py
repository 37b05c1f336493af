"""The sandbox's demo models: scripted answers that read like answers, at a model's pace.

What ``owui-notebook sandbox``, ``demo`` and ``lab`` serve, so that a newcomer sees answers
stream in (a first-token delay a person notices, 20-80 tokens a second, one slow model) and
the renderer at work (a heading, a list, a code block, a table), all drawn from the prompt and
still a pure function of the conversation. The tests' provider keeps its fast echo models
(:data:`~owui_notebook.sandbox.provider.DEFAULT_MODELS`); these are
:data:`~owui_notebook.sandbox.provider.DEMO_MODELS`, built from :data:`DEMO_KNOBS`.

Standard library only and no imports from ``owui_notebook``, like ``provider.py``, which
imports it (also when run on its own as a script).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

__all__ = ["DEMO_KNOBS", "DEMO_NOTE", "demo_answer"]

#: Said in every model's name and at the end of every answer: these are not language models.
DEMO_NOTE = "demo model: a scripted answer, no LLM involved"

# Knobs per model (ModelBehavior fields). Paces a person can watch: a first token after a
# noticeable pause, then 20-80 tokens a second; `slow` is the one to wait for.
DEMO_KNOBS: dict[str, dict[str, Any]] = {
    "alpha": {"ttft": 0.6, "tokens_per_second": 60, "name": "Alpha (demo model)"},
    "beta": {"ttft": 0.9, "tokens_per_second": 40, "name": "Beta (demo model)"},
    "gamma": {"ttft": 0.4, "tokens_per_second": 80, "name": "Gamma (demo model)"},
    "delta": {"ttft": 0.7, "tokens_per_second": 30, "name": "Delta (demo model)"},
    "slow": {"ttft": 2.0, "tokens_per_second": 20, "name": "Slow (demo model, 20 tok/s)"},
    "long": {
        "ttft": 0.5,
        "tokens_per_second": 80,
        "answer_tokens": 600,
        "name": "Long (demo model, 600 tokens)",
    },
    "planner": {"ttft": 0.5, "tokens_per_second": 60, "name": "Planner (demo model)"},
    "judge": {"ttft": 0.5, "tokens_per_second": 60, "name": "Judge (demo model)"},
    "researcher": {"ttft": 0.5, "tokens_per_second": 60, "name": "Researcher (demo model)"},
}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'-]*")
_STOP = frozenset(
    re.findall(
        r"\S+",
        """a about again all also an and answer any are as at be been but by can could did do does
    explain for from give has have how i if in into is it its me more my name no not of on one
    or our please show so some tell than that the their them then there these they this to two
    three us use uses was we what when where which who why will with would you your sentence
    sentences paragraph short brief list example examples describe differ difference""",
    )
)

# Per model: how its answers open, and what its table compares.
_VOICES = {
    "alpha": ("Here is the short version.", "What to look at"),
    "beta": ("Good question; let me walk through it.", "Why it matters"),
    "gamma": ("In brief:", "Rule of thumb"),
    "delta": ("Let me take this step by step.", "Trade-off"),
}
_DEFAULT_VOICE = ("Here is how I would put it.", "Notes")
_ASPECTS = ("the core idea", "when it pays off", "what it costs", "a common pitfall")
_NOTES = (
    "start from the definition",
    "measure before you optimise",
    "memory and time trade against each other",
    "watch the edge cases",
    "check it on real data",
)


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.md5("\x00".join(parts).encode()).digest()[:4], "big")


def keywords(question: str, limit: int = 3) -> list[str]:
    """The question's first content words (lower-case, no stop words, no repeats)."""
    seen: list[str] = []
    for word in _WORD.findall(question):
        low = word.lower().strip("'-")
        if len(low) > 2 and low not in _STOP and low not in seen:
            seen.append(low)
    return seen[:limit]


def _topic(question: str) -> str:
    words = keywords(question, 4)
    return " ".join(words).capitalize() if words else "Your question"


def demo_answer(
    model_id: str,
    question: str,
    *,
    turn: int = 1,
    system: str = "",
    sources: list[tuple[str, str]] | None = None,
    images: int = 0,
) -> str:
    """A Markdown answer of demo model `model_id` to `question` (the last user message).

    A heading, a few sentences, a list, a table and a code block built from the question's
    words (a hash of model and question varies notes and table, so models differ), the
    retrieved `sources` quoted with their ids, and a closing line saying it is a demo model.
    `turn` counts the user messages, so a follow-up reads as one.
    """
    opening, column = _VOICES.get(model_id, _DEFAULT_VOICE)
    words = keywords(question) or ["it"]
    topic = _topic(question)
    pick = _digest(model_id, question)
    lines = [f"### {topic}", ""]
    lead = f"Following up (turn {turn}): " if turn > 1 else ""
    lines.append(
        f"{lead}{opening} You asked: *{' '.join(question.split())[:160]}* "
        f"The key ideas are **{words[0]}**"
        + (f" and how it relates to **{words[1]}**." if len(words) > 1 else ".")
    )
    if system:
        lines.append(f"As instructed: {' '.join(system.split())[:120]}")
    if images:
        lines.append(f"I received {images} image{'s' if images != 1 else ''} with the question.")
    if sources:
        quoted = "; ".join(f"{' '.join(body.split())[:100]} [{sid}]" for sid, body in sources[:3])
        lines.append(f"From the context: {quoted}")
    lines += ["", "**Key points**", ""]
    for i, word in enumerate(words):
        lines.append(f"{i + 1}. **{word}**: {_NOTES[(pick + i) % len(_NOTES)]}.")
    lines += ["", f"| Aspect | {column} |", "|---|---|"]
    for i, aspect in enumerate(_ASPECTS[: 2 + pick % 3]):
        lines.append(f"| {aspect} | {words[i % len(words)]}: {_NOTES[(pick + i + 2) % 5]} |")
    names = ", ".join(f'"{w}"' for w in words)
    lines += [
        "",
        "```python",
        f"# a sketch for: {topic.lower()}",
        f"terms = [{names}]",
        "for term in terms:",
        '    print(f"{term}: look it up, then try it on a small example")',
        "```",
    ]
    lines += ["", f"*{model_id}: {DEMO_NOTE}.*"]
    return "\n".join(lines)
