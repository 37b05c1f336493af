"""Who is measured, in which interpreter, and the worker processes that drive them.

Each peer lives in a venv of its own under ``~/.cache/owui-notebook/peers/<name>`` (made once,
reused while its pinned requirements match), so that its pins never touch the project's and
its import time and memory are its own. Every contender, ours included, runs in a worker
process (``worker.py``) and answers JSON lines; the timings are taken inside the worker.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENVS = Path(os.environ.get("OWUI_PEERS_HOME", "~/.cache/owui-notebook/peers")).expanduser()
_MARKER = ".bench-requirements"


def _our_pandas() -> str:
    from importlib.metadata import version

    return version("pandas")


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    driver: str  # a drive_*.py module beside this file
    import_name: str  # what a user imports
    # Pip requirements of its own venv; empty: the project's own interpreter.
    requirements: tuple[str, ...] = ()

    @property
    def own_venv(self) -> bool:
        return bool(self.requirements)

    def python(self) -> str:
        return str(VENVS / self.key / "bin" / "python") if self.own_venv else sys.executable


OURS = Contender("ours", "owui-notebook", "drive_ours", "owui_notebook.client")
RAW = Contender("raw", "raw httpx SSE read", "drive_raw_sse", "httpx")
CHAT_CLIENT = Contender(
    "openwebui-chat-client",
    "openwebui-chat-client",
    "drive_openwebui_chat_client",
    "openwebui_chat_client",
    ("openwebui-chat-client==0.1.24",),
)
# pandas at our version: "the obvious pandas code" runs on the same pandas as ours.
OWUI_CLIENT = Contender(
    "owui-client",
    "owui-client",
    "drive_owui_client",
    "owui_client",
    ("owui-client==11.0.0", f"pandas=={_our_pandas()}"),
)
PEERS = (CHAT_CLIENT, OWUI_CLIENT)


def ensure_venv(contender: Contender, log: Callable[[str], None]) -> None:
    """Create the contender's venv and install its pinned requirements, unless done already."""
    if not contender.own_venv:
        return
    home = VENVS / contender.key
    marker = home / _MARKER
    wanted = "\n".join(contender.requirements)
    if marker.is_file() and marker.read_text() == wanted and Path(contender.python()).exists():
        return
    log(f"installing {', '.join(contender.requirements)} into {home}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], check=True)
    subprocess.run(
        [contender.python(), "-m", "pip", "install", "-q", *contender.requirements],
        check=True,
    )
    marker.write_text(wanted)


def _env(contender: Contender, url: str, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PEER_URL=url, PEER_KEY=key, PYTHONUNBUFFERED="1")
    if not contender.own_venv:
        env["PYTHONPATH"] = str(REPO)  # ours from the work tree, as the tests use it
    return env


class WorkerError(RuntimeError):
    pass


class Worker:
    """One contender's worker process; `call` sends one request and waits for its reply."""

    def __init__(self, contender: Contender, url: str, key: str, *, timeout: float = 900) -> None:
        self.contender = contender
        self.timeout = timeout
        self.log_path = Path(tempfile.mkstemp(prefix=f"peer-{contender.key}-", suffix=".log")[1])
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [contender.python(), "-s", str(HERE / "worker.py"), contender.driver],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=_env(contender, url, key),
            cwd=tempfile.gettempdir(),  # nothing of the work tree by accident
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.ready = self._reply()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _reply(self) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            raise WorkerError(f"{self.contender.label}: no reply in {self.timeout:.0f} s") from None
        if not line:
            tail = self.log_path.read_text()[-2000:]
            raise WorkerError(f"{self.contender.label}'s worker exited:\n{tail}")
        return json.loads(line)

    def call(self, op: str, **args: Any) -> dict[str, Any]:
        """The driver's reply; raises `WorkerError` if the contender failed."""
        reply = self.try_call(op, **args)
        if not reply["ok"]:
            raise WorkerError(f"{self.contender.label} {op}: {reply['error']}\n{reply['trace']}")
        return reply

    def try_call(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, "args": args}) + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
