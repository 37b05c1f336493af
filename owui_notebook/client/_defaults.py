"""Where a client made with no URL connects when ``$OWUI_URL`` is not set either.

In order: the connection a notebook made with ``%owui connect`` (so that ``compare()``,
``dashboard()`` and ``OpenWebUI()`` in the next cell reach the same server), then this
machine's running ``owui-notebook sandbox``. Only the URL and key are kept, in memory.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_current: tuple[str, str | None] | None = None


def use_connection(url: str, api_key: str | None) -> None:
    """Make ``(url, api_key)`` the default for clients created without a URL."""
    global _current
    with _lock:
        _current = (url, api_key)


def forget_connection(url: str | None = None) -> None:
    """Drop the default (only if it is `url`, when given)."""
    global _current
    with _lock:
        if url is None or (_current is not None and _current[0] == url):
            _current = None


def default_connection() -> tuple[str, str | None] | None:
    """The notebook's connection, else a ready local sandbox, else None."""
    with _lock:
        if _current is not None:
            return _current
    from ..testing.connection import ready_link

    link = ready_link()
    return (link.url, link.api_key) if link is not None else None
