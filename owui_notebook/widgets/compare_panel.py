"""ComparePanel: one prompt, several models, their answers streaming side by side, live.

    from owui_notebook import compare
    panel = compare(["llama3.1", "qwen2.5", "mistral"], "Explain B-trees in 3 lines.")
    panel.results          # one row per model per run: answer, timings, tokens, rating, ids
    panel.leaderboard()    # Bradley-Terry ratings from your votes, with 95% intervals

Each run is saved as one multi-model chat that Open WebUI shows side by side; thumbs
up/down are written to Open WebUI's evaluations, so they count in its leaderboard too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..render import METRIC_COLUMNS, metrics_frame
from ._base import Panel
from ._client import model_options, params_of
from ._compare_run import CompareRun
from ._tasks import error_text, on_panel_loop
from .battles import BATTLE_COLUMNS, bradley_terry_frame

if TYPE_CHECKING:
    import pandas as pd

    from ..client import AsyncOpenWebUI, OpenWebUI

#: Columns of `ComparePanel.results`, in order.
RESULT_COLUMNS = (
    "run",
    "prompt",
    "model",
    "answer",
    *[c for c in METRIC_COLUMNS if c not in ("model", "chat_id", "message_id")],
    "rating",
    "mode",
    "chat_id",
    "message_id",
)


class ComparePanel(Panel):
    """Ask several models the same prompt; watch the answers stream side by side; rate them.

    `models` preselects model ids (the selector lists the server's models once loaded);
    `prompt`, `system`, `temperature`, `max_tokens` prefill the controls; `sequential`
    asks the models one after another instead of all at once (for servers whose models
    share one GPU). Other keyword arguments (``top_p=...``) go with every request.
    `client` is an `AsyncOpenWebUI` or `OpenWebUI` (default: ``$OWUI_URL``/``$OWUI_API_KEY``).
    """

    def __init__(
        self,
        models: list[str] | tuple[str, ...] | None = None,
        prompt: str = "",
        *,
        client: AsyncOpenWebUI | OpenWebUI | None = None,
        system: str = "",
        temperature: float | None = None,
        max_tokens: int | None = None,
        sequential: bool = False,
        **params: Any,
    ) -> None:
        super().__init__(client)
        self._params = params
        self.runs: list[CompareRun] = []
        self._labels: dict[str, str] = {}
        chosen = list(dict.fromkeys(models or []))

        self.model_select = widgets.SelectMultiple(
            options=model_options([], chosen),
            value=tuple(chosen),
            rows=6,
            description="Models",
            layout=widgets.Layout(width="32%", min_width="220px"),
        )
        self.prompt_box = widgets.Textarea(
            value=prompt,
            placeholder="Prompt, sent to every model",
            layout=widgets.Layout(width="100%", height="80px"),
        )
        self.system_box = widgets.Textarea(
            value=system,
            placeholder="System prompt (optional)",
            layout=widgets.Layout(width="100%", height="40px"),
        )
        self.temperature_box = _optional_number("Temperature", temperature)
        self.max_tokens_box = _optional_number("Max tokens", max_tokens)
        self.mode_toggle = widgets.ToggleButtons(
            options=[("All at once", False), ("One after another", True)],
            value=bool(sequential),
            tooltips=[
                "every model streams at the same time",
                "each model runs after the previous one (models sharing one GPU)",
            ],
            style={"button_width": "150px"},
        )
        self.run_button = widgets.Button(description="Run", icon="play", button_style="primary")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        self._say("loading the server's models…")
        self.history = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.run_button.on_click(lambda _b: self.run())
        self.stop_button.on_click(lambda _b: self.stop())

        controls = widgets.HBox(
            [
                self.model_select,
                widgets.VBox(
                    [self.prompt_box, self.system_box], layout=widgets.Layout(width="68%")
                ),
            ],
            layout=widgets.Layout(width="100%"),
        )
        options = widgets.HBox([self.temperature_box, self.max_tokens_box, self.mode_toggle])
        actions = widgets.HBox([self.run_button, self.stop_button, self.status])
        self.widget = self._frame(
            controls, options, actions, self.history, name="owui-compare-panel"
        )
        self._tasks.start(self._load_models(), name="owui-compare-models")

    def __repr__(self) -> str:
        return f"<ComparePanel models={list(self.model_select.value)} runs={len(self.runs)}>"

    async def _load_models(self) -> None:
        try:
            models = await self._client.models.list()
        except Exception as exc:
            self._show_error(f"could not list the server's models: {error_text(exc)}")
            return
        self._labels = {m.id: m.display_name for m in models}
        chosen = tuple(self.model_select.value)
        # New options reset the selection (ipywidgets 8): put it back.
        self.model_select.options = model_options(models, chosen)
        self.model_select.value = chosen
        if not self.running:
            self._say(f"{len(models)} models on the server; pick some, write a prompt, Run")

    # -- actions ------------------------------------------------------------------------

    @on_panel_loop
    def run(self, prompt: str | None = None) -> CompareRun | None:
        """Start a run with the panel's settings, as the Run button does; returns at once.

        The run streams in a task on the kernel's loop; ``await panel.wait()`` to wait for it.
        Returns ``None`` (and says why in the panel) if the settings are not usable, and
        when called from another thread (the run is then started on the panel's loop).
        """
        if prompt is not None:
            self.prompt_box.value = prompt
        if self.running:
            self._show_error("a run is in progress: Stop it or wait for it to finish")
            return None
        models = list(self.model_select.value)
        text = self.prompt_box.value
        if not models:
            self._show_error("pick at least one model")
            return None
        if not text.strip():
            self._show_error("the prompt is empty: write something to send")
            return None
        try:
            params = {
                **self._params,
                **params_of(self.temperature_box.value, self.max_tokens_box.value),
            }
        except ValueError as exc:
            self._show_error(str(exc))
            return None
        run = CompareRun(
            len(self.runs) + 1,
            text,
            models,
            labels=self._labels,
            system=self.system_box.value.strip() or None,
            params=params,
            sequential=self.mode_toggle.value,
            on_rate=self._rate,
        )
        self.runs.append(run)
        self.history.children = (run.widget, *self.history.children)
        self._set_running(True)
        self._say(f"asking {len(models)} model{'s' if len(models) > 1 else ''} …")
        self._running = self._tasks.start(self._execute(run), name=f"owui-compare-{run.number}")
        return run

    async def _execute(self, run: CompareRun) -> None:
        try:
            await run.execute(self._client, self._renderer)
        except BaseException as exc:
            # The header must not go on reading "running…" (nor ever "done") over this.
            run.interrupt(exc)
            raise
        finally:
            self._stopped()
            self._set_running(False)
        failed = [r.model for r in run.results if r is not None and r.error]
        if failed:
            self._show_error(f"failed: {', '.join(failed)} (see their columns)")
        else:
            self._say(f"run {run.number} {'stopped' if run.stopping else 'done'}")

    @on_panel_loop
    def stop(self) -> None:
        """Stop every model of the current run; partial answers are kept and saved."""
        if not self.running or not self.runs:
            return
        run = self.runs[-1]
        run.abort()
        self._say("stopping…")
        if run.stream is not None:
            self._stop_soon(run.stream)

    def _set_running(self, running: bool) -> None:
        self.run_button.disabled = running
        self.stop_button.disabled = not running

    @on_panel_loop
    def _rate(self, run: CompareRun, index: int, rating: int) -> None:
        self._tasks.start(self._do_rate(run, index, rating), name="owui-compare-rate")

    async def _do_rate(self, run: CompareRun, index: int, rating: int) -> None:
        await run.rate(self._client, index, rating)
        self._say(f"rated {run.models[index]} {'+1' if rating > 0 else '-1'} (run {run.number})")

    def rate(self, model: str, rating: int, *, run: int | None = None) -> None:
        """Rate `model`'s answer +1 or -1 (of run number `run`, default the latest), as its
        thumbs do; written to Open WebUI in a task (``await panel.wait()``)."""
        chosen = self.runs[-1] if run is None else self.runs[run - 1]
        self._rate(chosen, chosen.models.index(model), rating)

    # -- what came out ------------------------------------------------------------------

    @property
    def results(self) -> pd.DataFrame:
        """One row per model per finished run (columns `RESULT_COLUMNS`), oldest first."""
        pairs = [pair for run in self.runs for pair in run.rows()]
        frame = metrics_frame([result for result, _ in pairs])
        for column in ("run", "prompt", "answer", "rating", "mode"):
            frame[column] = [extra[column] for _, extra in pairs]
        frame["run"] = frame["run"].astype("int64")
        frame["rating"] = frame["rating"].astype("Int64")
        for column in ("chat_id", "message_id"):
            # A run that failed before anything was sent has no saved ids.
            frame[column] = frame[column].where(frame[column].astype(bool), None)
        return frame[list(RESULT_COLUMNS)]

    @property
    def battles(self) -> pd.DataFrame:
        """Pairwise outcomes of the ratings given: ``run, model_a, model_b, winner``."""
        import pandas as pd

        rows = [(run.number, *battle) for run in self.runs for battle in run.battles()]
        return pd.DataFrame(rows, columns=["run", *BATTLE_COLUMNS])

    def leaderboard(
        self, *, rounds: int = 1000, confidence: float = 0.95, seed: int | None = 0
    ) -> pd.DataFrame:
        """Models ranked by Bradley-Terry rating from this panel's votes, with bootstrap
        confidence intervals (see `owui_notebook.widgets.battles.bradley_terry_frame`)."""
        return bradley_terry_frame(self.battles, rounds=rounds, confidence=confidence, seed=seed)

    async def aclose(self) -> None:
        """Stop the run, close the widgets, and the client if the panel made it."""
        if self.running:
            self.stop()
        await super().aclose()


def compare(
    models: list[str] | tuple[str, ...] | None = None,
    prompt: str | None = None,
    *,
    client: AsyncOpenWebUI | OpenWebUI | None = None,
    system: str | None = None,
    sequential: bool = False,
    **params: Any,
) -> ComparePanel:
    """A `ComparePanel`, already running when `models` and `prompt` are given.

    Show it by leaving it last in the cell: ``compare(["a", "b"], "Hi")``.
    """
    panel = ComparePanel(
        models, prompt or "", client=client, system=system or "", sequential=sequential, **params
    )
    if models and prompt:
        panel.run()
    return panel


def _optional_number(label: str, value: float | None) -> widgets.Text:
    """A small text field for an optional number; blank means the server's default."""
    return widgets.Text(
        value="" if value is None else str(value),
        placeholder="default",
        description=label,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="190px"),
    )
