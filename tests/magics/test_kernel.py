"""The magics in a real Jupyter kernel: a notebook run top to bottom, and Ctrl-C mid-stream."""

from __future__ import annotations

import os
import queue
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from owui_notebook.client import validate_history

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "magics_tour.ipynb"


def kernel_env(box) -> dict[str, str]:
    return {**os.environ, "OWUI_URL": box.url, "OWUI_API_KEY": box.api_key}


def test_magics_notebook_runs_in_a_real_kernel(owui_sandbox, tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("OWUI_URL", owui_sandbox.url)
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {}}).execute()
    nbformat.write(nb, tmp_path / "executed.ipynb")
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = nbformat.writes(nb)
    assert owui_sandbox.api_key not in text

    def cell_outputs(marker: str) -> list:
        cell = next(c for c in nb.cells if c.cell_type == "code" and marker in c.source)
        return cell.outputs

    connect = cell_outputs("%owui connect")[0]
    assert connect.text.startswith(f"Open WebUI {owui_sandbox.version}")
    (answer,) = cell_outputs("Explain {topic}")
    assert answer.output_type == "display_data"
    assert answer.data["text/plain"] == "alpha says: turn 1. You said: Explain B-trees briefly."
    (follow,) = cell_outputs("B+ trees")
    assert follow.data["text/plain"].startswith("alpha says: turn 2.")
    history = cell_outputs("%owui history")[0]
    assert "B+ trees" in history.data["text/html"]
    compare = cell_outputs("%%owui compare")
    assert [o.output_type for o in compare] == ["display_data", "execute_result"]
    assert "tokens_per_s" in compare[1].data["text/html"]
    models = cell_outputs("%owui models")[0]
    assert "alpha" in models.data["text/html"]


def _wait_for(kc, msg_id: str, predicate, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and predicate(msg):
            return msg
    raise AssertionError("the kernel did not get there in time")


def _run(kc, code: str, timeout: float = 60) -> dict:
    """Run `code`; the reply's content, with what it printed under ``"stdout"``."""
    printed: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return {**reply["content"], "stdout": "".join(printed)}


CELLS = {
    "chat": "%%owui chat --new -m slow\nTell me a long story.",
    "compare": "%%owui compare -m slow,long\nTell me a long story.",
}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("kind", sorted(CELLS))
def test_interrupting_the_kernel_mid_stream_keeps_a_stopped_answer(
    owui_sandbox, provider, client, kind
):
    provider.configure("slow", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    provider.configure("long", ttft=0.0, tokens_per_second=20, answer_tokens=400)
    km, kc = start_new_kernel(kernel_name="python3", env=kernel_env(owui_sandbox))
    try:
        assert _run(kc, "%load_ext owui_notebook\n%owui connect")["status"] == "ok"
        msg_id = kc.execute(CELLS[kind])

        def has_text(msg: dict) -> bool:
            data = msg["content"].get("data", {})
            return msg["msg_type"] == "update_display_data" and "says:" in data["text/plain"]

        _wait_for(kc, msg_id, has_text, timeout=30)
        interrupted_at = time.monotonic()
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)
        stopped_after = time.monotonic() - interrupted_at
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        # Loose bound (shared machines); the budget is a second, measured as a figure.
        assert stopped_after < 5, stopped_after

        last = "_owui" if kind == "chat" else "_owui[0]"
        check = _run(kc, f"print({last}.chat_id, {last}.stopped)")
        chat_id, stopped = check["stdout"].split()
        assert stopped == "True"
        # The next cell works and continues the same chat.
        assert _run(kc, "%%owui chat -m alpha\nShorter, please.")["status"] == "ok"
        assert _run(kc, "print(_owui.chat_id)")["stdout"].strip() == chat_id
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    record = client.chats.get(chat_id)
    assert validate_history(record.chat) == []
    answers = [m for m in record.messages.values() if m["role"] == "assistant"]
    story = next(m for m in answers if m["model"] == "slow")
    assert story["owui_notebook"]["stopped"] is True
    assert 0 < len(story["content"]) < 2000
    assert any(m["model"] == "alpha" for m in answers)
