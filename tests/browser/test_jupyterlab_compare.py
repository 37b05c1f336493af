"""The panels in a real JupyterLab, in headless Chromium, against the test server.

JupyterLab is started here on loopback with a token and its default settings (as pip
installs it today: JupyterLab 4.6 with ipykernel 7 sends widget messages, and so clicks,
on kernel subshell threads); the browser opens a notebook, runs the cell that shows a
panel, types a prompt, clicks Run and watches the columns fill, and clicks again.
The prompt carries HTML that would run if model output reached the page unescaped (the
deterministic models echo it back). Needs Debian's chromium and the playwright package
(.ci/run installs both); without them the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import nbformat
import pytest

from owui_notebook.testing.browser import artifacts_dir, launch, playwright_or_skip
from tests.helpers.jupyterlab import jupyterlab_server, kernel_path_env

PAYLOAD = (
    'Hi **there** <img src=x onerror="window.__owuiXss=1"> '
    "<script>window.__owuiXss=2</script> [click](javascript:window.__owuiXss=3)"
)
MODELS = ["alpha", "beta", "gamma"]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory, owui_sandbox):
    """JupyterLab on 127.0.0.1 with a token; its kernels reach the test server via env."""
    env = {
        **kernel_path_env(),
        "OWUI_URL": owui_sandbox.url,
        "OWUI_API_KEY": owui_sandbox.api_key,
    }
    with jupyterlab_server(tmp_path_factory.mktemp("jupyterlab"), env, wait=90) as lab:
        yield lab.base, lab.token, lab.root


def write_notebook(folder: Path, name: str, sources: list[str] | None = None) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    sources = sources or [
        f"from owui_notebook import ComparePanel\npanel = ComparePanel({MODELS!r})\npanel",
        'panel.results[["model", "status", "completion_tokens"]]',
    ]
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, folder / name)
    return name


def cells(page):
    # The notebook on show: JupyterLab may restore other notebooks' tabs, hidden.
    return page.locator(".jp-Notebook:visible .jp-Cell")


def run_cell(page, index: int) -> None:
    cells(page).nth(index).locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def wait_for_kernel(base: str, token: str, name: str) -> None:
    """Until the server has an idle kernel for the notebook (the page started it)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        sessions = httpx.get(f"{base}/api/sessions", params={"token": token}).json()
        for session in sessions:
            if session.get("path") == name and session["kernel"]["execution_state"] == "idle":
                return
        time.sleep(0.5)
    pytest.fail(f"no idle kernel for {name} within 90 s")


def show_panel(page, expect, base: str, token: str, name: str, css: str = ".owui-compare-panel"):
    """Run the first cell until the panel shows: a run sent before the page's kernel
    connection is up is dropped, not queued, by the front end."""
    wait_for_kernel(base, token, name)
    panel = page.locator(css)
    for _ in range(3):
        run_cell(page, 0)
        try:
            expect(panel).to_be_visible(timeout=20_000)
            return panel
        except AssertionError:
            continue
    expect(panel).to_be_visible(timeout=1)
    return panel


# The same panel in JupyterLab 4 and in Notebook 7 (both served by this JupyterLab).
UIS = {"jupyterlab": "/lab/tree/{name}", "notebook7": "/notebooks/{name}"}


@pytest.mark.parametrize("ui", list(UIS))
def test_compare_panel_streams_in_the_browser_and_runs_no_model_html(
    ui, jupyterlab, owui_sandbox, provider
):
    sync_playwright, expect = playwright_or_skip("the JupyterLab test")
    for model in MODELS:  # about 3 s of streaming, to watch the columns fill
        provider.configure(model, tokens_per_second=20, answer_tokens=60)
    base, token, notebooks = jupyterlab
    name = write_notebook(notebooks, f"compare-{ui}.ipynb")
    shot = "compare-panel.png" if ui == "jupyterlab" else f"compare-panel-{ui}.png"
    artifacts = artifacts_dir()
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{base}{UIS[ui].format(name=name)}?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            panel = page.locator(".owui-compare-panel")
            try:
                panel = show_panel(page, expect, base, token, name)
                # The server's models are listed, ours preselected.
                expect(panel.locator("select option")).not_to_have_count(0, timeout=30_000)
                panel.locator("textarea").first.fill(PAYLOAD)
                panel.locator("button", has_text="Run").click()

                run = panel.locator(".owui-compare-run")
                expect(run).to_have_count(1, timeout=30_000)
                answers = run.locator(".owui-answer")
                expect(answers).to_have_count(3)
                # Live: every column shows text and the cursor before any is complete.
                for k, model in enumerate(MODELS):
                    expect(answers.nth(k)).to_contain_text(f"{model} says", timeout=30_000)
                    expect(answers.nth(k)).to_contain_text("▌")
                page.screenshot(path=str(artifacts / shot.replace(".png", "-streaming.png")))
                for k, model in enumerate(MODELS):
                    expect(answers.nth(k)).to_contain_text(f"{model} says: turn 1", timeout=60_000)
                    expect(answers.nth(k)).to_contain_text("first token", timeout=60_000)
                    expect(answers.nth(k)).to_contain_text("tok/s")
                    expect(answers.nth(k)).to_contain_text("chars")
                    # The HTML arrives as text, shown, not run; the Markdown is rendered.
                    expect(answers.nth(k)).to_contain_text(
                        '<img src=x onerror="window.__owuiXss=1">'
                    )
                    expect(answers.nth(k)).to_contain_text("<script>window.__owuiXss=2</script>")
                    expect(answers.nth(k).locator("strong")).to_have_text("there")
                expect(run).to_contain_text("open chat in Open WebUI")
                expect(panel.locator("button", has_text="Run")).to_be_enabled()

                run_cell(page, 1)
                table = cells(page).nth(1).locator(".jp-OutputArea")
                expect(table).to_contain_text("alpha", timeout=30_000)
                assert table.inner_text().count("\tok\t60") == 3
            finally:
                page.screenshot(path=str(artifacts / shot), full_page=True)

            assert page.evaluate("window.__owuiXss") is None
            assert dialogs == []
            assert panel.locator("img").count() == 0 and panel.locator("script").count() == 0
            assert panel.locator('a[href^="javascript:"]').count() == 0
            assert owui_sandbox.api_key not in page.content()
        finally:
            browser.close()


