"""The widgets package costs nothing until a panel is asked for."""

from __future__ import annotations

import subprocess
import sys


def imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_importing_the_package_loads_no_widgets_or_pandas():
    loaded = imported_after("import owui_notebook, owui_notebook.widgets")
    assert not {"ipywidgets", "pandas", "numpy", "owui_notebook.widgets.compare_panel"} & loaded


def test_a_panel_class_loads_ipywidgets_but_not_pandas():
    loaded = imported_after("from owui_notebook import ComparePanel, ChatPanel")
    assert "ipywidgets" in loaded and "pandas" not in loaded
