"""One exception tree for everything the client can raise.

Catch `OpenWebUIError` for all of them, or a branch for the case you handle:

    OpenWebUIError
    ├── ConfigurationError          bad or missing URL / key, before any request
    ├── TransportError              the request did not get a proper HTTP answer
    │   ├── ConnectError            server down, wrong host or port
    │   ├── RequestTimeout
    │   └── StreamInterrupted       the connection broke while an answer streamed
    ├── APIStatusError              the server answered with an error status
    │   ├── BadRequestError         400 / 422
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── NotFoundError           404
    │   ├── RateLimitError          429 (carries retry_after)
    │   └── ServerError             5xx
    ├── ModelError                  the model's provider failed inside a stream
    ├── UnsupportedFeatureError     the server's version lacks an endpoint
    ├── UnexpectedResponseError     HTML or malformed data where JSON was due
    ├── InvalidHistoryError         a chat tree breaks the web UI's invariants
    └── PromptBatchError            some prompts of a batch were not saved

Messages name the method, path, status and the server's ``detail``. Secrets never appear:
every message passes through `redact`, which removes any key or token the client holds.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()


def register_secret(secret: str | None) -> None:
    """Remember a secret so that `redact` removes it from every message we produce."""
    if secret and len(secret) >= 8:
        with _SECRETS_LOCK:
            _SECRETS.add(secret)


# What keys and tokens look like, registered or not: an Open WebUI or OpenAI-style key
# (``sk-...``) and a JWT (``eyJ...``, base64 of ``{"``). A key pasted where a URL, an option or
# a model id belongs must not come back in the message that says it is wrong.
_KEY_LIKE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:[sS][kK]-[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2})"
)


def looks_like_secret(text: str) -> bool:
    """Whether `text` holds something shaped like an API key or a JWT."""
    return _KEY_LIKE.search(text) is not None


def redact(text: str) -> str:
    """`text` with every registered secret, and anything shaped like a key or a JWT
    (``sk-...``, ``eyJ...``), replaced by ``***``."""
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return _KEY_LIKE.sub("***", text)


class OpenWebUIError(Exception):
    """Base class of every error raised by owui_notebook's client."""

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ConfigurationError(OpenWebUIError):
    """The client was given a bad or missing URL, key or option, or text it cannot send."""


class TransportError(OpenWebUIError):
    """The request never got a proper HTTP answer."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        super().__init__(message)


class ConnectError(TransportError):
    """Could not connect: the server is down, or the URL's host or port is wrong."""


class RequestTimeout(TransportError):
    """The server did not answer within the timeout."""


class StreamInterrupted(TransportError):
    """The connection broke while an answer was streaming; `partial` holds what arrived."""

    def __init__(
        self, message: str, *, method: str = "", path: str = "", partial: str = ""
    ) -> None:
        self.partial = partial
        super().__init__(message, method=method, path=path)


