"""Headless Chromium for browser tests: Debian's ``chromium`` driven by Playwright.

``playwright install`` downloads a browser from a host these machines cannot reach, so the
tests use the system's Chromium, with flags that keep it off the network it would otherwise
try to reach at start.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
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

        installed = True
    except ImportError:
        installed = False
    if not installed or not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs chromium and playwright for {what} (see .ci/run)")
        pytest.skip("chromium or playwright is not installed")
    return sync_playwright, expect


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def web_ui_chat(box: Any, chat_id: str, *, screenshot: str) -> Iterator[Any]:
    """Open WebUI's own page for `chat_id` in headless Chromium, signed in as `box`'s admin.

    Yields the page; a full-page screenshot is kept as `screenshot` in `artifacts_dir()`
    whatever happens. The web UI takes only a browser session's JWT, never an API key, so
    the admin signs in anew; the token is set before any of the app's scripts run.
    """
    from ..client import OpenWebUI

    sync_playwright, _ = playwright_or_skip("the web UI test")
    with OpenWebUI(box.url) as browser_user:
        token = browser_user.signin(box.admin_email, box.admin_password).token
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(f"localStorage.setItem('token', {json.dumps(token)})")
            # The "what's new" pop-up may open at any moment after load (0.7.2: after the
            # answer showed) and then swallows clicks: close it whenever it is in the way.
            page.add_locator_handler(
                page.get_by_role("button", name="Okay, Let's Go!"),
                lambda button: button.click(),
            )
            page.goto(f"{box.url}/c/{chat_id}")
            try:
                yield page
            finally:
                page.screenshot(path=str(artifacts_dir() / screenshot), full_page=True)
        finally:
            browser.close()


def dismiss_release_notes(page: Any) -> None:
    """Close the "what's new" pop-up a fresh account sees, if it is there."""
    dismiss = page.get_by_text("Okay, Let's Go!")
    if dismiss.count():
        dismiss.first.click()
