"""Answers that update in place while they stream, throttled, in any IPython front end.

In Jupyter (JupyterLab, Notebook, VS Code, Colab) an answer is one output updated through
its display id, at most ~12 times a second; the final update is the whole answer rendered
once more, so the cell's saved output is exactly the answer. In a terminal IPython (where an
update would print the whole answer again) the text is written out as it comes instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .terminal import terminal_safe
from .throttle import Throttle
from .views import (
    answer_html,
    columns_html,
    follow_ups_text,
    sources_text,
    tool_calls_text,
)

if TYPE_CHECKING:
    from ..client.types import ChatResult


def rich_frontend() -> bool:
    """Whether outputs are rendered by a notebook front end (not printed by a terminal)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ != "TerminalInteractiveShell"


class LiveOutput:
    """One display output replaced in place; `update` sends only when the throttle allows."""

    def __init__(self, throttle: Throttle | None = None) -> None:
        self.throttle = throttle or Throttle()
        self._handle: Any = None

    def update(self, render: Callable[[], tuple[str, str]], *, force: bool = False) -> bool:
        """Send ``render()`` (html, plain) if a render is due or `force`; True if sent."""
        if not force and not self.throttle.due():
            return False
        markup, plain = render()
        # text/plain is what text front ends (jupyter console, a notebook runner) print.
        bundle = {"text/html": markup, "text/plain": terminal_safe(plain)}
        if self._handle is None:
            from IPython.display import display

            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)
        self.throttle.sent(len(markup) + len(plain))
        return True


class AnswerDisplay:
    """One model's answer streaming into the cell's output."""

    def __init__(self, fmt: str = "markdown", *, rich: bool | None = None) -> None:
        self.fmt = fmt
        self.rich = rich_frontend() if rich is None else rich
        self.text = ""
        self.output = LiveOutput()
        self._terminal_pos = 0

    def start(self) -> None:
        """Show the answer's place at once, so the cell visibly waits for the first token."""
        if self.rich:
            self.output.update(self._render, force=True)

    def feed(self, delta: str) -> None:
        first = not self.text
        self.text += delta
        if self.rich:
            # The first words go out at once: time to first token is what people feel.
            self.output.update(self._render, force=first)
        else:
            sys.stdout.write(terminal_safe(delta))
            sys.stdout.flush()

    def finish(self, result: ChatResult | None = None, *, url: str | None = None) -> None:
        """The final render: the whole answer (as saved), its figures and the chat link."""
        if result is not None:
            self.text = result.content
        if self.rich:
            self.output.update(
                lambda: (
                    answer_html(self.text, fmt=self.fmt, result=result, url=url),
                    self.text,
                ),
                force=True,
            )
        else:
            cited = sources_text([s for s in result.sources if not s.is_tool]) if result else ""
            lines = [f"tool: {line}" for line in tool_calls_text(result.sources if result else [])]
            lines += [cited] if cited else []
            lines += [f"follow-up: {q}" for q in follow_ups_text(result)]
            sys.stdout.write(terminal_safe("\n" + "".join(f"{line}\n" for line in lines)))
            sys.stdout.flush()

    def _render(self) -> tuple[str, str]:
        return answer_html(self.text, fmt=self.fmt, final=False), self.text


class ComparisonDisplay:
    """Several models' answers streaming side by side, one column each, in one output."""

    def __init__(self, models: list[str], *, rich: bool | None = None) -> None:
        self.models = list(models)
        self.rich = rich_frontend() if rich is None else rich
        self.texts = [""] * len(models)
        self.errors: list[str | None] = [None] * len(models)
        self.output = LiveOutput()

    def start(self) -> None:
        if self.rich:
            self.output.update(self._render, force=True)
        else:
            print(terminal_safe(f"asking {', '.join(self.models)} …"), flush=True)

    def feed(self, index: int, delta: str) -> None:
        first = not self.texts[index]
        self.texts[index] += delta
        if self.rich:
            self.output.update(self._render, force=first)

    def finish(
        self, results: list[ChatResult | None] | None = None, *, url: str | None = None
    ) -> None:
        results = results or [None] * len(self.models)
        for i, result in enumerate(results):
            if result is not None:
                self.texts[i] = result.content
        if self.rich:

            def render() -> tuple[str, str]:
                markup = columns_html(
                    self.models,
                    self.texts,
                    results=results,
                    errors=self.errors,
                    final=True,
                    url=url,
                )
                return markup, self._plain()

            self.output.update(render, force=True)
        else:
            print(terminal_safe(self._plain()), flush=True)

    def _render(self) -> tuple[str, str]:
        return columns_html(self.models, self.texts, errors=self.errors), self._plain()

    def _plain(self) -> str:
        parts = []
        for model, text, error in zip(self.models, self.texts, self.errors, strict=True):
            parts.append(f"── {model} ──\n{text}" + (f"\n[error] {error}" if error else ""))
        return "\n\n".join(parts)