class APIStatusError(OpenWebUIError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status_code: int,
        detail: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status_code = status_code
        self.detail = detail
        super().__init__(message)


class BadRequestError(APIStatusError):
    """400 or 422: the server rejected what was sent."""


class AuthenticationError(APIStatusError):
    """401: the API key or token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: signed in, but this user may not do that."""


class NotFoundError(APIStatusError):
    """404: no such chat, model, folder, ... (or not visible to this user)."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the wait in seconds the server asked for."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class ServerError(APIStatusError):
    """5xx: the server (or the model provider behind it) failed."""


class ModelError(OpenWebUIError):
    """The model's provider reported an error in the middle of a streamed answer."""

    def __init__(self, message: str, *, model: str = "", partial: str = "") -> None:
        self.model = model
        self.partial = partial
        super().__init__(message)


class UnsupportedFeatureError(OpenWebUIError):
    """The server's Open WebUI version does not have this feature."""

    def __init__(self, message: str, *, feature: str = "", needs: str = "", have: str = "") -> None:
        self.feature = feature
        self.needs = needs
        self.have = have
        super().__init__(message)


class UnexpectedResponseError(OpenWebUIError):
    """The server sent something that is not the data the endpoint promises."""


class InvalidHistoryError(OpenWebUIError):
    """A chat's message tree breaks the invariants the web UI relies on."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "; ".join(problems[:3]) + (
            f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        )
        super().__init__(f"invalid chat history: {head}")


class PromptBatchError(OpenWebUIError):
    """Some prompts of a batch could not be saved; `created` holds those that were and
    `failed` maps each other command to why."""

    def __init__(self, created: list[Any], failed: dict[str, str]) -> None:
        self.created = created
        self.failed = failed
        first = next(iter(failed.items()))
        super().__init__(
            f"{len(failed)} of {len(created) + len(failed)} prompts were not saved "
            f"(first: {first[0]}: {first[1]}); the other {len(created)} were"
        )


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
}

_HINTS: dict[type[APIStatusError], str] = {
    AuthenticationError: "check the API key or token (OWUI_API_KEY)",
    PermissionDeniedError: "this user lacks the permission; ask an admin",
    RateLimitError: "wait and retry",
}
# Open WebUI refuses a change to a chat (or other item) that is not the user's own with a 401
# that gives no reason; a key that does not work always comes with one.
_UNSAID_REFUSAL = (
    "the server refused without a reason: it does this for an item that belongs to another "
    "user or does not exist, so check the id"
)


def status_error(
    *,
    method: str,
    path: str,
    status_code: int,
    reason: str,
    detail: Any,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the right `APIStatusError` subclass for a status code."""
    cls = _classify(status_code, detail)
    text = f"{method} {path} -> {status_code} {reason}".rstrip()
    if detail not in (None, "", {}) and not _unsaid(detail):
        text += f": {_detail_text(detail)}"
    hint = _HINTS.get(cls)
    if status_code in (401, 403) and _unsaid(detail):
        hint = _UNSAID_REFUSAL
    if hint:
        text += f" ({hint})"
    kw: dict[str, Any] = dict(method=method, path=path, status_code=status_code, detail=detail)
    if cls is RateLimitError:
        return RateLimitError(text, retry_after=retry_after, **kw)
    return cls(text, **kw)


def unsendable_request(method: str, path: str, exc: UnicodeEncodeError) -> ConfigurationError:
    """The one-line error for a request whose text cannot be encoded (a lone surrogate such
    as ``'\\ud800'``, which Python strings may hold and JSON text may not)."""
    char = exc.object[exc.start : exc.start + 1]
    return ConfigurationError(
        f"{method} {path} not sent: its text holds a lone surrogate (U+{ord(char or '?'):04X}), "
        "which cannot be sent; clean the text first, e.g. "
        "text.encode('utf-8', 'replace').decode()"
    )


def _classify(status_code: int, detail: Any) -> type[APIStatusError]:
    """The error class for a status, corrected by what Open WebUI's ``detail`` says.

    Open WebUI answers 401 for chats that do not exist or are not yours, and 401 or 403
    for missing permissions; older releases relay a provider's 5xx as a 400 whose detail
    starts with the provider's status ("500: ..."). A 401 or 403 that gives no reason is a
    refusal, not a bad key: the server's auth failures always say what is wrong.
    """
    text = str(detail or "")
    lowered = text.lower()
    if status_code in (401, 403) and _unsaid(detail):
        return PermissionDeniedError
    if status_code in (401, 403):
        if "could not find" in lowered or "not found" in lowered:
            return NotFoundError
        if "permission" in lowered or "prohibited" in lowered or "restricted" in lowered:
            return PermissionDeniedError
        if "not authenticated" in lowered:
            return AuthenticationError
    if status_code == 400 and re.match(r"\s*5\d\d\b", text):
        return ServerError
    cls = _STATUS_CLASSES.get(status_code)
    if cls is None:
        cls = ServerError if status_code >= 500 else APIStatusError
    return cls


def _unsaid(detail: Any) -> bool:
    """Open WebUI's reasonless refusal: ``ERROR_MESSAGES.DEFAULT()``, which is "Something
    went wrong :/" (or ``{"detail": ""}``); a proxy's login page, which has no detail, is not
    one."""
    if isinstance(detail, dict):
        return "detail" in detail and not detail["detail"]
    return isinstance(detail, str) and detail.strip() == _SERVER_SHRUG


_SERVER_SHRUG = "Something went wrong :/"


def _detail_text(detail: Any) -> str:
    if isinstance(detail, list):  # FastAPI validation errors
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict):
                loc = ".".join(str(x) for x in item.get("loc", []) if x != "body")
                parts.append(
                    f"{loc}: {item.get('msg', item)}" if loc else str(item.get("msg", item))
                )
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(detail, dict):
        return str(detail.get("message") or detail.get("detail") or detail)
    text = str(detail)
    return text if len(text) <= 300 else text[:300] + "..."


__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConnectError",
    "InvalidHistoryError",
    "ModelError",
    "NotFoundError",
    "OpenWebUIError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "ServerError",
    "StreamInterrupted",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedFeatureError",
    "looks_like_secret",
    "redact",
    "register_secret",
    "unsendable_request",
]
