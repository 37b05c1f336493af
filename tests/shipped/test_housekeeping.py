"""What the toolkit leaves on disk: the test run's temporary link folder, and the cache of
Open WebUI releases that `owui-notebook cache` lists and clears."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.commands import REPO, command_env


def test_a_test_run_leaves_no_owui_link_folder(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    argv += [str(REPO / "tests" / "unit" / "test_figure_labels.py")]
    run = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert [p.name for p in tmp.iterdir() if p.name.startswith("owui-link-")] == []


def _fake_release(cache, version: str, size: int) -> None:
    venv = cache / "servers" / f"open-webui-{version}"
    (venv / "lib").mkdir(parents=True)
    (venv / "lib" / "blob").write_bytes(b"x" * size)
    (cache / "servers" / f"open-webui-{version}.install.log").write_text("log")


def _cache(cache, *args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "owui_notebook", "cache", *args]
    return subprocess.run(argv, env=command_env(cache), capture_output=True, text=True)


def test_cache_lists_sizes_and_clears_one_release_or_all(tmp_path):
    cache = tmp_path / "cache"
    _fake_release(cache, "0.12.4", 3 * 1024 * 1024)
    _fake_release(cache, "0.6.15", 2048)
    (cache / "demo").mkdir()
    listed = _cache(cache, "list")
    assert listed.returncode == 0, listed.stderr
    assert "Open WebUI 0.12.4" in listed.stdout and "3.0 MB" in listed.stdout
    assert "Open WebUI 0.6.15" in listed.stdout and "demo" in listed.stdout
    assert "total" in listed.stdout

    missing = _cache(cache, "clear", "0.9.5")
    assert missing.returncode == 1 and "0.9.5 is not installed" in missing.stderr
    one = _cache(cache, "clear", "0.6.15")
    assert one.returncode == 0 and "removed Open WebUI 0.6.15" in one.stdout
    assert not (cache / "servers" / "open-webui-0.6.15").exists()
    assert not (cache / "servers" / "open-webui-0.6.15.install.log").exists()
    assert (cache / "servers" / "open-webui-0.12.4").exists()
    everything = _cache(cache, "clear")
    assert "removed Open WebUI 0.12.4" in everything.stdout
    assert not any((cache / "servers").iterdir())
    assert (cache / "demo").exists()  # the demo's chats are not a release: kept
