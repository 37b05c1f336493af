"""What the engine saves, opened in Open WebUI's own web UI in a real (headless) browser.

Needs Debian's chromium and the playwright package (.ci/run installs both); without them
the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from owui_notebook.client import OpenWebUI, thread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("OWUI_TEST_ARTIFACTS", "build/test-artifacts"))


def _browser_or_skip():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        expect = sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs chromium and playwright for the web UI test (see .ci/run)")
        pytest.skip("chromium or playwright is not installed")
    return sync_playwright, expect


def test_saved_chat_shows_threaded_in_the_web_ui(client, owui_sandbox):
    sync_playwright, expect = _browser_or_skip()
    chat = client.chat("alpha", title="Seen in the browser")
    chat.send("first question")
    pair = chat.send_many("compare these two", ["alpha", "beta"])
    last = chat.send("final question")
    record = client.chats.get(chat.id)
    visible = [m["id"] for m in thread(record)]
    # A session of its own: the web UI takes only browser-session JWTs, never API keys.
    with OpenWebUI(owui_sandbox.url) as browser_user:
        token = browser_user.signin(owui_sandbox.admin_email, owui_sandbox.admin_password).token
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Before any of the app's scripts, on every load: no race with the sign-in page.
            page.add_init_script(f"localStorage.setItem('token', {json.dumps(token)})")
            page.goto(f"{owui_sandbox.url}/c/{chat.id}")
            try:
                for message_id in visible:
                    page.wait_for_selector(
                        f"#message-{message_id}", state="attached", timeout=30_000
                    )
                # Both answers of the multi-model turn are shown, side by side.
                for result in pair:
                    page.wait_for_selector(f"#message-{result.message_id}", state="attached")
                dismiss = page.get_by_text("Okay, Let's Go!")  # the release-notes pop-up
                if dismiss.count():
                    dismiss.first.click()
                answer = page.locator(f"#message-{last.message_id}")
                expect(answer).to_contain_text("You said: final question", timeout=30_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / "web-ui-chat.png"), full_page=True)
        finally:
            browser.close()
