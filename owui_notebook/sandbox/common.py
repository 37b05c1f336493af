"""What the sandbox's modules share: errors, the cache folder, the log callback type, log tails."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

Log = Callable[[str], None]

_TAIL_LINES = 20


def cache_dir() -> Path:
    """``$OWUI_NOTEBOOK_CACHE`` or ``~/.cache/owui-notebook``."""
    env = os.environ.get("OWUI_NOTEBOOK_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "owui-notebook"


class SandboxError(RuntimeError):
    """Base of the sandbox's errors: installing, starting or bootstrapping a server."""


class ServerInstallError(SandboxError):
    """The Open WebUI virtual environment could not be made."""


class ServerStartError(SandboxError):
    """The server process died or did not answer ``/health`` in time."""


class BootstrapError(SandboxError):
    """Signing up the admin, signing in or creating an API key failed."""


def _nolog(message: str) -> None:
    pass


def _tail(path: Path, redact: tuple[str, ...] = (), skip: str | None = None) -> str:
    """The last lines of a log (each cut to 300 characters), secrets masked."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    for secret in redact:
        if secret:
            text = text.replace(secret, "***")
    kept = [line[:300] for line in text.splitlines() if not (skip and line.startswith(skip))]
    return "\n".join(kept[-_TAIL_LINES:]) or "(empty log)"


# Variables worth passing through to the server; anything else in our environment (PYTHONPATH,
# VIRTUAL_ENV, a user's DATABASE_URL or OPENAI_API_KEY...) would make the sandbox less predictable.
_PASSTHROUGH_ENV = ("HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in _PASSTHROUGH_ENV if k in os.environ}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    return env
