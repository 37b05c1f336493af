"""Fixtures for tests that run the shipped commands (sandbox, demo, Binder) as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from owui_notebook.sandbox.common import cache_dir


@pytest.fixture
def own_cache(tmp_path: Path) -> Path:
    """A cache dir of this test's own (so its sandbox link is private to it), whose servers/
    is the real cache's: the installed Open WebUI venvs are reused, never installed again."""
    real = cache_dir() / "servers"
    real.mkdir(parents=True, exist_ok=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "servers").symlink_to(real)
    return cache
