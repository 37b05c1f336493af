"""One run of a comparison: a prompt put to several models, streamed side by side.

A run owns its columns (one `AnswerView` per model, with its rating buttons), the
multi-model stream, and afterwards the results and the ratings given to them.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..client import ChatResult, StreamDelta
from ..client.errors import ConfigurationError
from ..render import error_html, link_html
from ._base import read_stream
from ._stream_view import QUEUED, WAITING, AnswerView
from ._tasks import error_text
from .battles import battles_from_ratings

if TYPE_CHECKING:
    from ..client import AsyncChat, AsyncChatStream, AsyncOpenWebUI
    from ._stream_view import LiveRenderer

_MUTED = "color:#777;font-size:0.85em"


def _column_layout() -> widgets.Layout:
    # One per column: a Layout is a widget of its own, closed with the column.
    return widgets.Layout(
        flex="1 1 0",
        min_width="0",
        overflow="auto",
        border="1px solid #e0e0e0",
        padding="4px 10px",
        margin="0 4px 0 0",
    )


RATE_UP, RATE_DOWN = 1, -1


class CompareRun:
    """A prompt, the models asked, and what came back."""

    def __init__(
        self,
        number: int,
        prompt: str,
        models: list[str],
        *,
        labels: dict[str, str],
        system: str | None,
        params: dict[str, Any],
        sequential: bool,
        on_rate: Callable[[CompareRun, int, int], None],
    ) -> None:
        self.number = number
        self.prompt = prompt
        self.models = list(models)
        self.system = system
        self.params = dict(params)
        self.sequential = sequential
        self.results: list[ChatResult | None] = [None] * len(models)
        self.ratings: list[int | None] = [None] * len(models)
        self._feedback: list[str | None] = [None] * len(models)
        self.chat: AsyncChat | None = None
        self.stream: AsyncChatStream | None = None
        self.wall_s: float | None = None
        self.stopping = False
        self.done = False
        self._rate_lock: asyncio.Lock | None = None
        self.views = [
            AnswerView(QUEUED if sequential and k else WAITING) for k in range(len(models))
        ]
        self.header = widgets.HTML(self._header("running…"))
        self.rate_buttons: list[tuple[widgets.Button, widgets.Button]] = []
        columns = []
        for k, model in enumerate(models):
            up = widgets.Button(
                icon="thumbs-up",
                tooltip="better: a win over the other answers (Open WebUI's leaderboard)",
                disabled=True,
                layout=widgets.Layout(width="44px"),
            )
            down = widgets.Button(
                icon="thumbs-down",
                tooltip="worse: a loss to the other answers",
                disabled=True,
                layout=widgets.Layout(width="44px"),
            )
            up.on_click(lambda _b, k=k: on_rate(self, k, RATE_UP))
            down.on_click(lambda _b, k=k: on_rate(self, k, RATE_DOWN))
            self.rate_buttons.append((up, down))
            title = widgets.HTML(
                f'<div style="font-weight:600;border-bottom:1px solid #eee">'
                f"{html.escape(labels.get(model, model))}</div>"
            )
            columns.append(
                widgets.VBox(
                    [title, self.views[k].widget, widgets.HBox([up, down])],
                    layout=_column_layout(),
                )
            )
        self.columns = widgets.HBox(columns, layout=widgets.Layout(width="100%"))
        self.widget = widgets.VBox(
            [self.header, self.columns],
            layout=widgets.Layout(margin="6px 0 10px 0", width="100%"),
        )
        self.widget.add_class("owui-compare-run")

    @property
    def mode(self) -> str:
        return "one after another" if self.sequential else "all at once"

    def _header(self, state: str, link: str = "") -> str:
        prompt = html.escape(self.prompt if len(self.prompt) < 300 else self.prompt[:300] + "…")
        return (
            f'<div style="{_MUTED}">Run {self.number} · {self.mode} · {state}{link}</div>'
            f'<div style="white-space:pre-wrap;margin:2px 0 4px 0"><b>Prompt:</b> {prompt}</div>'
        )

    # -- streaming ----------------------------------------------------------------------

    def abort(self) -> None:
        """Stop every model at its next chunk (what arrived is kept and saved)."""
        self.stopping = True
        if self.stream is not None:
            self.stream.abort()

    async def execute(self, client: AsyncOpenWebUI, renderer: LiveRenderer) -> None:
        """Stream every model's answer into its column, then show results and enable ratings."""
        start = time.perf_counter()
        chat = client.chat(self.models[0], system=self.system or None, **self.params)
        self.chat = chat
        stream = chat.stream_many(self.prompt, self.models, sequential=self.sequential)
        self.stream = stream
        if self.stopping:
            stream.abort()
        shown: set[int] = set()

        def on_delta(delta: StreamDelta) -> None:
            renderer.feed(self.views[delta.index], delta.text)
            self._show_early_errors(stream, shown)

        try:
            # An error here means every model failed; each column shows its own.
            failure = await read_stream(stream, renderer, on_delta, lambda: self.stopping)
        finally:
            self.wall_s = time.perf_counter() - start
        self._finish(client, stream, failure)

    def _show_early_errors(self, stream: AsyncChatStream, shown: set[int]) -> None:
        # A failed model shows its error at once, while the others go on streaming.
        for k, error in enumerate(stream.errors):
            if error is not None and k not in shown:
                shown.add(k)
                self.views[k].final = True
                self.views[k].show(error_html(error_text(error)))

    def _finish(
        self, client: AsyncOpenWebUI, stream: AsyncChatStream, failure: BaseException | None
    ) -> None:
        self.done = True
        results = stream.results
        if not results:  # the turn never started (nothing was sent)
            text = error_text(failure) if failure else "stopped before anything was sent"
            results = [
                ChatResult(message_id="", parent_id="", model=m, error=text) for m in self.models
            ]
        self.results = list(results)
        chat_id = next((r.chat_id for r in results if r.chat_id), None)
        for k, result in enumerate(results):
            self.views[k].finish(result)
            saved = bool(result.chat_id)
            for button in self.rate_buttons[k]:
                button.disabled = not saved
        wall = f"{self.wall_s:.2f} s" if self.wall_s is not None else ""
        if chat_id:
            link = " · " + link_html(client.chat_url(chat_id), "open chat in Open WebUI")
            self.header.value = self._header(f"{self._outcome(results)} in {wall}", link)
        else:
            self.header.value = self._header(f"nothing saved ({wall})")

    def _outcome(self, results: list[ChatResult]) -> str:
        """Says "done" only when every model answered; otherwise what failed, and for whom."""
        failed = [r.model for r in results if r.error]
        if len(failed) == len(results):
            return "failed"
        if failed:
            return f"{len(failed)} of {len(results)} failed ({html.escape(', '.join(failed))})"
        return "stopped" if self.stopping else "done"

    def interrupt(self, error: BaseException) -> None:
        """The run's task ended without finishing it (an error, or cancelled): say so in
        the header and in every column still waiting, instead of "running…"."""
        if self.done:
            return
        self.done = True
        text = "cancelled" if isinstance(error, asyncio.CancelledError) else error_text(error)
        self.header.value = self._header(f"failed: {html.escape(text)}")
        for view in self.views:
            if not view.final:
                view.finish(None, error=text)

    # -- rating -------------------------------------------------------------------------

    async def rate(self, client: AsyncOpenWebUI, index: int, rating: int) -> None:
        """Rate answer `index` +1 or -1 in Open WebUI's evaluations (replacing an earlier
        rating of it), so that it counts in the server's leaderboard."""
        if self._rate_lock is None:
            self._rate_lock = asyncio.Lock()
        # One at a time per run: each rating rewrites the chat (the message's annotation),
        # and two at once would overwrite each other's.
        async with self._rate_lock:
            if self.ratings[index] == rating:
                return
            result = self.results[index]
            if self.chat is None or result is None or not result.chat_id:
                raise ConfigurationError("this answer was not saved, so it cannot be rated")
            old = self._feedback[index]
            if old is not None:
                await client.evaluations.delete_feedback(old)
                self._feedback[index] = None
                self.ratings[index] = None
                self._show_rating(index)
            feedback = await self.chat.rate(result, rating)
            self._feedback[index] = feedback.id
            self.ratings[index] = rating
            self._show_rating(index)

    def _show_rating(self, index: int) -> None:
        up, down = self.rate_buttons[index]
        rating = self.ratings[index]
        up.button_style = "success" if rating == RATE_UP else ""
        down.button_style = "danger" if rating == RATE_DOWN else ""

    def battles(self) -> list[tuple[str, str, str]]:
        return battles_from_ratings(self.models, self.ratings)

    def rows(self) -> list[tuple[ChatResult, dict[str, Any]]]:
        """Each model's result with the run's own columns for `ComparePanel.results`."""
        out = []
        for k, result in enumerate(self.results):
            if result is None:
                continue
            extra = {
                "run": self.number,
                "prompt": self.prompt,
                "answer": result.content,
                "rating": self.ratings[k],
                "mode": "sequential" if self.sequential else "parallel",
            }
            out.append((result, extra))
        return out
