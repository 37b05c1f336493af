"""Running the shipped commands (sandbox, demo, Binder) as a user would: their environment,
and waiting for what they started to be gone."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from owui_notebook.sandbox.connection import LINK_ENV

REPO = Path(__file__).resolve().parents[2]


def command_env(cache: Path, **extra: str) -> dict[str, str]:
    hidden = ("OWUI_URL", "OWUI_API_KEY", LINK_ENV)  # the link lives in `cache` here
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    return {**env, "OWUI_NOTEBOOK_CACHE": str(cache), "PYTHONUNBUFFERED": "1", **extra}


def processes_mentioning(text: str) -> list[int]:
    """Pids whose command line or environment holds `text` (a data dir, say)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                if text.encode() in (entry / part).read_bytes():
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return found


def wait_gone(text: str, timeout: float = 30.0) -> list[int]:
    """Wait until no process mentions `text`; the stragglers, if any."""
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.3)
    return left


def interrupt(proc: subprocess.Popen, timeout: float = 60.0) -> int:
    """Ctrl-C for a process started in a session of its own; kill it if it hangs."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
