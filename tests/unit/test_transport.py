"""Transport faults a real server cannot be made to produce on demand (429, 503 bursts).

Everything else (server down, bad token, provider failures, dropped streams, timeouts) is
tested against the real server in tests/integration.
"""

import json
import time

import httpx
import pytest

from owui_notebook.client import (
    AsyncOpenWebUI,
    OpenWebUI,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from owui_notebook.client._retry import RetryPolicy, parse_retry_after

KEY = "sk-unit-test-secret-0123456789"


def scripted(*responses):
    """A MockTransport answering with `responses` in turn; records the requests."""
    seen = []
    queue = list(responses)

    def handler(request):
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return httpx.MockTransport(handler), seen


def models_ok():
    return httpx.Response(200, json={"data": [{"id": "a"}]})


def test_429_is_retried_after_the_servers_retry_after():
    transport, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "0.2"}, json={"detail": "slow down"}),
        models_ok(),
    )
    client = OpenWebUI("https://owui.test", KEY, transport=transport)
    start = time.monotonic()
    assert [m.id for m in client.models.list()] == ["a"]
    assert time.monotonic() - start >= 0.2
    assert len(seen) == 2


def test_429_beyond_the_retry_budget_raises_with_retry_after():
    transport, _seen = scripted(
        httpx.Response(429, headers={"Retry-After": "3"}, json={"detail": "slow"})
    )
    client = OpenWebUI("https://owui.test", KEY, transport=transport, max_retries=0)
    with pytest.raises(RateLimitError) as info:
        client.models.list()
    assert info.value.retry_after == 3.0
    assert "GET /api/models -> 429" in str(info.value) and "slow" in str(info.value)
    assert KEY not in str(info.value)


def test_retry_after_longer_than_the_cap_is_not_waited_for():
    transport, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    client = OpenWebUI("https://owui.test", KEY, transport=transport)
    with pytest.raises(RateLimitError):
        client.models.list()
    assert len(seen) == 1


def test_503_burst_on_get_is_retried_but_post_is_not():
    transport, seen = scripted(httpx.Response(503), httpx.Response(503), models_ok())
    client = OpenWebUI("https://owui.test", KEY, transport=transport, max_retries=2)
    assert client.models.list()
    assert len(seen) == 3
    transport, seen = scripted(httpx.Response(503, json={"detail": "busy"}))
    client = OpenWebUI("https://owui.test", KEY, transport=transport, max_retries=2)
    with pytest.raises(ServerError, match="POST /api/v1/chats/new -> 503"):
        client.chats.create({"title": "x"})
    assert len(seen) == 1  # creating a chat twice would duplicate it


async def test_async_client_shares_the_retry_path():
    transport, seen = scripted(httpx.Response(502), models_ok())
    async with AsyncOpenWebUI("https://owui.test", KEY, transport=transport) as client:
        assert [m.id for m in await client.models.list()] == ["a"]
    assert len(seen) == 2


def test_malformed_json_and_html_are_clear_errors():
    transport, _ = scripted(
        httpx.Response(200, content=b'{"data": [', headers={"content-type": "application/json"})
    )
    with pytest.raises(UnexpectedResponseError, match="malformed JSON"):
        OpenWebUI("https://owui.test", KEY, transport=transport).models.list()
    transport, _ = scripted(httpx.Response(200, html="<!doctype html><title>Open WebUI</title>"))
    with pytest.raises(UnexpectedResponseError, match="web page instead of data"):
        OpenWebUI("https://owui.test", KEY, transport=transport).models.list()


def test_backoff_grows_with_jitter_and_parses_http_dates():
    policy = RetryPolicy(backoff_base=1.0, backoff_max=8.0)
    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 8.0)]:
        delays = {policy.delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(delays) > 1
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("garbage") is None and parse_retry_after("5") == 5.0


def test_open_webui_0_9_5_missing_chat_id_bug_is_worked_around_once():
    """0.9.3-0.9.5 answer 400 "'NoneType' object has no attribute 'startswith'" (#24575)."""
    bodies = []

    def handler(request):
        body = json.loads(request.content)
        bodies.append(body)
        if "chat_id" not in body:
            return httpx.Response(
                400, json={"detail": "'NoneType' object has no attribute 'startswith'"}
            )
        sse = 'data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n'
        return httpx.Response(200, text=sse, headers={"content-type": "text/event-stream"})

    client = OpenWebUI("https://owui.test", KEY, transport=httpx.MockTransport(handler))
    messages = [{"role": "user", "content": "hi"}]
    with client.completions.stream("m", messages) as stream:
        assert "".join(stream) == "ok"
    with client.completions.stream("m", messages) as stream:
        assert "".join(stream) == "ok"
    assert ["chat_id" in b for b in bodies] == [False, True, True]  # learnt once, then sent
    assert all(b["chat_id"].startswith("local:") for b in bodies[1:])
    with client.completions.stream("m", messages, chat_id="mine") as stream:
        assert "".join(stream) == "ok"
    assert bodies[-1]["chat_id"] == "mine"  # a caller's own chat_id is never replaced


class _KeepAliveThenReset:
    """A real HTTP/1.1 server on loopback: each connection answers its first request and
    keeps the connection open, then resets it (RST, no answer) on the next request, as a
    server that dropped an idle kept-alive connection does. Counts what it answered."""

    def __init__(self):
        import socket

        self.answered = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self._thread = __import__("threading").Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        import threading

        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        import socket
        import struct

        with conn:
            for turn in range(2):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(body) < length:
                    body += conn.recv(65536)
                if turn == 1:  # the kept-alive connection, dropped with RST, unanswered
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                self.answered.append(head.split(b"\r\n")[0].decode())
                payload = b'{"id": "c1"}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
                )

    def close(self):
        self.sock.close()


def test_a_post_on_a_kept_alive_connection_the_server_dropped_is_sent_again_once():
    """A non-idempotent request (a chat save) that a stale kept-alive connection lost before
    any answer never reached the server's handler: it is sent again on a new connection,
    once. Failed before: TransportError 'Connection reset by peer' and the save was lost."""
    from owui_notebook.client._settings import Settings
    from owui_notebook.client._sync._http import HTTP

    server = _KeepAliveThenReset()
    http = HTTP(Settings(base_url=server.url, api_key=KEY, max_retries=2))
    try:
        assert http.request("POST", "/api/v1/chats/new", json={"chat": {}}) == {"id": "c1"}
        # Same connection, kept alive: reset unanswered, then sent again on a new one.
        assert http.request("POST", "/api/v1/chats/new", json={"chat": {}}) == {"id": "c1"}
        assert server.answered == ["POST /api/v1/chats/new HTTP/1.1"] * 2
    finally:
        http.close()
        server.close()


async def test_the_async_client_sends_a_lost_request_again_on_a_new_connection_too():
    """The same through the async transport, whose httpcore awaits the trace callback."""
    from owui_notebook.client._async._http import AsyncHTTP
    from owui_notebook.client._settings import Settings

    server = _KeepAliveThenReset()
    http = AsyncHTTP(Settings(base_url=server.url, api_key=KEY, max_retries=2))
    try:
        for _ in range(2):
            body = await http.request("POST", "/api/v1/chats/new", json={"chat": {}})
            assert body == {"id": "c1"}
        assert server.answered == ["POST /api/v1/chats/new HTTP/1.1"] * 2
    finally:
        await http.aclose()
        server.close()