def test_dashboard_shows_its_charts_in_jupyterlab(jupyterlab, client):
    sync_playwright, expect = playwright_or_skip("the JupyterLab test")
    chat = client.chat("alpha")
    chat.send_many("something to chart", ["alpha", "beta"])
    base, token, notebooks = jupyterlab
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell("from owui_notebook import dashboard\ndashboard()")]
    nbformat.write(nb, notebooks / "dashboard.ipynb")
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"{base}/lab/tree/dashboard.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            wait_for_kernel(base, token, "dashboard.ipynb")
            board = page.locator(".owui-stats-dashboard")
            try:
                for _ in range(3):
                    run_cell(page, 0)
                    try:
                        expect(board).to_be_visible(timeout=20_000)
                        break
                    except AssertionError:
                        continue
                charts = board.locator("img")
                expect(charts).to_have_count(3, timeout=60_000)
                expect(board).to_contain_text("answers ·")
                for k in range(3):  # drawn, not broken images
                    assert charts.nth(k).evaluate("img => img.naturalWidth") > 100
            finally:
                page.screenshot(path=str(artifacts_dir() / "dashboard.png"), full_page=True)
        finally:
            browser.close()


# Records the thread each click of a panel's button arrives on, to show that the clicks
# took the subshell path JupyterLab's defaults give (the panel's own handler runs first).
WHERE_CLICKS_RUN = """
import threading
click_threads = set()
def record_thread(_button):
    click_threads.add(threading.current_thread().name)
"""


