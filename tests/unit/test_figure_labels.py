"""Every figure under an answer or a task carries its label: no bare number a user must guess."""

from __future__ import annotations

import re

from owui_notebook.client.types import ChatResult, Timings, Usage
from owui_notebook.render.metrics import summary_line


def test_every_figure_under_an_answer_is_labelled():
    result = ChatResult(
        message_id="m",
        parent_id="p",
        model="alpha",
        content="x" * 40,
        usage=Usage(prompt_tokens=3, completion_tokens=12, total_tokens=15),
        timings=Timings(ttft=0.14, total=0.66),
    )
    line = summary_line(result, chars=True)
    assert line == "first token 0.14 s · total 0.66 s · 12 tokens · 23 tok/s · 40 chars"
    for part in line.split(" · "):
        # A label before the number, or a unit after it that names it (tokens, tok/s, chars).
        assert re.fullmatch(r"[a-z ]+ [\d.]+ s|\d+ (tokens|tok/s|chars)", part), part
