"""Headless Chromium for browser tests: Debian's ``chromium`` driven by Playwright.

``playwright install`` downloads a browser from a host these machines cannot reach, so the
tests use the system's Chromium, with flags that keep it off the network it would otherwise
try to reach at start.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def artifacts_dir() -> Path:
    """Where screenshots go: ``$OWUI_TEST_ARTIFACTS`` or ``build/test-artifacts``."""
    path = Path(os.environ.get("OWUI_TEST_ARTIFACTS", "build/test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def playwright_or_skip(what: str) -> tuple[Any, Any]:
    """``(sync_playwright, expect)``; skips the test without a browser, fails it in CI."""
    import pytest

    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        expect = sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs chromium and playwright for {what} (see .ci/run)")
        pytest.skip("chromium or playwright is not installed")
    return sync_playwright, expect


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
