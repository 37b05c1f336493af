"""The dashboard's charts: the frames layer's analysis helpers drawn into PNG images.

Each helper (`usage_over_time`, `response_times`, `ratings_by_model`) returns its table
and, given axes, draws it. The axes here belong to matplotlib `Figure` objects made
without pyplot (no global state, nothing shown at the end of the cell), so drawing can
happen in a worker thread while the kernel's loop serves the widgets.
"""

from __future__ import annotations

import io
import threading
import warnings
from typing import TYPE_CHECKING, Any

from ..frames import ratings_by_model, response_times, usage_over_time

if TYPE_CHECKING:
    import pandas as pd

SIZE = (5.2, 3.0)
CHARTS = ("usage", "response_times", "ratings")
# matplotlib is not thread-safe: dashboards drawing at the same time take turns.
_LOCK = threading.Lock()


def tables_and_charts(
    answers: pd.DataFrame, freq: str
) -> tuple[dict[str, pd.DataFrame], list[bytes] | None]:
    """The three tables for `answers` and their charts as PNGs (None without matplotlib)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return _tables(answers, freq, [None, None, None]), None
    with _LOCK:
        figures = [Figure(figsize=SIZE) for _ in CHARTS]
        axes = [figure.subplots() for figure in figures]
        with warnings.catch_warnings():
            # pandas' "identical low and high xlims" for a single period: harmless, and
            # it would land in the cell's output as a red warning.
            warnings.simplefilter("ignore", UserWarning)
            tables = _tables(answers, freq, axes)
        for ax, name in zip(axes, CHARTS, strict=True):
            if tables[name].empty:
                ax.text(
                    0.5,
                    0.5,
                    "nothing in this selection",
                    ha="center",
                    va="center",
                    color="#777",
                    transform=ax.transAxes,
                )
            ax.title.set_fontsize(10)
            ax.tick_params(labelsize=8)
        return tables, [_png(figure) for figure in figures]


def _tables(answers: pd.DataFrame, freq: str, axes: list[Any]) -> dict[str, pd.DataFrame]:
    return {
        "usage": usage_over_time(answers, freq=freq, ax=axes[0]),
        "response_times": response_times(answers, ax=axes[1]),
        "ratings": ratings_by_model(answers, ax=axes[2]),
    }


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()
