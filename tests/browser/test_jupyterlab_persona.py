"""The Open WebUI persona in a real JupyterLab chat, in headless Chromium.

JupyterLab runs with its default settings and jupyterlab-chat + the Jupyter AI persona
manager as pip installs them; the persona is found through the ``jupyter_ai.personas``
entry point that pyproject.toml declares (written here into a throwaway dist-info on the
server's path, so the test does not depend on how the checkout was installed). The server
process reads the connection from its environment, as a user's would.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers.jupyterlab import jupyterlab_server

pytest.importorskip("jupyter_ai_persona_manager")
tomllib = pytest.importorskip("tomllib")  # Python 3.11+

from owui_notebook.client import validate_history  # noqa: E402
from owui_notebook.jupyter_ai.session import STATE_KEY  # noqa: E402
from owui_notebook.testing.browser import (  # noqa: E402
    artifacts_dir,
    launch,
    playwright_or_skip,
    web_ui_chat,
)

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = 'Hi **there** <img src=x onerror="window.__owuiXss=1">'


def entry_point_dir(tmp_path: Path) -> Path:
    """A dist-info holding pyproject's ``jupyter_ai.personas`` entry points."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    points = project["project"]["entry-points"]["jupyter_ai.personas"]
    info = tmp_path / "eps" / "owui_notebook_persona_entry-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: owui-notebook-persona-entry\nVersion: 0\n"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in points.items())
    (info / "entry_points.txt").write_text(f"[jupyter_ai.personas]\n{lines}")
    return info.parent


@pytest.fixture(scope="module")
def lab(tmp_path_factory, owui_sandbox):
    tmp_path = tmp_path_factory.mktemp("persona-lab")
    path = os.pathsep.join(
        p for p in (str(ROOT), str(entry_point_dir(tmp_path)), os.environ.get("PYTHONPATH")) if p
    )
    env = {
        **os.environ,
        "OWUI_URL": owui_sandbox.url,
        "OWUI_API_KEY": owui_sandbox.api_key,
        "PYTHONPATH": path,
    }
    with jupyterlab_server(tmp_path, env, root_name="root") as lab:
        yield lab.base, lab.token, lab.root, lab.log


def new_chat_file(base: str, token: str, name: str) -> None:
    """A chat file made through the server's contents API, as JupyterLab's "New Chat" does."""
    response = httpx.put(
        f"{base}/api/contents/{name}",
        params={"token": token},
        json={"type": "file", "format": "text", "content": ""},
    )
    response.raise_for_status()


def ready(page, expect) -> None:
    """Until the chat on show offers the persona in its input's picker: the persona manager
    has joined this chat (a message sent before that reaches no persona)."""
    box = page.locator(".jp-chat-input-container:visible").first
    expect(box).to_contain_text("Open WebUI", timeout=90_000)


def send(page, text: str) -> None:
    # The chat on show: JupyterLab restores earlier tabs, hidden.
    box = page.locator(".jp-chat-input-container textarea:visible").first
    box.fill(text)
    box.press("Enter")


def persona_messages(page):
    # The chat on show: JupyterLab may restore the other chat's tab too, hidden.
    return page.locator(".jp-chat-message:visible", has_text="Open WebUI")


def test_the_persona_answers_in_a_jupyterlab_chat_and_keeps_one_open_webui_chat_per_file(
    lab, owui_sandbox, provider, client
):
    sync_playwright, expect = playwright_or_skip("the JupyterLab persona test")
    base, token, root, log_path = lab
    provider.configure("alpha", tokens_per_second=15, answer_tokens=60)  # ~4 s of streaming
    for name in ("first.chat", "second.chat"):
        new_chat_file(base, token, name)
    shot = artifacts_dir() / "jupyterlab-persona.png"
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(f"{base}/lab/workspaces/first/tree/first.chat?token={token}")
            ready(page, expect)
            try:
                send(page, "@Open-WebUI /model alpha")
                expect(persona_messages(page)).to_have_count(1, timeout=60_000)
                expect(persona_messages(page).first).to_contain_text("Model for this chat")

                send(page, f"@Open-WebUI {PAYLOAD}")
                answer = persona_messages(page).nth(1)
                # Watch the answer grow: several distinct lengths while the cursor shows.
                lengths: list[int] = []
                expect(answer).to_contain_text("▌", timeout=60_000)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    text = answer.inner_text()
                    if "▌" not in text:
                        break
                    if not lengths or lengths[-1] != len(text):
                        lengths.append(len(text))
                    page.wait_for_timeout(100)
                assert len(lengths) >= 3, lengths
                expect(answer).to_contain_text("alpha says: turn 1", timeout=60_000)
                expect(answer).to_contain_text("first token", timeout=60_000)
                expect(answer.locator("a", has_text="open in Open WebUI")).to_have_count(1)
                # Model output is untrusted: the chat's Markdown renderer sanitizes it.
                expect(answer.locator("strong")).to_have_text("there")

                send(page, "@Open-WebUI And a second question")
                second = persona_messages(page).nth(2)
                expect(second).to_contain_text("alpha says: turn 2", timeout=90_000)
                expect(second).to_contain_text("first token", timeout=60_000)
            finally:
                page.screenshot(path=str(shot))
            assert page.evaluate("window.__owuiXss") is None
            assert owui_sandbox.api_key not in page.content()
            href = answer.locator("a", has_text="open in Open WebUI").get_attribute("href")

            # A second chat file: a second Open WebUI chat. (A workspace of its own, so
            # that JupyterLab does not restore the first chat's tab in front of it.)
            page.goto(f"{base}/lab/workspaces/second/tree/second.chat?token={token}")
            ready(page, expect)
            send(page, "@Open-WebUI Hello from the second file")
            expect(persona_messages(page).first).to_contain_text("first token", timeout=90_000)
        finally:
            browser.close()

    first = json.loads((root / "first.chat").read_text())["metadata"][STATE_KEY]
    second = json.loads((root / "second.chat").read_text())["metadata"][STATE_KEY]
    assert first["chat_id"] and second["chat_id"] and first["chat_id"] != second["chat_id"]
    assert href == f"{owui_sandbox.url}/c/{first['chat_id']}"
    record = client.chats.get(first["chat_id"])
    assert validate_history(record.chat) == []
    thread = record.chat["messages"]
    assert [m["role"] for m in thread] == ["user", "assistant", "user", "assistant"]
    assert thread[0]["content"] == PAYLOAD and thread[2]["content"] == "And a second question"
    assert all(m.get("usage") and m["done"] for m in thread[1::2])
    assert len(client.chats.get(second["chat_id"]).chat["messages"]) == 2
    assert "Traceback" not in log_path.read_text()

    # Open WebUI's own page shows the conversation threaded.
    with web_ui_chat(owui_sandbox, first["chat_id"], screenshot="persona-web-ui.png") as page:
        for message in thread:
            page.locator(f"#message-{message['id']}").wait_for(timeout=60_000)
        assert re.search("And a second question", page.content())
