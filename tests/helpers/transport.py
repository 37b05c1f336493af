"""An httpx transport that records what a client sent."""

from __future__ import annotations

import httpx


class Recorder(httpx.HTTPTransport):
    """A transport that records ``(method, path)`` of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return super().handle_request(request)
