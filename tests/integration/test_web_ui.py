"""What the engine saves, opened in Open WebUI's own web UI in a real (headless) browser.

Needs Debian's chromium and the playwright package (.ci/run installs both); without them
the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import json

from owui_notebook.client import OpenWebUI, thread
from owui_notebook.testing.browser import artifacts_dir, launch, playwright_or_skip


def test_saved_chat_shows_threaded_in_the_web_ui(client, owui_sandbox):
    sync_playwright, expect = playwright_or_skip("the web UI test")
    chat = client.chat("alpha", title="Seen in the browser")
    chat.send("first question")
    pair = chat.send_many("compare these two", ["alpha", "beta"])
    last = chat.send("final question")
    record = client.chats.get(chat.id)
    visible = [m["id"] for m in thread(record)]
    # A session of its own: the web UI takes only browser-session JWTs, never API keys.
    with OpenWebUI(owui_sandbox.url) as browser_user:
        token = browser_user.signin(owui_sandbox.admin_email, owui_sandbox.admin_password).token
    artifacts = artifacts_dir()
    with sync_playwright() as p:
        browser = launch(p)
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
                page.screenshot(path=str(artifacts / "web-ui-chat.png"), full_page=True)
        finally:
            browser.close()
