"""A small HTTP fault proxy for tests: sits between a client and a real server and misbehaves.

    with FaultProxy(box.url) as proxy:              # proxy.url instead of box.url
        proxy.reset_after(200, path="/api/chat/completions")   # cut the next stream mid-way
        proxy.status(503, times=2)                  # the next two requests: 503
        proxy.down(); ...; proxy.up()               # a server restart: refused, then back
        proxy.end_after(events=3, framing="close")  # end the next body cleanly, too early

Each request is read whole, matched against the queued faults (first match wins; a fault
applies ``times`` times, ``None`` = until cleared), then either answered by the proxy itself
(an error status, a malformed body) or relayed to the real server on a fresh connection,
with the fault applied to the relayed response bytes (latency, a reset or a stall after N
body bytes). Requests are relayed with ``Connection: close`` so each exchange has its own
connection and a fault never leaks into the next request. ``proxy.log`` records what was
done to each request. Standard library only; listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypedDict
from urllib.parse import urlsplit

from typing_extensions import Unpack

__all__ = ["Exchange", "Fault", "FaultProxy"]

_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Match(TypedDict, total=False):
    """Which requests a fault applies to (the keywords every fault method takes)."""

    path: str | None
    method: str | None
    times: int | None


@dataclass
class Fault:
    """What to do to matching requests.

    ``kind``: ``latency`` (wait ``delay`` s before the response, and ``chunk_delay`` s before
    each later piece), ``reset`` (RST after ``after_bytes`` response-body bytes), ``stall``
    (stop relaying after ``after_bytes`` body bytes until `FaultProxy.release`), ``reply``
    (answer ``status`` with ``headers`` and ``body`` without asking the server), ``end`` (a
    clean, early end of the body, as a proxy's read timeout or a load balancer gives: after
    ``after_events`` SSE events or ``after_bytes`` bytes of the decoded body, framed as
    ``framing`` says: ``chunked`` ends with the chunked terminator, ``close`` sends no length
    and closes the connection, ``length`` sends a Content-Length that the cut body satisfies).
    """

    kind: str
    path: str | None = None  # prefix of the request path; None = every path
    method: str | None = None
    times: int | None = 1
    delay: float = 0.0
    chunk_delay: float = 0.0
    after_bytes: int = 0
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    after_events: int | None = None
    framing: str = "chunked"

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.path is None or path.split("?", 1)[0].startswith(self.path)


@dataclass
class Exchange:
    """One request through the proxy and what the proxy did to it."""

    method: str
    path: str
    fault: str  # "pass" or the fault's kind
    status: int | None = None


class FaultProxy:
    """HTTP/1.1 proxy to ``upstream`` (``http://host:port``) with injectable faults."""

    def __init__(self, upstream: str, *, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"FaultProxy relays plain http only, not {upstream!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.port = port
        self.tls = tls  # a server-side context: the proxy then speaks https to the client
        self.log: list[Exchange] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._open: set[socket.socket] = set()
        self._closed = False

    def __repr__(self) -> str:
        return f"FaultProxy({self.url!r} -> {self.upstream[0]}:{self.upstream[1]})"

    @property
    def url(self) -> str:
        """The proxy's address: point the client here instead of at the server."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    # -- faults -----------------------------------------------------------------------------

    def add(self, fault: Fault) -> Fault:
        """Inject `fault` into the requests it matches; returns it (to count its hits)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def latency(self, delay: float, *, chunk_delay: float = 0.0, **match: Unpack[Match]) -> Fault:
        """Delay the reply by `delay` seconds, and each chunk of it by `chunk_delay`."""
        return self.add(Fault("latency", delay=delay, chunk_delay=chunk_delay, **match))

    def reset_after(self, after_bytes: int, **match: Unpack[Match]) -> Fault:
        """Reset the connection once `after_bytes` of the reply have gone through."""
        return self.add(Fault("reset", after_bytes=after_bytes, **match))

    def end_after(
        self,
        *,
        events: int | None = None,
        bytes: int | None = None,
        framing: str = "chunked",
        **match: Unpack[Match],
    ) -> Fault:
        """End the matching response's body cleanly after ``events`` SSE events or ``bytes``
        bytes (which may fall inside an event), framed by ``framing``."""
        if (events is None) == (bytes is None):
            raise ValueError("end_after needs exactly one of events= or bytes=")
        if framing not in _FRAMINGS:
            raise ValueError(f"framing must be one of {_FRAMINGS}, not {framing!r}")
        return self.add(
            Fault("end", after_events=events, after_bytes=bytes or 0, framing=framing, **match)
        )

    def stall_after(self, after_bytes: int, **match: Unpack[Match]) -> Fault:
        """Stop sending after `after_bytes` of the reply, until `release()` or `stop()`."""
        self._released.clear()
        return self.add(Fault("stall", after_bytes=after_bytes, **match))

    def status(
        self,
        code: int,
        *,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
        **match: Unpack[Match],
    ) -> Fault:
        """Answer matching requests with ``code`` (default body: ``{"detail": <reason>}``)."""
        if body is None:
            body = json.dumps({"detail": f"{_REASONS.get(code, 'Error')} (fault proxy)"})
        raw = body.encode() if isinstance(body, str) else body
        return self.add(
            Fault(
                "reply",
                status=code,
                headers={"Content-Type": content_type, **(headers or {})},
                body=raw,
                **match,
            )
        )

    def reply(
        self, body: bytes | str, *, content_type: str, status: int = 200, **match: Unpack[Match]
    ) -> Fault:
        """Answer matching requests with this exact body (a malformed server reply)."""
        return self.status(status, body=body, content_type=content_type, **match)

    def clear(self) -> None:
        """Drop every queued fault and release stalled streams."""
        with self._lock:
            self._faults.clear()
        self.release()

    def release(self) -> None:
        """Let stalled streams end (their connections are closed)."""
        self._released.set()

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # -- a server restart -------------------------------------------------------------------

    def down(self) -> None:
        """As if the server died: open connections are reset, new ones refused."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        if self._accepting is not None:
            self._accepting.join(timeout=2)
        with self._lock:
            conns = list(self._open)
        for conn in conns:
            _reset(conn)

    def up(self) -> None:
        """Accept connections again, on the same port."""
        if self._listener is None and not self._closed:
            self._listen()

    @contextlib.contextmanager
    def restarted(self, seconds: float) -> Iterator[None]:
        """Down for ``seconds`` in a background thread, then up again; waits on exit."""
        self.down()
        timer = threading.Timer(seconds, self.up)
        timer.start()
        try:
            yield
        finally:
            timer.join()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        """Listen on 127.0.0.1 (``with FaultProxy(...)`` starts and stops it)."""
        self._closed = False
        self._listen()
        return self

    def stop(self) -> None:
        """Release stalled replies, close every connection and stop listening."""
        self._closed = True
        self.release()
        self.down()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting = threading.Thread(
            target=self._accept, args=(listener,), name="fault-proxy-accept", daemon=True
        )
        self._accepting.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(conn,), name="fault-proxy-conn", daemon=True
            ).start()

    # -- one exchange -----------------------------------------------------------------------

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._open.add if add else self._open.discard)(conn)

    def _serve(self, client: socket.socket) -> None:
        self._track(client, True)
        upstream: socket.socket | None = None
        try:
            if self.tls is not None:
                plain = client
                try:
                    client = self.tls.wrap_socket(client, server_side=True)
                except (OSError, ssl.SSLError):  # the client refused our certificate
                    return
                finally:
                    self._track(plain, False)
                self._track(client, True)
            request = _read_request(client)
            if request is None:
                return
            method, path, head, body = request
            fault = self._take(method, path)
            exchange = Exchange(method, path, fault.kind if fault else "pass")
            self.log.append(exchange)
            if fault is not None and fault.kind == "reply":
                exchange.status = fault.status
                client.sendall(_response(fault.status, fault.headers, fault.body))
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                _reset(client)
                return
            self._track(upstream, True)
            upstream.settimeout(None)
            upstream.sendall(head + body)
            self._relay(upstream, client, fault, exchange)
        except OSError:
            pass
        finally:
            if upstream is not None:
                self._track(upstream, False)
                upstream.close()
            self._track(client, False)
            with contextlib.suppress(OSError):
                client.close()

    def _relay_cut(
        self, upstream: socket.socket, client: socket.socket, fault: Fault, ex: Exchange
    ):
        """Relay the head, then the decoded body up to the cut, then a clean end."""
        data = b""
        while _HEAD_END not in data:
            chunk = upstream.recv(65536)
            if not chunk:
                return
            data += chunk
        raw_head, _, rest = data.partition(_HEAD_END)
        lines = raw_head.split(b"\r\n")
        with contextlib.suppress(ValueError, IndexError):
            ex.status = int(lines[0].split(b" ", 2)[1])
        names = (b"transfer-encoding", b"content-length", b"connection")
        kept = [ln for ln in lines[1:] if ln.split(b":", 1)[0].strip().lower() not in names]
        chunked = any(
            ln.split(b":", 1)[0].strip().lower() == b"transfer-encoding" and b"chunked" in ln
            for ln in lines[1:]
        )
        body = _Dechunker() if chunked else None
        if fault.framing == "chunked":
            kept.append(b"Transfer-Encoding: chunked")
        kept.append(b"Connection: close")
        head = b"\r\n".join([lines[0], *kept])
        if fault.framing != "length":
            client.sendall(head + _HEAD_END)
        decoded = b""
        cut: int | None = None
        sent = 0
        while cut is None:
            decoded += body.feed(rest) if body is not None else rest
            cut = _cut_point(decoded, fault)
            ended = body is not None and body.ended
            if cut is None and not ended:
                rest = upstream.recv(65536)
                if rest:
                    piece, sent = decoded[sent:], len(decoded)
                    if piece and fault.framing != "length":
                        client.sendall(_frame(piece, fault.framing))
                    continue
            if cut is None:  # the body ended before the cut: relay it whole
                cut = len(decoded)
        piece = decoded[sent:cut]
        if fault.framing == "length":
            client.sendall(head + b"\r\nContent-Length: %d" % cut + _HEAD_END + decoded[:cut])
        elif piece:
            client.sendall(_frame(piece, fault.framing))
        if fault.framing == "chunked":
            client.sendall(b"0\r\n\r\n")
        # `close`: returning closes the connection with a FIN, after everything was sent.

    def _relay(
        self, upstream: socket.socket, client: socket.socket, fault: Fault | None, ex: Exchange
    ) -> None:
        if fault is not None and fault.kind == "end":
            self._relay_cut(upstream, client, fault, ex)
            return
        seen_head = b""
        body_bytes = -1  # -1 until the response head has passed
        first = True
        while True:
            data = upstream.recv(65536)
            if not data:
                return
            if fault is not None and fault.kind == "latency":
                time.sleep(fault.delay if first else fault.chunk_delay)
            first = False
            if body_bytes < 0:
                seen_head += data
                end = seen_head.find(_HEAD_END)
                if end < 0:
                    client.sendall(data)
                    continue
                with contextlib.suppress(ValueError, IndexError):
                    ex.status = int(seen_head.split(b" ", 2)[1])
                body_bytes = len(seen_head) - end - len(_HEAD_END)
                head_part = data[: len(data) - body_bytes]
                client.sendall(head_part)
                data, body_bytes = data[len(data) - body_bytes :], 0
            if fault is not None and fault.kind in ("reset", "stall"):
                room = fault.after_bytes - body_bytes
                if len(data) >= room:
                    client.sendall(data[: max(room, 0)])
                    if fault.kind == "stall":
                        # Hold the connection open with nothing more coming, as a hung
                        # model or a dead load balancer does, until released.
                        while not self._released.wait(0.1):
                            if self._closed:
                                break
                    _reset(client)
                    return
            client.sendall(data)
            body_bytes += len(data)


_FRAMINGS = ("chunked", "close", "length")


def _cut_point(decoded: bytes, fault: Fault) -> int | None:
    """Where the body is cut, once enough of it has arrived."""
    if fault.after_events is None:
        return fault.after_bytes if len(decoded) >= fault.after_bytes else None
    end = 0
    for _ in range(fault.after_events):
        found = decoded.find(b"\n\n", end)
        if found < 0:
            return None
        end = found + 2
    return end


def _frame(data: bytes, framing: str) -> bytes:
    return b"%X\r\n%s\r\n" % (len(data), data) if framing == "chunked" else data


class _Dechunker:
    """Decode a chunked body fed in pieces; `ended` once its terminator arrived."""

    def __init__(self) -> None:
        self._buffer = b""
        self._left = 0  # bytes of the current chunk still to come, then its CRLF
        self.ended = False

    def feed(self, data: bytes) -> bytes:
        self._buffer += data
        out = b""
        while not self.ended:
            if self._left:
                take = self._buffer[: self._left]
                out += take
                self._buffer = self._buffer[len(take) :]
                self._left -= len(take)
                if self._left:
                    break
                continue
            line_end = self._buffer.find(b"\r\n")
            if line_end < 0:
                break
            line = self._buffer[:line_end]
            if not line:  # the CRLF after a chunk's data
                self._buffer = self._buffer[2:]
                continue
            size = int(line.split(b";", 1)[0], 16)
            self._buffer = self._buffer[line_end + 2 :]
            if size == 0:
                self.ended = True
                break
            self._left = size
        return out


def _reset(conn: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashed peer or a middlebox does."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        conn.close()


def _read_request(conn: socket.socket) -> tuple[str, str, bytes, bytes] | None:
    """One request: method, path, its head rewritten for ``Connection: close``, its body."""
    data = b""
    while _HEAD_END not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > _MAX_HEAD and _HEAD_END not in data:
            return None
    raw_head, _, body = data.partition(_HEAD_END)
    lines = raw_head.split(b"\r\n")
    method, path, _version = lines[0].decode("latin-1").split(" ", 2)
    headers = []
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        if key in (b"connection", b"keep-alive"):
            continue
        if key == b"transfer-encoding":
            raise OSError("chunked request bodies are not supported by the fault proxy")
        headers.append(line)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    head = b"\r\n".join([lines[0], *headers, b"Connection: close"]) + _HEAD_END
    return method, path, head, body[:length]


def _response(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
