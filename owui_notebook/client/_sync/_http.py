# Generated from owui_notebook/client/_async/_http.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""HTTP transport: one request path with auth, retries, error mapping and content checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from .._backends import Backend
from .._log_redact import install as install_log_redaction
from .._responses import (
    check_content_type,
    decode_json,
    detail_of,
    expect,
    loads_line,
    transport_error,
)
from .._retry import IDEMPOTENT_METHODS, RetryPolicy, parse_retry_after
from .._settings import Settings
from ..errors import register_secret, status_error, unsendable_request
from ..quirks import applies_to, needs_local_chat_id, with_local_chat_id

# A kept-alive connection that the server closed meanwhile fails the next request with one
# of these before any answer; httpcore's trace tells a new connection (its connect events)
# and an answer begun (its response headers) apart from that.
_LOST_BEFORE_ANSWER = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
_TRACED = (
    "connect_tcp.started",
    "connect_unix_socket.started",
    "receive_response_headers.complete",
)


class HTTP:
    """Owns the connection pool; every request of a client goes through `request` or `stream`."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # Before the first request: httpcore logs the response headers (tokens in cookies).
        install_log_redaction()
        self.settings = settings
        self.retry = RetryPolicy(max_retries=settings.max_retries)
        self._owns_client = http_client is None
        self._client = http_client or httpx.Client(
            base_url=settings.base_url,
            timeout=settings.timeout,
            verify=settings.ssl_verify(),
            transport=transport,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        self._headers = settings.headers()
        # Set once the server shows the 0.9.3-0.9.5 completions bug (see quirks.py).
        self.local_chat_id = False

    def set_token(self, token: str | None) -> None:
        # Settings follow the token, so a copy of this client made from them signs in alike.
        self.settings = dataclasses.replace(self.settings, api_key=token or None)
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        else:
            self._headers.pop("Authorization", None)

    @property
    def has_token(self) -> bool:
        return "Authorization" in self._headers

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def _url(self, path: str) -> str:
        return self.settings.base_url + path

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None,
        json_body: Any,
        files: Any,
        data: Any,
        stream: bool,
        idempotent: bool | None,
        timeout: httpx.Timeout | None,
    ) -> httpx.Response:
        """Send with retries; return a response whose status is a success."""
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        params = {k: v for k, v in (params or {}).items() if v is not None}
        if self.local_chat_id and applies_to(path, json_body):
            json_body = with_local_chat_id(json_body)

        def build() -> httpx.Request:
            try:
                return self._client.build_request(
                    method,
                    self._url(path),
                    params=params,
                    json=json_body,
                    files=files,
                    data=data,
                    headers=self._headers,
                    timeout=timeout
                    or (self.settings.stream_timeout if stream else self.settings.timeout),
                )
            except UnicodeEncodeError as exc:  # a lone surrogate: one line, not a traceback
                raise unsendable_request(method, path, exc) from None

        request = build()
        attempt = 0
        while True:
            seen: list[str] = []  # httpcore's trace: new connections, answers begun

            # httpcore awaits the trace callback of an async client (and calls a sync one's).
            def trace(event: str, info: Any, seen: list[str] = seen) -> None:
                if event.endswith(_TRACED):
                    seen.append(event)

            request.extensions["trace"] = trace
            try:
                response = self._client.send(request, stream=stream)
            except httpx.TransportError as exc:
                error, connect_failed = transport_error(exc, method, path, self.settings.base_url)
                stale = not seen and isinstance(exc, _LOST_BEFORE_ANSWER)
                if self.retry.retry_transport(
                    attempt=attempt,
                    idempotent=idempotent,
                    connect_failed=connect_failed,
                    stale=stale,
                ):
                    Backend.sleep(self.retry.delay(attempt))
                    attempt += 1
                    continue
                raise error from None
            _register_cookie_tokens(response)
            if response.is_success:
                return response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if self.retry.retry_status(
                response.status_code, attempt=attempt, idempotent=idempotent
            ) and (retry_after is None or retry_after <= self.retry.retry_after_max):
                response.close()
                Backend.sleep(self.retry.delay(attempt, retry_after))
                attempt += 1
                continue
            if stream:
                response.read()
                response.close()
            detail = detail_of(response)
            if needs_local_chat_id(path, response.status_code, detail, json_body):
                self.local_chat_id = True
                json_body = with_local_chat_id(json_body)
                request = build()
                continue
            raise status_error(
                method=method,
                path=path,
                status_code=response.status_code,
                reason=response.reason_phrase,
                detail=detail,
                retry_after=retry_after,
            )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        data: Any = None,
        idempotent: bool | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON body (``None`` for an empty body)."""
        response = self._send(
            method,
            path,
            params=params,
            json_body=json,
            files=files,
            data=data,
            stream=False,
            idempotent=idempotent,
            timeout=timeout,
        )
        return decode_json(response, method, path)

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        timeout: httpx.Timeout | None = None,
        allow_html: bool = False,
    ) -> Iterator[httpx.Response]:
        """Open a streamed response (status already checked); closed when the block exits."""
        response = self._send(
            method,
            path,
            params=params,
            json_body=json,
            files=None,
            data=None,
            stream=True,
            idempotent=idempotent,
            timeout=timeout,
        )
        try:
            if not allow_html:
                check_content_type(response, method, path)
            yield response
        finally:
            response.close()

    def records(
        self, method: str, path: str, *, params: dict[str, Any] | None = None
    ) -> Iterator[Any]:
        """Yield the items of a JSON-list or NDJSON response as they arrive.

        Open WebUI moved several bulk endpoints from a JSON list to NDJSON streaming; this
        reads either, one record in memory at a time for NDJSON.
        """
        with self.stream(method, path, params=params, idempotent=True) as response:
            if "ndjson" in response.headers.get("content-type", ""):
                for line in response.iter_lines():
                    if line.strip():
                        yield loads_line(line, method, path)
                return
            response.read()
            for item in expect(decode_json(response, method, path), list, method, path):
                yield item


def _register_cookie_tokens(response: httpx.Response) -> None:
    """Register the session JWT a server hands back in ``set-cookie: token=...``."""
    for cookie in response.headers.get_list("set-cookie"):
        name, _, rest = cookie.partition("=")
        if name.strip().lower() == "token":
            register_secret(rest.partition(";")[0].strip())
