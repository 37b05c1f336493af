"""Take README's screenshot of the comparison panel: `owui-notebook lab`, 02-model-comparison.

    python scripts/readme_screenshot.py        # writes docs/compare-panel.png

Runs the real command (sandbox plus JupyterLab), opens the notebook in headless Chromium, runs
its cells down to the panel and photographs the panel mid-stream and done.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from owui_notebook.sandbox.server import free_port
from owui_notebook.testing.browser import launch

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "compare-panel.png"


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    port, token = free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "owui_notebook", "lab", "--no-browser"]
    argv += [f"--ServerApp.port={port}", f"--IdentityProvider.token={token}"]
    # No "get Jupyter news?" toast over the panel.
    settings = Path(tempfile.mkdtemp()) / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    argv += [f"--LabApp.user_settings_dir={settings.parents[1]}"]
    lab = subprocess.Popen(
        argv, cwd=REPO, start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/status", params={"token": token}).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(1)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{base}/lab/tree/02-model-comparison.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60_000)
            time.sleep(5)  # the kernel connection
            cells = page.locator(".jp-Notebook:visible .jp-Cell")
            for index in range(cells.count()):
                source = cells.nth(index).inner_text()
                cells.nth(index).click()
                page.keyboard.press("Shift+Enter")
                if re.search(r"panel\s*$", source.strip()):
                    break
                time.sleep(1.5)
            panel = page.locator(".owui-compare-panel")
            expect(panel).to_be_visible(timeout=60_000)
            expect(panel.locator(".owui-answer")).to_have_count(3, timeout=60_000)
            expect(panel.locator(".owui-compare-run")).to_contain_text(
                "open chat in Open WebUI", timeout=60_000
            )
            panel.scroll_into_view_if_needed()
            OUT.parent.mkdir(exist_ok=True)
            panel.screenshot(path=str(OUT))
            browser.close()
        print(f"wrote {OUT}")
    finally:
        os.killpg(lab.pid, signal.SIGINT)
        lab.wait(timeout=60)


if __name__ == "__main__":
    main()
