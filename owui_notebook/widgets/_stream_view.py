"""Answers streaming into HTML widgets, pushed to the front end at a bounded pace.

Each answer is one ``HTML`` widget (an ``Output`` widget resends everything on each append,
ipywidgets #2385). Deltas only go into the answer's buffer; one render task per panel
wakes when something changed, waits for the `Throttle` (at most ~12 renders a second and a
byte budget, far below Jupyter's iopub rate limits) and pushes every changed answer. The
final render is the complete answer, rendered once more as Markdown with its figures.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..render import Throttle, answer_html, error_html

if TYPE_CHECKING:
    from ..client.types import ChatResult
    from ._tasks import PanelTasks

WAITING = '<div class="owui-answer" style="color:#777">waiting for the first token…</div>'
QUEUED = '<div class="owui-answer" style="color:#777">queued: runs after the models before it</div>'


class AnswerView:
    """One answer: a buffer of the text received so far and the HTML widget showing it."""

    def __init__(self, placeholder: str = WAITING) -> None:
        self.widget = widgets.HTML(value=placeholder, layout=widgets.Layout(width="100%"))
        self._parts: list[str] = []
        self.final = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def append(self, text: str) -> None:
        self._parts.append(text)

    def show(self, markup: str) -> int:
        """Replace what the widget shows; returns the bytes sent."""
        with self.widget.hold_sync():
            self.widget.value = markup
        return len(markup)

    def render_live(self) -> int:
        return 0 if self.final else self.show(answer_html(self.text, final=False))

    def finish(
        self,
        result: ChatResult | None,
        *,
        error: str | None = None,
        url: str | None = None,
    ) -> None:
        """The final render: the complete answer, its figures, and its error if it failed."""
        self.final = True
        if result is None:
            text = self.text
            markup = answer_html(text, final=True) if text else ""
            self.show(f'<div class="owui-answer">{markup}{error_html(error or "no answer")}</div>')
            return
        self._parts = [result.content]
        markup = answer_html(result.content, final=True, result=result, url=url, chars=True)
        if error and not result.error:
            markup += error_html(error)
        self.show(markup)


class LiveRenderer:
    """The one render task of a panel: pushes changed answers at the throttle's pace."""

    def __init__(self, tasks: PanelTasks, throttle: Throttle | None = None) -> None:
        self._tasks = tasks
        self.throttle = throttle or Throttle()
        self._dirty: dict[AnswerView, None] = {}  # ordered set
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the render task (call on the loop, when a run begins)."""
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = self._tasks.start(self._run(), name="owui-render")

    def feed(self, view: AnswerView, text: str) -> None:
        """Add streamed text to `view`; it is shown at the next render."""
        view.append(text)
        self._dirty[view] = None
        self._wake.set()

    async def stop(self) -> None:
        """End the render task; what it had not pushed yet is left to the final renders."""
        task, self._task = self._task, None
        if task is not None:
            # Cancelled, not drained: a pending throttle wait must not delay the run's end.
            task.cancel()
            await asyncio.wait([task])
        self._dirty.clear()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            delay = self.throttle.wait()
            if delay > 0:
                await asyncio.sleep(delay)
            self._wake.clear()
            dirty, self._dirty = list(self._dirty), {}
            sent = sum(view.render_live() for view in dirty)
            if sent:
                self.throttle.sent(sent)
