"""pytest plugin: fail any test whose output, logs or errors show a sandbox's key or token.

Loaded from tests/conftest.py next to ``owui_notebook.testing.pytest_plugin``. Watched, for
every test of the session: every log record at DEBUG of every logger a request passes
through (``owui_notebook``, ``httpx``, ``httpcore``, ``h11``, ``hpack``, ``asyncio``, ...),
the test's captured stdout, stderr and log, its failure report, every ``OpenWebUIError``
made, every traceback or usage error IPython shows, every display output published in an
in-process shell, every message a Jupyter kernel sends to a client (the executed notebooks
and kernel tests) and every change of an ipywidget's state. The secrets are the API key, JWT
and admin password of each sandbox the session started, every secret the client registered
(keys, passwords, the JWTs servers hand back on sign-in and in ``set-cookie``), and anything
shaped like a JWT. A finding fails the test it happened in, naming where it was seen (never
the secret itself).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import threading
from collections.abc import Callable, Generator
from typing import Any

import pytest

_FINDINGS: list[str] = []
_LOCK = threading.Lock()
_STATE: dict[str, Any] = {"config": None}
# Three base64url parts, the first a JSON header: any JWT, including ones no registry knows.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")


def _secrets() -> list[str]:
    config = _STATE["config"]
    if config is None:
        return []
    from .pytest_plugin import _POOL

    pool = config.stash.get(_POOL, None)
    boxes = list(getattr(pool, "_boxes", {}).values()) if pool is not None else []
    found = []
    for box in boxes:
        found += [s for s in (box.api_key, box.jwt, box.admin_password) if s and len(s) >= 8]
    from ..client import errors

    with errors._SECRETS_LOCK:
        found += errors._SECRETS
    return found


def scan(text: Any, where: str) -> None:
    """Record a finding if `text` contains a secret of the session's sandboxes."""
    if not text:
        return
    if not isinstance(text, str):
        try:
            text = json.dumps(text, default=str)
        except (TypeError, ValueError):
            text = str(text)
    if _JWT.search(text) or any(secret in text for secret in _secrets()):
        with _LOCK:
            _FINDINGS.append(where)


class _ScanHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        # A record that cannot format is not this handler's business.
        with contextlib.suppress(Exception):
            scan(record.getMessage(), f"log line of {record.name}")


def _wrap(owner: Any, name: str, after: Callable[..., None]) -> None:
    """Call `after(result, *args, **kwargs)` after every call of ``owner.name``."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with contextlib.suppress(Exception):  # a watcher never breaks the code it watches
            after(result, *args, **kwargs)
        return result

    setattr(owner, name, wrapper)


def _install_watchers() -> None:
    from ..client.errors import OpenWebUIError

    def error_made(result: Any, self: Any, *args: Any, **kwargs: Any) -> None:
        scan(f"{self} {self.args!r}", f"{type(self).__name__} message")

    _wrap(OpenWebUIError, "__init__", error_made)

    from IPython.core import display_functions
    from IPython.core.interactiveshell import InteractiveShell

    def shown(result: Any, *args: Any, **kwargs: Any) -> None:
        import sys
        import traceback

        value = getattr(sys, "last_value", None)
        if value is not None:
            scan("".join(traceback.format_exception(value)), "traceback shown by IPython")

    _wrap(InteractiveShell, "showtraceback", shown)
    _wrap(
        InteractiveShell,
        "show_usage_error",
        lambda result, self, exc, *a, **k: scan(str(exc), "usage error shown by IPython"),
    )
    _wrap(
        display_functions,
        "publish_display_data",
        lambda result, *a, **k: scan([a, k], "display output"),
    )
    try:
        from jupyter_client.session import Session

        def kernel_message(msg: Any, *args: Any, **kwargs: Any) -> None:
            # execute_input only echoes the code the test itself sent (a planted fake key
            # among it): what the kernel answers is what must never show a secret.
            if msg.get("msg_type") != "execute_input":
                scan(msg.get("content"), f"kernel message {msg.get('msg_type')}")

        _wrap(Session, "deserialize", kernel_message)
    except ImportError:
        pass
    try:
        from ipywidgets import Widget

        def constructed(widget: Any) -> None:
            name = type(widget).__name__
            widget.observe(lambda change: scan(change.get("new"), f"{name} widget state"))

        Widget.on_widget_constructed(constructed)
    except ImportError:
        pass


def pytest_configure(config: pytest.Config) -> None:
    _STATE["config"] = config
    handler = _ScanHandler(level=logging.DEBUG)
    logging.getLogger().addHandler(handler)
    # Records below the loggers' levels never reach a handler: let through DEBUG of every
    # logger a request passes through (httpcore logs response headers, cookies included).
    from ..client._log_redact import WATCHED

    for name in WATCHED:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > logging.DEBUG:
            logger.setLevel(logging.DEBUG)
    _install_watchers()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    for title, content in report.sections:
        scan(content, title.lower())
    if report.failed:
        scan(report.longreprtext, "failure report")
    with _LOCK:
        findings = sorted(set(_FINDINGS))
        _FINDINGS.clear()
    if findings:
        message = (
            f"a sandbox's API key, JWT or password appeared in: {', '.join(findings)} "
            "(owui_notebook.testing.secret_scan)"
        )
        if report.failed:  # keep the test's own failure, and say this too
            report.sections.append(("secret scan", message))
        else:
            report.outcome = "failed"
            report.longrepr = message
    return report
