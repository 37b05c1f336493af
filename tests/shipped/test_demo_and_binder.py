"""README's first command (`owui-notebook demo`) and Binder's install and start steps, run as a
user (or repo2docker) would, each with its own sandbox, checked down to leftover processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from owui_notebook.sandbox.demo_models import DEMO_NOTE
from tests.helpers.commands import REPO, command_env, wait_gone

TIMEOUT = 900
DEMO = [sys.executable, "-m", "owui_notebook", "demo"]
RUN_QUICKSTART = ["owui-notebook", "run", "notebooks/01-quickstart.ipynb"]


def answers(executed: Path) -> list[str]:
    """The plain text of the quickstart's `%%owui chat` answers, in order."""
    nb = nbformat.read(executed, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("%%owui chat"):
            (output,) = cell.outputs
            found.append(output["data"]["text/plain"])
    return found


def check_quickstart(out: Path, secret: str | None = None) -> None:
    executed = out / "01-quickstart.ipynb"
    html = (out / "01-quickstart.html").read_text()
    said = answers(executed)
    assert len(said) == 3
    # The sandbox's demo models: Markdown answers drawn from the prompt, saying what they are.
    assert said[0].startswith("### B-tree\n")
    assert "You asked: *What is a B-tree? Answer in two sentences.*" in said[0]
    assert "Following up (turn 3)" in said[2]
    for text in said:
        assert text.endswith(f": {DEMO_NOTE}.*") and "|---|---|" in text
    assert "<h3>B-tree</h3>" in html and "<table>" in html and DEMO_NOTE in html
    errors = [
        o
        for c in nbformat.read(executed, as_version=4).cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    if secret:
        assert secret not in executed.read_text() and secret not in html


def test_demo_runs_the_quickstart_in_a_sandbox(own_cache, tmp_path):
    out = tmp_path / "demo"
    data_dir = tmp_path / "demo-data"
    proc = subprocess.run(
        [*DEMO, "--out", str(out), "--data-dir", str(data_dir)],
        cwd=REPO,
        env=command_env(own_cache),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    check_quickstart(out)
    # The terminal shows the cells as they run, answers included, and says they are demos.
    assert "[3/10] %%owui chat --new" in proc.stdout
    assert "You asked: *What is a B-tree?" in proc.stdout
    assert f"as HTML:           {out / '01-quickstart.html'}" in proc.stdout
    assert "The answers came from the sandbox's demo models" in proc.stdout
    # The quickstart's "Next:" links resolve: the notebooks they name sit beside it.
    for name in ("02-model-comparison.ipynb", "03-usage-analytics.ipynb"):
        assert f"]({name})" in (out / "01-quickstart.ipynb").read_text() and (out / name).exists()
    # The chats it links to are kept, with the command that reopens them at those links.
    assert f"owui-notebook sandbox --data-dir {data_dir} --port " in proc.stdout
    assert (data_dir / ".owui-notebook-demo.json").exists() and any(data_dir.glob("*.db"))
    assert not (own_cache / "sandbox.json").exists()
    assert wait_gone(str(data_dir)) == []


def test_binder_install_and_start_then_the_quickstart(own_cache, tmp_path):
    """repo2docker runs binder/postBuild at build time and binder/start at launch; here both
    run in a new virtual environment (no Docker), then the quickstart runs against the
    sandbox that start left in the background, as a Binder user's first Run All would."""
    venv = tmp_path / "binder-venv"
    home = tmp_path / "home"
    home.mkdir()
    # System site packages stand in for the image's preinstalled Jupyter stack.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = command_env(
        own_cache,
        HOME=str(home),
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        VIRTUAL_ENV=str(venv),
        # ... and their data files (nbconvert's templates), which a venv does not search.
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    build = subprocess.run(
        ["bash", "binder/postBuild"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert (venv / "bin" / "owui-notebook").exists()  # installed into the Binder env
    assert "is installed in" in build.stdout

    out = tmp_path / "binder-run"
    began = time.monotonic()
    launch = subprocess.run(
        ["bash", "binder/start", *RUN_QUICKSTART, "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    link_file = own_cache / "sandbox.json"
    link = json.loads(link_file.read_text()) if link_file.exists() else {}
    try:
        assert launch.returncode == 0, launch.stdout[-3000:] + launch.stderr[-3000:]
        # The first cell waited for the sandbox that start had just launched.
        assert "waiting for the local Open WebUI sandbox" in launch.stdout
        check_quickstart(out, link.get("api_key"))
        assert link.get("state") == "ready"
        print(f"start to executed quickstart: {time.monotonic() - began:.0f} s")
    finally:
        if link.get("pid"):
            # What stopping the container sends (a background job of a script ignores SIGINT).
            os.kill(link["pid"], signal.SIGTERM)
    assert wait_gone(str(home / ".owui-sandbox"), timeout=60) == []
    assert not link_file.exists()
    log = (home / "owui-sandbox.log").read_text()
    assert "sandbox running at" in log and "stopped" in log
    shutil.rmtree(venv, ignore_errors=True)
