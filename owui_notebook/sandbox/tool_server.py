"""An example OpenAPI tool server, to try Open WebUI's external tool servers with.

Serves ``/openapi.json`` and two operations on loopback, the way an external tool server
(e.g. the ``openapi-servers`` examples) does:

- ``GET /weather?city=...`` (operation ``weather``): a made-up forecast computed from the city;
- ``POST /convert`` with ``{"amount", "rate"}`` (operation ``convert``): ``amount * rate``.

Product, like the rest of the sandbox: ``notebooks/05-tool-servers.ipynb`` starts one in its
kernel, ``python -m owui_notebook.sandbox.tool_server`` runs one until Ctrl-C, and the tests'
``owui_tool_server`` fixture uses it. Open WebUI calls it itself, so it must be reachable from
the Open WebUI server (the sandbox, or a server on the same machine).

With a `key`, every request must carry ``Authorization: Bearer <key>`` (401 otherwise), so a
test sees that the server forwards the connection's key. Each request is recorded in
`requests` (operation, query, body, whether it was authorized), never with the key itself.
Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from collections.abc import Sequence
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
        """Serve in a background thread (a daemon: it ends with the process or kernel)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="owui-tool-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (again: nothing more happens)."""
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the example tool server until Ctrl-C; prints its URL."""
    parser = argparse.ArgumentParser(
        prog="python -m owui_notebook.sandbox.tool_server", description=main.__doc__
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--key-env",
        metavar="VAR",
        default=None,
        help="environment variable holding the bearer key to require (default: none)",
    )
    args = parser.parse_args(argv)
    key = os.environ.get(args.key_env) if args.key_env else None
    if args.key_env and not key:
        parser.error(f"${args.key_env} is empty: set it to the key, or leave out --key-env")
    with ToolServer(key=key, port=args.port) as server:
        print(f"OpenAPI tool server at {server.url} (spec: {server.url}/openapi.json)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop quietly
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
