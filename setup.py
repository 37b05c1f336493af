"""Build step that pyproject.toml cannot say: ship the example notebooks inside the package.

The clone keeps them in notebooks/ (Binder, JupyterLab and the docs use that folder); a wheel
carries a copy as owui_notebook/notebooks/, where ``owui-notebook demo`` and
``owui-notebook notebooks DIR`` find them. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithNotebooks(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "owui_notebook" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for notebook in sorted((HERE / "notebooks").glob("*.ipynb")):
            shutil.copyfile(notebook, target / notebook.name)


setup(cmdclass={"build_py": BuildWithNotebooks})
