"""The floor: a bare httpx read of ``/api/chat/completions``'s event stream (nothing saved)."""

from __future__ import annotations

import json
import time
from typing import Any

PACKAGE = "httpx"


def version() -> str:
    from importlib.metadata import version as dist_version

    return dist_version(PACKAGE)


class Driver:
    def __init__(self, url: str, key: str) -> None:
        import httpx

        self.url = url
        self.http = httpx.Client(timeout=600, headers={"Authorization": f"Bearer {key}"})

    def _read(self, model: str, prompt: str) -> tuple[float | None, float, str]:
        body = {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": True}
        text: list[str] = []
        first = None
        start = time.perf_counter()
        with self.http.stream("POST", f"{self.url}/api/chat/completions", json=body) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                # The least a caller can do: decode each event and look for content.
                if not line.startswith("data: {"):
                    continue
                choices = json.loads(line[6:]).get("choices") or [{}]
                content = (choices[0].get("delta") or {}).get("content")
                if content:
                    if first is None:
                        first = time.perf_counter() - start
                    text.append(content)
        return first, time.perf_counter() - start, "".join(text)

    def first_token(self, model: str, prompt: str) -> dict[str, Any]:
        first, total, _ = self._read(model, prompt)
        return {"first_s": first, "total_s": total, "chat_id": None}

    def single(self, model: str, prompt: str) -> dict[str, Any]:
        """One model's whole answer, streamed alone."""
        _, total, text = self._read(model, prompt)
        return {"seconds": total, "chars": len(text)}

    def close(self) -> None:
        self.http.close()
