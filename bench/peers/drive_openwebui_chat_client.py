"""openwebui-chat-client (PyPI), driven through its documented calls.

Its calls find or create a chat *by title*, so each run gets a fresh title (a new chat,
as ours makes). Read from its source (0.1.24):

- `chat()` posts the completion with ``chat_id`` but no assistant ``id``; Open WebUI 0.12
  answers 409 ("Message already exists or has an invalid ID"), so `chat()` returns None
  there. Its closest working call is `parallel_chat(question, title, [model])`: a plain
  OpenAI-style completion, then the client saves the chat itself. `chat` below tries
  `chat()` once and falls back to that, saying so in its reply.
- `stream_chat()` sleeps `wait_before_request` (10 s by default) before its first stream of
  each client, posts a message event per received chunk (blocking), and saves a pool of 30
  placeholder turns with the answer (on 0.12.4 the saved `currentId` is the last unused
  placeholder). The first-call sleep is measured once, separately.
- `parallel_chat()` runs non-streamed completions in a thread pool, then saves the turn.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

PACKAGE = "openwebui-chat-client"


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version(PACKAGE)


def _title() -> str:
    return f"bench {uuid.uuid4().hex}"


class Driver:
    def __init__(self, url: str, key: str) -> None:
        from openwebui_chat_client import OpenWebUIClient

        self.url, self.key = url, key
        self.client = OpenWebUIClient(url, key, "alpha")
        self.chat_works: bool | None = None  # learnt on the first `chat`

    def _new_client(self, model: str) -> Any:
        from openwebui_chat_client import OpenWebUIClient

        return OpenWebUIClient(self.url, self.key, model)

    def chat(self, model: str, prompt: str) -> dict[str, Any]:
        call = "chat()"
        if self.chat_works is not False:
            start = time.perf_counter()
            reply = self.client.chat(prompt, chat_title=_title(), model_id=model)
            seconds = time.perf_counter() - start
            self.chat_works = reply is not None
            if reply is not None:
                return {
                    "seconds": seconds,
                    "chat_id": reply["chat_id"],
                    "answer": reply["response"],
                    "call": call,
                }
        call = "parallel_chat(p, title, [m])"
        start = time.perf_counter()
        reply = self.client.parallel_chat(prompt, chat_title=_title(), model_ids=[model])
        seconds = time.perf_counter() - start
        if reply is None:
            raise RuntimeError("parallel_chat returned None (see its log)")
        answer = reply["responses"][model]["content"]
        return {
            "seconds": seconds,
            "chat_id": reply["chat_id"],
            "answer": answer,
            "call": call,
            "note": "its chat() gets 409 from this server and returns None",
        }

    def first_token(self, model: str, prompt: str, wait: bool = False) -> dict[str, Any]:
        """`stream_chat(...)`: first yielded chunk, then the generator's end (chat saved).

        ``wait=True`` uses a new client, whose first stream sleeps its default 10 s first.
        """
        client = self._new_client(model) if wait else self.client
        if not wait:
            client._first_stream_request = False  # steady state: the one-time sleep is past
        start = time.perf_counter()
        first = None
        for _ in client.stream_chat(prompt, chat_title=_title(), model_id=model):
            if first is None:
                first = time.perf_counter() - start
        total = time.perf_counter() - start
        return {"first_s": first, "total_s": total, "chat_id": client.chat_id}

    def compare(self, models: list[str], prompt: str) -> dict[str, Any]:
        start = time.perf_counter()
        reply = self.client.parallel_chat(prompt, chat_title=_title(), model_ids=models)
        seconds = time.perf_counter() - start
        if reply is None:
            raise RuntimeError("parallel_chat returned None (see its log)")
        return {"seconds": seconds, "chat_id": reply["chat_id"]}
