"""A small real OpenAPI tool server for tests: what Open WebUI calls when a chat uses it.

Serves ``/openapi.json`` and two operations on loopback, the way an external tool server
(e.g. the ``openapi-servers`` examples) does:

- ``GET /weather?city=...`` (operation ``weather``): a made-up forecast computed from the city;
- ``POST /convert`` with ``{"amount", "rate"}`` (operation ``convert``): ``amount * rate``.

With a `key`, every request must carry ``Authorization: Bearer <key>`` (401 otherwise), so a
test sees that the server forwards the connection's key. Each request is recorded in
`requests` (operation, query, body, whether it was authorized), never with the key itself.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Weather and rates",
        "description": "Forecasts by city and currency conversion",
        "version": "1.0.0",
    },
    "paths": {
        "/weather": {
            "get": {
                "operationId": "weather",
                "summary": "The forecast for a city.",
                "parameters": [
                    {
                        "name": "city",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "description": "the city's English name"},
                    }
                ],
                "responses": {"200": {"description": "the forecast"}},
            }
        },
        "/convert": {
            "post": {
                "operationId": "convert",
                "summary": "Convert an amount at a given rate.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Convert"}}
                    },
                },
                "responses": {"200": {"description": "the converted amount"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Convert": {
                "type": "object",
                "properties": {
                    "amount": {"type": "number", "description": "the amount"},
                    "rate": {"type": "number", "description": "the exchange rate"},
                },
                "required": ["amount", "rate"],
            }
        }
    },
}

_SKIES = ("sunny", "cloudy", "rainy", "windy")


def forecast(city: str) -> dict[str, Any]:
    """The made-up forecast `weather` answers for `city` (the same every time)."""
    score = sum(city.encode())
    return {"city": city, "sky": _SKIES[score % len(_SKIES)], "temperature_c": 5 + score % 25}


@dataclass
class ToolCall:
    """One request the tool server received."""

    operation: str | None
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    authorized: bool = True


class ToolServer:
    """The tool server on ``127.0.0.1`` (a free port): ``with ToolServer() as ts: ts.url``."""

    def __init__(self, *, key: str | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self._key = key
        self.requests: list[ToolCall] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"ToolServer({self.url!r}, key={'set' if self._key else 'none'})"

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ToolServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="owui-tool-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ToolServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def calls(self, operation: str | None = None) -> list[ToolCall]:
        """The operations called (not the spec fetches), or those of one `operation`."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.operation and (operation is None or r.operation == operation)
            ]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def _record(self, call: ToolCall) -> None:
        with self._lock:
            self.requests.append(call)

    def _authorized(self, header: str | None) -> bool:
        return self._key is None or header == f"Bearer {self._key}"


def _handler(server: ToolServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
            pass

        def _send(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            operation = {("GET", "/weather"): "weather", ("POST", "/convert"): "convert"}.get(
                (method, parts.path)
            )
            authorized = server._authorized(self.headers.get("Authorization"))
            call = ToolCall(operation, method, parts.path, query, body, authorized)
            server._record(call)
            if not authorized:
                self._send(401, {"detail": "missing or wrong bearer key"})
            elif (method, parts.path) == ("GET", "/openapi.json"):
                self._send(200, SPEC)
            elif operation == "weather":
                if not query.get("city"):
                    self._send(422, {"detail": "city is required"})
                else:
                    self._send(200, forecast(query["city"]))
            elif operation == "convert":
                fields = body if isinstance(body, dict) else {}
                try:
                    amount, rate = float(fields["amount"]), float(fields["rate"])
                except (TypeError, KeyError, ValueError):
                    self._send(422, {"detail": "amount and rate must be numbers"})
                else:
                    self._send(200, {"amount": amount, "rate": rate, "result": amount * rate})
            else:
                self._send(404, {"detail": f"no {method} {parts.path}"})

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

    return Handler
