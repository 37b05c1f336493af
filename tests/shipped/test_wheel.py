"""As users get it: the wheel built, installed in a fresh virtual environment (no system site
packages, no clone on the path), and `owui-notebook demo` run from a folder outside the clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from owui_notebook.sandbox.demo_models import DEMO_NOTE
from tests.helpers.commands import REPO, command_env, wait_gone

pytestmark = pytest.mark.wheel
TIMEOUT = 900


def test_the_wheel_ships_the_notebooks_and_runs_the_demo_outside_the_clone(own_cache, tmp_path):
    dist = tmp_path / "dist"
    began = time.monotonic()
    # Built from a copy: setuptools writes build/ into the tree it builds.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache")
    shutil.copytree(REPO, source, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
        timeout=TIMEOUT,
    )
    (wheel,) = dist.glob("owui_notebook-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "owui_notebook/py.typed" in names
    assert "owui_notebook/notebooks/01-quickstart.ipynb" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))
    )
    assert b"License-Expression: MIT" in metadata and b"Classifier: Typing :: Typed" in metadata

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=TIMEOUT)
    # PYTHONPATH (the clone, in a developer's shell) would shadow the installed package.
    hidden = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    env = {k: v for k, v in command_env(own_cache).items() if k not in hidden}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"{wheel}[jupyter]"],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    print(f"wheel built and installed in a fresh venv in {time.monotonic() - began:.0f} s")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import owui_notebook; print(owui_notebook.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(venv)), where.stdout

    copied = subprocess.run(
        [str(venv / "bin" / "owui-notebook"), "notebooks", "mine"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.name for p in (elsewhere / "mine").glob("*.ipynb"))[0] == "01-quickstart.ipynb"

    out = elsewhere / "demo-out"
    demo = subprocess.run(
        [str(venv / "bin" / "owui-notebook"), "demo", "--out", str(out)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    nb = nbformat.read(out / "01-quickstart.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "ename" in o]
    assert errors == []
    assert DEMO_NOTE in (out / "01-quickstart.html").read_text()
    assert (out / "02-model-comparison.ipynb").exists()
    # Its data stays in the cache it was given, for `owui-notebook sandbox` to reopen.
    assert (own_cache / "demo" / ".owui-notebook-demo.json").exists()
    assert wait_gone(str(own_cache / "demo")) == []
    assert not (Path(REPO) / "owui_notebook" / "notebooks").exists()  # the clone is untouched
