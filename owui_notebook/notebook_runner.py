"""Run a notebook top to bottom in a real Jupyter kernel; keep it executed, and as HTML.

What ``owui-notebook demo`` and ``owui-notebook run`` do, and what the tests use to check the
shipped notebooks. Needs the ``jupyter`` extra (nbclient, ipykernel, nbconvert).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CellReport", "NotebookRun", "run_notebook"]

# Shown per cell in the terminal: enough to see the answer, not a wall of text.
_PREVIEW_LINES = 6


@dataclass
class CellReport:
    """One executed code cell: its number among the code cells (from 1), its first source
    line, seconds, and what it showed.

    ``updates`` holds the length of the plain text of each live update of a display the cell
    made (``update_display_data``: an answer streaming in), in the order they arrived; the
    saved notebook keeps only the last state.
    """

    number: int
    source: str
    seconds: float
    text: str
    error: str | None = None
    updates: list[int] = field(default_factory=list)


@dataclass
class NotebookRun:
    """An executed notebook: where it was written, and each code cell's report."""

    notebook: Any
    ipynb: Path | None
    html: Path | None
    cells: list[CellReport] = field(default_factory=list)

    @property
    def errors(self) -> list[CellReport]:
        return [c for c in self.cells if c.error]


def output_text(output: Mapping[str, Any]) -> str:
    """The plain text a notebook output shows (stream text, text/plain, or the error)."""
    kind = output.get("output_type")
    if kind == "stream":
        return str(output.get("text", ""))
    if kind == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data") or {}
    return str(data.get("text/plain", ""))


def _missing(module: str) -> SystemExit:
    return SystemExit(
        f"running notebooks needs {module}: pip install 'owui-notebook[jupyter]' "
        "(or, in a clone, pip install -e '.[jupyter]')"
    )


def run_notebook(
    path: Path | str,
    out_dir: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    html: bool = True,
    on_cell: Callable[[CellReport, int], None] | None = None,
    allow_errors: bool = False,
) -> NotebookRun:
    """Execute the notebook at `path` in a new ``python3`` kernel started with `env` added to
    this process's environment, in the notebook's own folder.

    Writes ``<out_dir>/<name>.ipynb`` (and ``.html``) when `out_dir` is given. `on_cell` is
    called after each code cell with its report and the number of code cells. Stops at the
    first failing cell unless `allow_errors`; the run so far is still written.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        raise _missing("nbclient") from None
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    run = NotebookRun(nb, None, None)
    started: dict[int, float] = {}
    updates: dict[int, list[int]] = {}

    def before(cell: Any, cell_index: int, **_: Any) -> None:
        started[cell_index] = time.monotonic()

    def after(cell: Any, cell_index: int, **_: Any) -> None:
        if cell.cell_type != "code":
            return
        outputs = cell.get("outputs", [])
        texts = [output_text(o) for o in outputs]
        errors = [output_text(o) for o in outputs if o.output_type == "error"]
        report = CellReport(
            number=len(run.cells) + 1,
            source=(cell.source.strip().splitlines() or [""])[0],
            seconds=time.monotonic() - started.get(cell_index, time.monotonic()),
            text="\n".join(t.rstrip("\n") for t in texts if t),
            error=errors[0] if errors else None,
            updates=updates.pop(cell_index, []),
        )
        run.cells.append(report)
        if on_cell is not None:
            on_cell(report, code_cells)

    class _Client(NotebookClient):
        def process_message(self, msg: dict[str, Any], cell: Any, cell_index: int) -> Any:
            if msg.get("msg_type") == "update_display_data":
                text = (msg.get("content") or {}).get("data", {}).get("text/plain", "")
                updates.setdefault(cell_index, []).append(len(text))
            return super().process_message(msg, cell, cell_index)

    client = _Client(
        nb,
        timeout=timeout,
        kernel_name="python3",
        # Quiet the kernel's own start-up warnings (transport notes) in a terminal run.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_execute=before,
        on_cell_executed=after,
    )
    failure: CellExecutionError | None = None
    try:
        client.execute(env={**os.environ, **(env or {})})
    except CellExecutionError as exc:
        failure = exc
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        run.ipynb = out / path.name
        nbformat.write(nb, run.ipynb)
        if html:
            run.html = _write_html(nb, out / f"{path.stem}.html")
    if failure is not None and not run.errors:
        # nbclient raised before our hook saw the cell's error output.
        run.cells.append(CellReport(len(run.cells) + 1, "", 0.0, "", str(failure).splitlines()[0]))
    return run


def _write_html(nb: Any, target: Path) -> Path:
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise _missing("nbconvert") from None
    body, _ = HTMLExporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return target


def preview(report: CellReport, lines: int = _PREVIEW_LINES) -> str:
    """A few indented lines of what a cell showed, for a terminal (control characters escaped:
    a cell's output may hold a model's answer, and escape sequences in it would act)."""
    from .render.terminal import terminal_safe

    shown = terminal_safe(report.text).splitlines()
    cut = shown[:lines] + ([f"... ({len(shown) - lines} more lines)"] if len(shown) > lines else [])
    return "\n".join(f"    {line}" for line in cut)
