"""What the sandbox keeps under ``~/.cache/owui-notebook``, and removing it.

Each Open WebUI release is a virtual environment of about 3 GB (``servers/open-webui-<v>``);
the test suite installs three. ``owui-notebook cache list`` shows them with their sizes and
``owui-notebook cache clear [VERSION]`` removes them (never one a running server uses).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .common import cache_dir

__all__ = ["CacheEntry", "cache_entries", "clear_cache", "human_size"]

_PREFIX = "open-webui-"


@dataclass(frozen=True)
class CacheEntry:
    """One thing in the cache: an installed release (``version`` set) or another folder."""

    path: Path
    bytes: int
    version: str | None = None


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # removed while we walk
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def human_size(n: int) -> str:
    """``2.9 GB``, ``340 MB``, ``12 KB``."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def cache_entries() -> list[CacheEntry]:
    """The installed releases (newest name last), then the cache's other folders (the demo's
    data, benchmark fixtures), each with its size on disk."""
    root = cache_dir()
    servers = root / "servers"
    found = []
    if servers.is_dir():
        for path in sorted(servers.iterdir()):
            if path.is_dir() and path.name.startswith(_PREFIX):
                found.append(CacheEntry(path, _size(path), path.name[len(_PREFIX) :]))
    if root.is_dir():
        for path in sorted(root.iterdir()):
            if path.is_dir() and path.name != "servers":
                found.append(CacheEntry(path, _size(path)))
    return found


def _in_use(path: Path) -> bool:
    """Whether a running process executes from `path` (Linux's /proc; elsewhere: never known)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    needle = str(path.resolve()).encode()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def clear_cache(version: str | None = None) -> tuple[list[CacheEntry], list[str]]:
    """Remove the installed release `version` (every release when None; the sandbox's data
    and other folders are kept). Returns what was removed, and why others were not."""
    removed: list[CacheEntry] = []
    skipped: list[str] = []
    releases = [e for e in cache_entries() if e.version is not None]
    if version is not None:
        releases = [e for e in releases if e.version == version]
        if not releases:
            installed = ", ".join(e.version or "" for e in cache_entries() if e.version)
            skipped.append(
                f"Open WebUI {version} is not installed (installed: {installed or 'none'})"
            )
    for entry in releases:
        if _in_use(entry.path):
            skipped.append(f"Open WebUI {entry.version} is running: stop its server first")
            continue
        shutil.rmtree(entry.path)
        log = entry.path.with_name(entry.path.name + ".install.log")
        log.unlink(missing_ok=True)
        removed.append(entry)
    return removed, skipped
