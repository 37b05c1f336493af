"""owui-client (PyPI), an async client with one method per endpoint, driven from sync code.

It has no chat helper and no streaming call (11.0.0, read from its source):

- a saved chat is the path its `chats.chat_completion` docstring describes: create the chat
  (`chats.create_new`: the user message and an empty answer placeholder), then post the
  completion with ``chat_id`` and the answer's ``id``, and the server "stores the message in
  the chat history". On 0.12.x the server then rewrites the answer with ``parentId: null``.
- `chat_completion` reads the whole body before returning (``stream: true`` included), so
  the caller's first token is the whole answer; without ``chat_id`` it sends a synthetic
  ``local:`` one and nothing is saved.
- stats: the paged export (`chats.export_chat_stats`, 10 chats a page) into pandas, one
  row per chat with the server's aggregates as columns.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

PACKAGE = "owui-client"


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version(PACKAGE)


class Driver:
    def __init__(self, url: str, key: str) -> None:
        from owui_client import OpenWebUI

        self.loop = asyncio.new_event_loop()
        self.client = OpenWebUI(api_url=f"{url}/api", api_key=key)

    def _run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _saved_chat(self, model: str, prompt: str) -> tuple[str, str]:
        from owui_client.models.chats import ChatForm

        user_id, answer_id = str(uuid.uuid4()), str(uuid.uuid4())
        now = int(time.time())
        user = {
            "id": user_id,
            "parentId": None,
            "childrenIds": [answer_id],
            "role": "user",
            "content": prompt,
            "timestamp": now,
            "models": [model],
        }
        answer = {
            "id": answer_id,
            "parentId": user_id,
            "childrenIds": [],
            "role": "assistant",
            "content": "",
            "model": model,
            "modelName": model,
            "modelIdx": 0,
            "timestamp": now,
            "done": False,
        }
        history = {"messages": {user_id: user, answer_id: answer}, "currentId": answer_id}
        chat = await self.client.chats.create_new(
            ChatForm(
                chat={
                    "title": prompt[:50],
                    "models": [model],
                    "history": history,
                    "messages": [user, answer],
                }
            )
        )
        reply = await self.client.chats.chat_completion(
            {
                "model": model,
                "messages": [{"role": "user", "content": prompt}],
                "stream": False,
                "chat_id": chat.id,
                "id": answer_id,
            }
        )
        choices = getattr(reply, "choices", None) or []
        return chat.id, (choices[0].get("message") or {}).get("content", "") if choices else ""

    def chat(self, model: str, prompt: str) -> dict[str, Any]:
        start = time.perf_counter()
        chat_id, text = self._run(self._saved_chat(model, prompt))
        seconds = time.perf_counter() - start
        return {
            "seconds": seconds,
            "chat_id": chat_id,
            "answer": text,
            "call": "chats.create_new + chats.chat_completion(chat_id, id)",
        }

    def first_token(self, model: str, prompt: str) -> dict[str, Any]:
        body = {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": True}
        start = time.perf_counter()
        text = self._run(self.client.chats.chat_completion(body))
        seconds = time.perf_counter() - start
        if "data:" not in str(text):
            raise RuntimeError(f"no event stream came back: {str(text)[:200]}")
        return {"first_s": seconds, "total_s": seconds, "chat_id": None}

    def stats_frame(self) -> dict[str, Any]:
        """Every page of the stats export, then the obvious pandas call."""
        start = time.perf_counter()
        import pandas as pd

        async def every_page() -> list[Any]:
            items: list[Any] = []
            page = 1
            while True:
                batch = await self.client.chats.export_chat_stats(page=page)
                items.extend(batch.items)
                if not batch.items or len(items) >= batch.total:
                    return items
                page += 1

        items = self._run(every_page())
        # One row per chat: its ids and times, and the server's aggregates as columns.
        # (pd.json_normalize of whole items would explode: history.messages is keyed by id.)
        frame = pd.DataFrame(
            [
                {
                    "chat_id": item.id,
                    "user_id": item.user_id,
                    "created_at": pd.to_datetime(item.created_at, unit="s", utc=True),
                    "updated_at": pd.to_datetime(item.updated_at, unit="s", utc=True),
                    "tags": item.tags,
                    **item.stats.model_dump(),
                }
                for item in items
            ]
        )
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": len(frame), "columns": len(frame.columns)}

    def warm_stats(self) -> dict[str, Any]:
        """What a first load would pay once: importing pandas, the first page."""
        import pandas  # noqa: F401

        self._run(self.client.chats.export_chat_stats(page=1))
        return {}

    def close(self) -> None:
        self._run(self.client._client.aclose())
        self.loop.close()
