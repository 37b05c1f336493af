"""The one place that decides which server a client, panel, magic or command talks to.

Precedence, the first source that names a URL wins:

1. the explicit argument: ``OpenWebUI(url)``, ``%owui connect URL``, ``owui-notebook demo --url``;
2. the notebook's connection, made by ``%owui connect`` (so that ``OpenWebUI()``, ``compare()``
   and ``dashboard()`` in the next cell reach the server the magics use);
3. the environment: ``$OWUI_URL`` (:data:`URL_ENV`) with ``$OWUI_API_KEY`` (:data:`KEY_ENV`);
4. the finders that layers above register with :func:`add_finder`: ``import owui_notebook``
   registers the running ``owui-notebook sandbox`` of this machine. The client core never imports
   the sandbox; a script that imports only the client still reaches it, since Python imports
   ``owui_notebook`` first.

The key goes with the URL: an explicit key; else the notebook's key if it is the same server;
else ``$OWUI_API_KEY``; else a finder's key for the same server. Only URL and key are kept, in
memory; the key never shows in a repr.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "KEY_ENV",
    "URL_ENV",
    "Connection",
    "Finder",
    "add_finder",
    "forget_connection",
    "notebook_connection",
    "resolve_connection",
    "use_connection",
]

URL_ENV = "OWUI_URL"
KEY_ENV = "OWUI_API_KEY"

# ``finder(wait)`` -> ``(url, key)`` or None; `wait`: the caller may wait for a server starting.
Finder = Callable[[bool], "tuple[str, str | None] | None"]

_lock = threading.Lock()
_notebook: tuple[str, str | None] | None = None
_finders: list[Finder] = []


@dataclass(frozen=True)
class Connection:
    """A resolved server: its URL, its key (kept out of the repr) and which source named it."""

    url: str
    api_key: str | None = field(default=None, repr=False)
    source: str = "argument"  # "argument", "notebook", "environment" or "finder"


def use_connection(url: str, api_key: str | None) -> None:
    """Make ``(url, api_key)`` the notebook's connection (``%owui connect``)."""
    global _notebook
    with _lock:
        _notebook = (url, api_key)


def forget_connection(url: str | None = None) -> None:
    """Drop the notebook's connection (only if it is `url`, when given)."""
    global _notebook
    with _lock:
        if url is None or (_notebook is not None and _same(_notebook[0], url)):
            _notebook = None


def notebook_connection() -> tuple[str, str | None] | None:
    """The notebook's connection, if ``%owui connect`` made one."""
    with _lock:
        return _notebook


def add_finder(finder: Finder) -> None:
    """Register a last-resort source of a server (once; later registrations come after)."""
    with _lock:
        if finder not in _finders:
            _finders.append(finder)


def resolve_connection(
    url: str | None = None,
    api_key: str | None = None,
    *,
    notebook: bool = True,
    wait: bool = False,
) -> Connection | None:
    """The server to talk to and its key, by the precedence above; None if nothing names one.

    ``notebook=False`` skips the notebook's connection (``%owui connect`` replacing it);
    ``wait=True`` lets a finder wait for a server that is still starting.
    """
    mine = notebook_connection() if notebook else None
    env_url = os.environ.get(URL_ENV) or None
    env_key = os.environ.get(KEY_ENV) or None
    if url:
        if api_key is not None:
            return Connection(url, api_key, "argument")
        if mine is not None and _same(mine[0], url):
            return Connection(url, mine[1], "argument")
        if env_key is not None:
            return Connection(url, env_key, "argument")
        found = _find(wait=False)
        key = found[1] if found is not None and _same(found[0], url) else None
        return Connection(url, key, "argument")
    if mine is not None:
        return Connection(mine[0], mine[1] if api_key is None else api_key, "notebook")
    if env_url is not None:
        return Connection(env_url, env_key if api_key is None else api_key, "environment")
    found = _find(wait=wait)
    if found is not None:
        return Connection(found[0], found[1] if api_key is None else api_key, "finder")
    return None


def _find(*, wait: bool) -> tuple[str, str | None] | None:
    with _lock:
        finders = list(_finders)
    for finder in finders:
        found = finder(wait)
        if found is not None:
            return found
    return None


def _same(a: str, b: str) -> bool:
    """Whether two URLs name the same server (scheme and host case, a trailing slash aside)."""

    def canonical(url: str) -> tuple[str, str, str]:
        url = url.strip()
        parts = urlsplit(url if "://" in url else "http://" + url)
        return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/")

    return canonical(a) == canonical(b)
