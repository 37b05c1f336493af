"""Where a running ``owui-notebook sandbox`` tells notebooks how to reach it.

The sandbox command writes ``<cache>/sandbox.json`` (mode 0600, only the owner can read the
key): first ``{"state": "starting", "pid"}``, then, once the server answers, the URL and API
key. The connection resolver reads it (through :func:`running_sandbox`, which ``import
owui_notebook`` registers) when no argument, ``%owui connect`` or ``$OWUI_URL`` names a server;
``%owui connect`` waits while the sandbox is still starting (on Binder the notebook often opens
before the server is up). The file is removed when the sandbox stops; a file whose process is
gone is ignored. Standard library only, so that reading it works wherever the client does.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .common import cache_dir

__all__ = [
    "SandboxLink",
    "clear_link",
    "link_path",
    "read_link",
    "ready_link",
    "running_sandbox",
    "wait_for_link",
    "write_link",
]

FILE_NAME = "sandbox.json"


@dataclass(frozen=True)
class SandboxLink:
    """A running sandbox as seen from outside: state, process, and once ready its URL and key."""

    state: str
    pid: int
    url: str = ""
    api_key: str = ""
    version: str = ""

    def __repr__(self) -> str:  # never the key
        return f"SandboxLink(state={self.state!r}, pid={self.pid}, url={self.url!r})"

    @property
    def ready(self) -> bool:
        return self.state == "ready" and bool(self.url and self.api_key)


# Another place for the file: the test suite sets it, so a sandbox the developer left running
# is never what a test connects to.
LINK_ENV = "OWUI_NOTEBOOK_SANDBOX_LINK"


def link_path() -> Path:
    override = os.environ.get(LINK_ENV)
    return Path(override) if override else cache_dir() / FILE_NAME


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_link(link: SandboxLink) -> None:
    """Write atomically, readable by the owner only."""
    path = link_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(link.__dict__, out)
    os.replace(tmp, path)


def read_link() -> SandboxLink | None:
    """The link of a sandbox whose process still runs, else None."""
    try:
        raw = json.loads(link_path().read_text())
        link = SandboxLink(
            state=str(raw["state"]),
            pid=int(raw["pid"]),
            url=str(raw.get("url") or ""),
            api_key=str(raw.get("api_key") or ""),
            version=str(raw.get("version") or ""),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return link if _alive(link.pid) else None


def ready_link() -> SandboxLink | None:
    """The link of a running sandbox that is ready to answer, else None (no waiting)."""
    link = read_link()
    return link if link is not None and link.ready else None


def clear_link(pid: int | None = None) -> None:
    """Remove the file if it is ours (``pid``, default this process)."""
    pid = os.getpid() if pid is None else pid
    link = None
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        link = json.loads(link_path().read_text())
    if link is not None and link.get("pid") == pid:
        with contextlib.suppress(OSError):
            link_path().unlink()


def wait_for_link(
    timeout: float = 600.0, *, on_wait: Callable[[SandboxLink], None] | None = None
) -> SandboxLink | None:
    """The running sandbox once it is ready; None if there is none (or it died starting)."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        link = read_link()
        if link is None or link.ready:
            return link
        if not told and on_wait is not None:
            on_wait(link)
            told = True
        if time.monotonic() > deadline:
            return None
        time.sleep(0.5)


def running_sandbox(wait: bool = False) -> tuple[str, str] | None:
    """``(url, api_key)`` of this machine's ready sandbox, else None: the resolver's last source.

    ``wait``: while a sandbox is starting, say so once and wait until it is ready.
    """

    def waiting(link: SandboxLink) -> None:
        print("waiting for the local Open WebUI sandbox to finish starting...", flush=True)

    link = wait_for_link(on_wait=waiting) if wait else ready_link()
    return (link.url, link.api_key) if link is not None and link.ready else None
