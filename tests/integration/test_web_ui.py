"""What the engine saves, opened in Open WebUI's own web UI in a real (headless) browser.

Needs Debian's chromium and the playwright package (.ci/run installs both); without them
the test is skipped locally and fails in CI.
"""

from __future__ import annotations

from owui_notebook.client import thread
from owui_notebook.testing.browser import dismiss_release_notes, playwright_or_skip, web_ui_chat


def test_saved_chat_shows_threaded_in_the_web_ui(client, owui_sandbox):
    _, expect = playwright_or_skip("the web UI test")
    chat = client.chat("alpha", title="Seen in the browser")
    chat.send("first question")
    pair = chat.send_many("compare these two", ["alpha", "beta"])
    last = chat.send("final question")
    record = client.chats.get(chat.id)
    visible = [m["id"] for m in thread(record)]
    with web_ui_chat(owui_sandbox, chat.id, screenshot="web-ui-chat.png") as page:
        for message_id in visible:
            page.wait_for_selector(f"#message-{message_id}", state="attached", timeout=30_000)
        # Both answers of the multi-model turn are shown, side by side.
        for result in pair:
            page.wait_for_selector(f"#message-{result.message_id}", state="attached")
        dismiss_release_notes(page)
        answer = page.locator(f"#message-{last.message_id}")
        expect(answer).to_contain_text("You said: final question", timeout=30_000)
