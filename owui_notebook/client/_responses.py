"""Reading response bodies: error details, content-type checks, JSON and NDJSON decoding.

Pure helpers shared by the async and sync transports (they only touch already-read bodies).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx

from .errors import (
    ConnectError,
    RequestTimeout,
    TransportError,
    UnexpectedResponseError,
)

T = TypeVar("T")


def detail_of(response: httpx.Response) -> Any:
    """The server's explanation of an error status (FastAPI's ``detail`` and friends)."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        text = response.text.strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return None
        return text[:300] or None
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            if body.get(key):
                return body[key]
    return body


def check_content_type(response: httpx.Response, method: str, path: str) -> None:
    """Refuse the web UI's HTML page where data was due (old servers answer 200 for any path)."""
    if "text/html" in response.headers.get("content-type", ""):
        raise UnexpectedResponseError(
            f"{method} {path} answered with a web page instead of data: this Open WebUI server "
            "has no such endpoint (too old?), or the URL points at a proxy's login page"
        )


def decode_json(response: httpx.Response, method: str, path: str) -> Any:
    """The JSON body of a successful response; ``None`` when the body is empty."""
    check_content_type(response, method, path)
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        snippet = response.text[:80].replace("\n", " ")
        raise UnexpectedResponseError(
            f"{method} {path} returned malformed JSON ({len(response.content)} bytes, "
            f"starting {snippet!r})"
        ) from None


def loads_line(line: str, method: str, path: str) -> Any:
    """Decode one NDJSON line, naming the endpoint if it is broken."""
    try:
        return json.loads(line)
    except ValueError:
        raise UnexpectedResponseError(
            f"{method} {path} sent a malformed NDJSON line: {line[:80]!r}"
        ) from None


def expect(value: object, kind: type[T], method: str, path: str) -> T:
    """`value`, checked to be of the expected JSON type (a list, a dict...)."""
    if not isinstance(value, kind):
        raise UnexpectedResponseError(
            f"{method} {path} returned {type(value).__name__} where {kind.__name__} was expected"
        )
    return value


def transport_error(
    exc: httpx.TransportError, method: str, path: str, base_url: str
) -> tuple[TransportError, bool]:
    """Our error for an httpx transport failure, and whether the request never left."""
    if isinstance(exc, httpx.TimeoutException):
        return (
            RequestTimeout(
                f"{method} {path}: no answer from {base_url} in time ({type(exc).__name__}); "
                "the server or model may be overloaded (raise timeout= if it is just slow)",
                method=method,
                path=path,
            ),
            isinstance(exc, httpx.ConnectTimeout),
        )
    if isinstance(exc, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return (
            ConnectError(
                f"the TLS certificate of {base_url} could not be verified ({_ssl_reason(exc)}): "
                "for a server with a private CA pass verify='/path/to/ca.pem' or set "
                "$OWUI_CA_BUNDLE; check the URL's host name",
                method=method,
                path=path,
            ),
            False,
        )
    if isinstance(exc, httpx.ConnectError):
        return (
            ConnectError(
                f"cannot connect to Open WebUI at {base_url}: is the server running and the "
                "URL right?",
                method=method,
                path=path,
            ),
            True,
        )
    return (
        TransportError(
            f"{method} {path}: connection to {base_url} failed ({type(exc).__name__}: {exc})",
            method=method,
            path=path,
        ),
        False,
    )


def _ssl_reason(exc: Exception) -> str:
    """The part of an SSL error after "certificate verify failed:", e.g. "self-signed ..."."""
    text = str(exc)
    marker = "certificate verify failed:"
    reason = text.split(marker, 1)[1] if marker in text else text
    return reason.split("(_ssl.c", 1)[0].strip(" )") or "certificate verify failed"
