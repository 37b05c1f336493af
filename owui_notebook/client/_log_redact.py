"""Keep tokens out of log lines: a filter on every logger a client's requests pass through.

httpcore logs each response's headers at DEBUG (``set-cookie: token=<JWT>`` after a sign-in,
and on every JWT-authenticated call of Open WebUI 0.12), before the client has read the
response, so a filter cannot wait for the secret registry: it also removes whatever *looks*
like a token (a JWT, a ``Bearer`` value, an Open WebUI ``sk-`` key, a ``token=`` cookie).

A filter on a logger sees only the records made on that logger, not those its children
propagate, so `install` puts one on each logger of the watched namespaces that exists (their
libraries make them at import) and is called again whenever a client is made.
"""

from __future__ import annotations

import logging
import re
import threading

from .errors import redact

WATCHED = (
    "owui_notebook",
    "httpx",
    "httpcore",
    "h11",
    "h2",
    "hpack",
    "anyio",
    "asyncio",
    "urllib3",
)

_PATTERNS = (
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), "***"),
    (re.compile(r"(?i)(bearer\s+)[^\s'\",;]+"), r"\1***"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), "***"),
    (re.compile(r"(?i)(\btoken=)[^;\s'\"&]+"), r"\1***"),
)


def scrub(text: str) -> str:
    """`text` without registered secrets or anything shaped like a token."""
    text = redact(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrite a record's message (and traceback text) with `scrub`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to the handler to report
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = RedactingFilter()
_LOCK = threading.Lock()


def _watched(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in WATCHED)


def install() -> None:
    """Put the redacting filter on every watched logger that exists now (idempotent)."""
    with _LOCK:
        names = [name for name in list(logging.Logger.manager.loggerDict) if _watched(name)]
        for name in {*WATCHED, *names}:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
