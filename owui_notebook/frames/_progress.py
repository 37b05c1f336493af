"""Progress bars for loads that take more than a moment.

``progress=None`` (the default everywhere) shows a bar only in a notebook, and only once a
load has run for half a second; ``True`` shows one anywhere; ``False`` never. The bar is
tqdm's (``tqdm.auto``: a widget in notebooks, text elsewhere) when tqdm is installed, else
an ipywidgets ``IntProgress`` in notebooks; without either it stays silent. Bars disappear
when the load ends, so a cell's output is its DataFrame.
"""

from __future__ import annotations

import sys
import time
from typing import Any

DELAY_S = 0.5


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (not a terminal IPython, not a script)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:  # never imported, so certainly not a kernel
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Progress:
    """Counts items of a load; draws a bar when `enabled` says so (see module docstring)."""

    def __init__(
        self,
        desc: str,
        *,
        total: int | None = None,
        unit: str = "chats",
        enabled: bool | None = None,
        delay: float = DELAY_S,
    ) -> None:
        self.desc = desc
        self.total = total
        self.count = 0
        self._delay = delay
        self._started = time.monotonic()
        self._bar: Any = None
        self._widget: Any = None
        self._shown = False
        want = in_notebook() if enabled is None else bool(enabled)
        if want:
            self._bar = _tqdm(desc, total, unit, delay)
            if self._bar is None and in_notebook():
                self._widget = _Widget(desc, total)

    @property
    def active(self) -> bool:
        """Whether a bar may be drawn (worth asking the server for a total)."""
        return self._bar is not None or self._widget is not None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_total(self, total: int | None) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()
        elif self._widget is not None:
            self._widget.set_total(total)

    def update(self, n: int = 1) -> None:
        self.count += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._widget is not None:
            if not self._shown and time.monotonic() - self._started >= self._delay:
                self._widget.show()
                self._shown = True
            self._widget.set(self.count)

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.close()
        widget, self._widget = self._widget, None
        if widget is not None and self._shown:
            widget.close()


def _tqdm(desc: str, total: int | None, unit: str, delay: float) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    options = dict(desc=desc, total=total, unit=f" {unit}", leave=False, dynamic_ncols=True)
    try:
        return tqdm(delay=delay, **options)
    except TypeError:  # tqdm before 4.58 has no delay
        return tqdm(**options)


class _Widget:
    """The fallback bar: ipywidgets' IntProgress with a count label."""

    def __init__(self, desc: str, total: int | None) -> None:
        import ipywidgets as widgets

        self._bar = widgets.IntProgress(value=0, min=0, max=max(total or 1, 1), description=desc)
        self._label = widgets.Label("")
        self._box = widgets.HBox([self._bar, self._label])
        self._total = total

    def show(self) -> None:
        from IPython.display import display

        display(self._box)

    def set_total(self, total: int | None) -> None:
        self._total = total
        self._bar.max = max(total or 1, 1)

    def set(self, count: int) -> None:
        if self._total is None and count > self._bar.max:
            self._bar.max = count * 2  # unknown total: keep the bar moving
        self._bar.value = min(count, self._bar.max)
        self._label.value = f"{count}/{self._total}" if self._total else str(count)

    def close(self) -> None:
        self._box.close()
