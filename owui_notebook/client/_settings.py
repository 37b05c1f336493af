"""The client's settings: URL and key (from the resolver, `_connection`) and transport options."""

from __future__ import annotations

import os
import platform
import ssl
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from .._version import __version__
from ._connection import URL_ENV, resolve_connection
from .errors import ConfigurationError, redact, register_secret

CA_ENV = "OWUI_CA_BUNDLE"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# A model may think for minutes before its next token; only the gap between chunks counts.
STREAM_TIMEOUT = httpx.Timeout(60.0, connect=10.0, read=300.0)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
# Steps of a task run (`stream_task`/`run_task`) unless the caller says otherwise; here, not in
# the task runner, so that the client's signatures need not import the runner.
DEFAULT_MAX_ITERATIONS = 10
# Questions a deep-research run asks before its report (the reference client's default).
DEFAULT_RESEARCH_STEPS = 3


def user_agent() -> str:
    return (
        f"owui-notebook/{__version__} httpx/{httpx.__version__} python/{platform.python_version()}"
    )


def normalize_url(url: str) -> str:
    """Validate a server URL and drop a trailing slash or a pasted ``/api``/``/c/<id>`` suffix."""
    url = url.strip()
    if not url:
        raise ConfigurationError(
            f"no Open WebUI URL: pass base_url=..., set {URL_ENV}, "
            "or start a local one with `owui-notebook sandbox`"
        )
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"bad Open WebUI URL {url!r}: expected http(s)://host[:port], e.g. http://localhost:8080"
        )
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ConfigurationError(f"bad port in Open WebUI URL {url!r}") from None
    path = parts.path.rstrip("/")
    for suffix in ("/api/v1", "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if "/c/" in path:  # a chat link pasted from the browser
        path = path.split("/c/")[0]
    return f"{parts.scheme}://{parts.netloc}{path}"


def resolve_verify(verify: bool | str) -> bool | str:
    """TLS verification: on by default; a CA bundle (PEM file or directory) from `verify` or
    ``$OWUI_CA_BUNDLE`` for servers with a private CA; ``False`` turns it off."""
    if verify is True and os.environ.get(CA_ENV):
        verify = os.environ[CA_ENV]
    if isinstance(verify, str):
        path = Path(verify).expanduser()
        if not path.exists():
            raise ConfigurationError(
                f"CA bundle {verify!r} not found: pass verify= the path of a PEM file (or a "
                f"directory) of CA certificates, or fix ${CA_ENV}"
            )
        return str(path)
    return bool(verify)


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings. The key is kept out of the repr."""

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = 2
    verify: bool | str = True
    stream_timeout: httpx.Timeout = field(default_factory=lambda: STREAM_TIMEOUT)

    @classmethod
    def resolve(
        cls,
        base_url: str | None,
        api_key: str | None,
        *,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        verify: bool | str,
    ) -> Settings:
        found = resolve_connection(base_url, api_key)
        url = normalize_url(found.url if found is not None else "")
        verify = resolve_verify(verify)
        key = found.api_key if found is not None else None
        if key is not None:
            key = key.strip()
            if any(ch.isspace() for ch in key):
                raise ConfigurationError("the API key contains whitespace; paste it again")
            register_secret(key)
            host = urlsplit(url).hostname or ""
            if url.startswith("http://") and host not in _LOCAL_HOSTS:
                warnings.warn(
                    f"sending an API key over plain http to {redact(host)}; use https for "
                    "remote servers",
                    stacklevel=4,
                )
        if max_retries < 0:
            raise ConfigurationError("max_retries must be >= 0")
        if timeout is None:
            return cls(url, key, DEFAULT_TIMEOUT, max_retries, verify, STREAM_TIMEOUT)
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(float(timeout), connect=min(float(timeout), 10.0))
        # An explicit timeout also bounds the wait between streamed chunks.
        return cls(url, key, timeout, max_retries, verify, timeout)

    def ssl_verify(self) -> bool | ssl.SSLContext:
        """What httpx takes as ``verify=``: a CA bundle becomes an SSL context."""
        if not isinstance(self.verify, str):
            return self.verify
        try:
            if Path(self.verify).is_dir():
                return ssl.create_default_context(capath=self.verify)
            return ssl.create_default_context(cafile=self.verify)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"cannot read the CA bundle {self.verify!r} ({exc}): it needs PEM certificates"
            ) from None

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": user_agent(), "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers
