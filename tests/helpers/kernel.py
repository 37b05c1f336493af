"""A real Jupyter kernel connected to a test server: start it, run cells, wait on its messages."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jupyter_client.manager import start_new_kernel


def kernel_env(box: Any) -> dict[str, str]:
    """This process's environment, pointed at the sandbox `box` as its admin."""
    return {**os.environ, "OWUI_URL": box.url, "OWUI_API_KEY": box.api_key}


@contextlib.contextmanager
def kernel(env: Mapping[str, str]) -> Iterator[tuple[Any, Any]]:
    """A new ``python3`` kernel (manager, client) with environment `env` (see
    :func:`kernel_env`); shut down after the block."""
    km, kc = start_new_kernel(kernel_name="python3", env=dict(env))
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc: Any, code: str, timeout: float = 90) -> dict:
    """Run `code`; the reply's content, with what it printed under ``"stdout"`` and every
    output message's content, as JSON lines, under ``"outputs"``."""
    printed: list[str] = []
    seen: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])
        if msg["msg_type"] not in ("status", "execute_input"):
            seen.append(json.dumps(msg["content"]))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return {**reply["content"], "stdout": "".join(printed), "outputs": "\n".join(seen)}


def wait_for(kc: Any, msg_id: str, predicate: Callable[[dict], bool], timeout: float) -> dict:
    """The first iopub message of request `msg_id` that `predicate` accepts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and predicate(msg):
            return msg
    raise AssertionError("the kernel did not get there in time")


def drain(kc: Any) -> None:
    """Forget the iopub messages waiting so far."""
    while True:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            return


def updates_with(text: str) -> Callable[[dict], bool]:
    """A :func:`wait_for` predicate: a live display update whose plain text holds `text`."""

    def predicate(msg: dict) -> bool:
        data = msg["content"].get("data", {})
        return msg["msg_type"] == "update_display_data" and text in data["text/plain"]

    return predicate


def interrupt(km: Any, kc: Any, msg_id: str, timeout: float = 30) -> float:
    """Ctrl-C the cell `msg_id` is running; the seconds until it ended in KeyboardInterrupt.

    Send that cell with ``kc.execute(code, stop_on_error=False)``: by default ipykernel
    aborts the requests that reach it just after an error (what "Run All" wants), so the
    test's next cell could come back ``aborted`` without running."""
    interrupted_at = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=timeout)
    stopped_after = time.monotonic() - interrupted_at
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    return stopped_after
