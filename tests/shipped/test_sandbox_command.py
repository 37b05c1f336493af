"""`owui-notebook sandbox`: starts, answers, stops cleanly; a second start reuses everything."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from owui_notebook.client import OpenWebUI, validate_history
from owui_notebook.sandbox.demo_models import DEMO_NOTE
from owui_notebook.sandbox.server import free_port
from tests.helpers.commands import REPO, command_env, interrupt, wait_gone

STARTUP_LIMIT = 600  # the first start may install nothing here, but the machine is shared


def start(cache, data_dir, port) -> tuple[subprocess.Popen, dict[str, str], float]:
    argv = [sys.executable, "-m", "owui_notebook", "sandbox"]
    argv += ["--data-dir", str(data_dir), "--port", str(port)]
    began = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env=command_env(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C stops it."):
            break
    text = "\n".join(lines)
    if "Ctrl-C stops it." not in text:
        interrupt(proc)
        raise AssertionError(f"the sandbox did not come up:\n{text}\n{proc.stderr.read()}")
    info = {
        "url": re.search(r"sandbox running at (\S+)", text).group(1),
        "key": re.search(r"API key:\s+(\S+)", text).group(1),
        "login": re.search(r"web UI login:\s+(.+)", text).group(1),
        "text": text,
    }
    return proc, info, time.monotonic() - began


def test_sandbox_starts_answers_and_stops_cleanly_then_restarts_from_its_data(own_cache, tmp_path):
    data_dir = tmp_path / "sandbox-data"
    port = free_port()
    proc, info, _ = start(own_cache, data_dir, port)
    try:
        assert info["url"] == f"http://127.0.0.1:{port}"
        assert info["login"].startswith("admin@example.com / ")
        assert "%owui connect" in info["text"]
        assert "alpha" in info["text"]  # the demo models are listed, and said to be demos
        assert f"(demo models: {DEMO_NOTE}" in info["text"]
        # Notebooks on this machine find it through the link file, key and all.
        link = json.loads((own_cache / "sandbox.json").read_text())
        assert link["state"] == "ready" and link["url"] == info["url"]
        assert link["api_key"] == info["key"]
        assert (own_cache / "sandbox.json").stat().st_mode & 0o077 == 0

        with OpenWebUI(info["url"], info["key"]) as client:
            chat = client.chat("alpha", title="kept between runs")
            text = chat.send("Hello there").text
            assert text.startswith("### Hello\n") and "You asked: *Hello there*" in text
            assert text.endswith(f"*alpha: {DEMO_NOTE}.*")
            chat_id = chat.id
            assert validate_history(client.chats.get(chat_id)) == []
    finally:
        code = interrupt(proc)
    out = proc.stdout.read()
    err = proc.stderr.read()
    assert code == 0, err
    assert "stopped" in out
    assert not (own_cache / "sandbox.json").exists()
    assert wait_gone(str(data_dir)) == [], "a sandbox process outlived Ctrl-C"

    # Second start, same data dir: no install, the saved chat is still there.
    proc, info2, seconds = start(own_cache, data_dir, port)
    try:
        with OpenWebUI(info2["url"], info2["key"]) as client:
            assert client.chats.get(chat_id).title == "kept between runs"
            assert client.chat("beta").send("Again").text.endswith(f"*beta: {DEMO_NOTE}.*")
    finally:
        code = interrupt(proc)
    err2 = proc.stderr.read()
    assert code == 0, err2
    assert "installing Open WebUI" not in err + err2
    assert info2["login"] == info["login"]  # the same admin signs in again
    assert wait_gone(str(data_dir)) == []
    # Reported, not asserted (shared machines are noisy): the issue asks for under a minute.
    print(f"second start: {seconds:.1f} s")
