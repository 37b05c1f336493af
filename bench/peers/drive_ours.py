"""owui-notebook, driven as a user of its sync client would drive it."""

from __future__ import annotations

import time
from typing import Any

PACKAGE = "owui-notebook"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(PACKAGE)
    except PackageNotFoundError:
        return "work tree"


class Driver:
    def __init__(self, url: str, key: str) -> None:
        from owui_notebook.client import OpenWebUI

        self.client = OpenWebUI(url, key, timeout=600)

    def chat(self, model: str, prompt: str) -> dict[str, Any]:
        """A new saved chat, one turn: `client.chat(model).send(prompt)`."""
        start = time.perf_counter()
        result = self.client.chat(model).send(prompt)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "chat_id": result.chat_id, "answer": result.content}

    def first_token(self, model: str, prompt: str) -> dict[str, Any]:
        """`chat.stream(prompt)`: first text delta, then the end (turn saved)."""
        start = time.perf_counter()
        first = None
        with self.client.chat(model).stream(prompt) as stream:
            for _ in stream:
                if first is None:
                    first = time.perf_counter() - start
        total = time.perf_counter() - start
        return {"first_s": first, "total_s": total, "chat_id": stream.result.chat_id}

    def compare(self, models: list[str], prompt: str) -> dict[str, Any]:
        """One prompt to several models at once, saved side by side: `chat.send_many`."""
        start = time.perf_counter()
        results = self.client.chat(models[0]).send_many(prompt, models)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "chat_id": results[0].chat_id}

    def stats_frame(self) -> dict[str, Any]:
        """Every chat's stats into a DataFrame (pandas imported lazily, so it counts here)."""
        start = time.perf_counter()
        from owui_notebook.frames import export_frame

        frame = export_frame(self.client, progress=False)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": len(frame), "columns": len(frame.columns)}

    def warm_stats(self) -> dict[str, Any]:
        """What a first load would pay once: importing pandas and the frames."""
        import owui_notebook.frames  # noqa: F401

        self.client.chats.list()
        return {}

    def close(self) -> None:
        self.client.close()
