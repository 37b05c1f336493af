"""For tests that reach the server through the fault proxy."""

from __future__ import annotations

from typing import Any

from owui_notebook.client import OpenWebUI
from owui_notebook.testing.fault_proxy import FaultProxy


def warmed_up(client: OpenWebUI, proxy: FaultProxy) -> OpenWebUI:
    """`client` after one completion, and `proxy` with an empty log.

    Open WebUI 0.9.3-0.9.5 refuse the first completion without a chat id (the client then
    learns to send one, see client/quirks.py): that extra exchange must not use up a fault
    a test queues next, nor show in the attempts it counts.
    """
    client.completions.create("alpha", [{"role": "user", "content": "warm up"}])
    proxy.log.clear()
    return client


def stream_text(stream: Any) -> tuple[list[str], BaseException | None]:
    """Every piece of text `stream` gave, and the error that ended it (None if none)."""
    got: list[str] = []
    try:
        with stream:
            for text in stream:
                got.append(text)
    except Exception as exc:
        return got, exc
    return got, None
