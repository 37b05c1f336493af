"""The dashboard's charts: its tables (and the response times' box figures) drawn as PNGs.

The charts are drawn from the small tables alone, never from message rows, so a dashboard
of a dataset of millions of messages draws the same way as one of a frame. The axes belong
to matplotlib `Figure` objects made without pyplot (no global state, nothing shown at the
end of the cell), so drawing can happen in a worker thread while the kernel's loop serves
the widgets.
"""

from __future__ import annotations

import io
import threading
import warnings
from typing import TYPE_CHECKING, Any

from ..frames.analysis import plot_boxes, plot_ratings, plot_usage

if TYPE_CHECKING:
    from ._board_data import Figures

SIZE = (5.2, 3.0)
CHARTS = ("usage", "response_times", "ratings")
# matplotlib is not thread-safe: dashboards drawing at the same time take turns.
_LOCK = threading.Lock()


def charts(figures: Figures) -> list[bytes] | None:
    """The three charts of `figures` as PNGs (None without matplotlib)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    tables = figures.tables
    drawn: list[tuple[Any, Any]] = [
        (plot_usage, tables["usage"]),
        (plot_boxes, figures.boxes),
        (plot_ratings, tables["ratings"]),
    ]
    with _LOCK:
        pngs = []
        for draw, table in drawn:
            figure = Figure(figsize=SIZE)
            ax = figure.subplots()
            with warnings.catch_warnings():
                # pandas' "identical low and high xlims" for a single period: harmless, and
                # it would land in the cell's output as a red warning.
                warnings.simplefilter("ignore", UserWarning)
                draw(table, ax)
            if table.empty:
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
            pngs.append(_png(figure))
        return pngs


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()