def open_notebook(browser, base: str, token: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    # Earlier tests' notebooks may be restored too, in hidden tabs.
    page.wait_for_selector(".jp-Notebook:visible .jp-Cell .cm-content", timeout=60_000)
    return page


def cell_text(page, expect, index: int, wanted: str) -> str:
    run_cell(page, index)
    output = cells(page).nth(index).locator(".jp-OutputArea")
    expect(output).to_contain_text(wanted, timeout=30_000)
    return output.inner_text()


def clicks_took_subshells(text: str) -> None:
    """The recorded threads (a printed list) include a kernel subshell's: the clicks took
    the path JupyterLab's defaults give (the first may still come on the main thread,
    before the front end has its subshell)."""
    names = set(re.findall(r"'([^']+)'", text))
    assert any(name.startswith("subshell") for name in names), text


def test_compare_panel_run_again_and_again_with_default_settings(jupyterlab, provider):
    """Run clicked four times: every column of every run answers, no header reads "done"
    over an error, and the results hold every answer (JupyterLab's default settings)."""
    sync_playwright, expect = playwright_or_skip("the JupyterLab test")
    for model in MODELS:
        provider.configure(model, tokens_per_second=40, answer_tokens=20)
    base, token, notebooks = jupyterlab
    name = write_notebook(
        notebooks,
        "compare-again.ipynb",
        [
            f"from owui_notebook import ComparePanel\n{WHERE_CLICKS_RUN}\n"
            f"panel = ComparePanel({MODELS!r}, 'Again and again')\n"
            "panel.run_button.on_click(record_thread)\npanel",
            'print(sorted(click_threads))\nprint(panel.results["status"].tolist())',
        ],
    )
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = open_notebook(browser, base, token, name)
            try:
                panel = show_panel(page, expect, base, token, name)
                expect(panel.locator("select option")).not_to_have_count(0, timeout=30_000)
                runs = panel.locator(".owui-compare-run")
                run_button = panel.locator("button", has_text="Run")
                for k in range(1, 5):
                    expect(run_button).to_be_enabled(timeout=30_000)
                    run_button.click()
                    expect(runs).to_have_count(k, timeout=30_000)
                    latest = runs.first  # the newest run is shown first
                    expect(latest).to_contain_text(f"Run {k} ·")
                    expect(latest).to_contain_text("open chat in Open WebUI", timeout=60_000)
                    text = latest.inner_text()
                    assert re.search(rf"Run {k} · all at once · done in", text), text
                    answers = latest.locator(".owui-answer")
                    for m, model in enumerate(MODELS):
                        expect(answers.nth(m)).to_contain_text(f"{model} says: turn 1")
                        expect(answers.nth(m)).to_contain_text("first token")
                    assert "Error" not in text and "failed" not in text, text
                expect(run_button).to_be_enabled(timeout=30_000)
                assert "failed" not in panel.inner_text()
                printed = cell_text(page, expect, 1, "'ok'")
                threads, statuses = printed.strip().splitlines()[-2:]
                clicks_took_subshells(threads)
                assert statuses == str(["ok"] * 12), printed
            finally:
                page.screenshot(
                    path=str(artifacts_dir() / "compare-panel-again.png"), full_page=True
                )
        finally:
            browser.close()


def test_chat_panel_sends_again_and_again_with_default_settings(jupyterlab, provider):
    """Send clicked (and Enter pressed) turn after turn: every answer arrives and is saved."""
    sync_playwright, expect = playwright_or_skip("the JupyterLab test")
    provider.configure("alpha", tokens_per_second=40, answer_tokens=20)
    base, token, notebooks = jupyterlab
    name = write_notebook(
        notebooks,
        "chat-again.ipynb",
        [
            f"from owui_notebook import chat_panel\n{WHERE_CLICKS_RUN}\n"
            "chat = chat_panel('alpha', follow_ups=False)\n"
            "chat.send_button.on_click(record_thread)\nchat",
            'print(sorted(click_threads))\nprint(chat.results["status"].tolist())',
        ],
    )
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = open_notebook(browser, base, token, name)
            try:
                panel = show_panel(page, expect, base, token, name, ".owui-chat-panel")
                expect(panel.locator("select option")).not_to_have_count(0, timeout=30_000)
                box = panel.locator("input[type=text]").last
                send = panel.locator("button", has_text="Send")
                for k in range(1, 5):
                    expect(send).to_be_enabled(timeout=30_000)
                    box.fill(f"question {k}")
                    if k == 3:
                        box.press("Enter")
                    else:
                        send.click()
                    expect(panel).to_contain_text(
                        f"alpha says: turn {k}. You said: question {k}", timeout=60_000
                    )
                    expect(panel).to_contain_text("first token", timeout=30_000)
                    expect(panel.locator("a", has_text="open in Open WebUI")).to_be_visible()
                expect(send).to_be_enabled(timeout=30_000)
                assert "Error" not in panel.inner_text()
                printed = cell_text(page, expect, 1, "'ok'")
                threads, statuses = printed.strip().splitlines()[-2:]
                clicks_took_subshells(threads)
                assert statuses == str(["ok"] * 4), printed
            finally:
                page.screenshot(path=str(artifacts_dir() / "chat-panel-again.png"), full_page=True)
        finally:
            browser.close()


def test_dashboard_reloads_again_and_again_with_default_settings(jupyterlab, client):
    """Reload clicked three times and the period switched: the charts come back each time."""
    sync_playwright, expect = playwright_or_skip("the JupyterLab test")
    client.chat("alpha").send_many("something to chart again", ["alpha", "beta"])
    base, token, notebooks = jupyterlab
    name = write_notebook(
        notebooks,
        "dashboard-again.ipynb",
        [
            f"from owui_notebook import dashboard\n{WHERE_CLICKS_RUN}\n"
            "board = dashboard()\nboard.reload_button.on_click(record_thread)\nboard",
            "print(sorted(click_threads))\nprint(board._tasks.errors, len(click_threads) > 0)",
        ],
    )
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = open_notebook(browser, base, token, name)
            try:
                board = show_panel(page, expect, base, token, name, ".owui-stats-dashboard")
                charts = board.locator("img")
                reload = board.locator("button", has_text="Reload")
                expect(charts).to_have_count(3, timeout=60_000)
                for _ in range(3):
                    expect(reload).to_be_enabled(timeout=60_000)
                    reload.click()
                    expect(reload).to_be_enabled(timeout=60_000)
                    expect(charts).to_have_count(3, timeout=60_000)
                    expect(board).to_contain_text("answers ·")
                board.locator("button", has_text="Per week").click()
                expect(board).to_contain_text("answers ·")
                expect(reload).to_be_enabled(timeout=60_000)
                for k in range(3):
                    assert charts.nth(k).evaluate("img => img.naturalWidth") > 100
                printed = cell_text(page, expect, 1, "True")
                threads, errors = printed.strip().splitlines()[-2:]
                clicks_took_subshells(threads)
                assert errors == "[] True", printed
            finally:
                page.screenshot(path=str(artifacts_dir() / "dashboard-again.png"), full_page=True)
        finally:
            browser.close()
