"""A real Open WebUI on loopback behind the deterministic provider, with an admin and an API key.

One object that tests, benchmarks, notebooks and the demo share::

    with Sandbox("0.12.4") as box:
        box.url, box.api_key, box.provider.configure("alpha", ttft=0.5)
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .server import Log, OpenWebUIServer, bootstrap_admin, ensure_server_venv

if TYPE_CHECKING:
    from .provider import DeterministicProvider

__all__ = ["DEFAULT_VERSION", "SUPPORTED_VERSIONS", "Sandbox"]

DEFAULT_VERSION = "0.12.4"
# The release lines tested against real servers: the newest first.
SUPPORTED_VERSIONS = ("0.12.4", "0.6.15", "0.9.5")

ADMIN_EMAIL = "admin@example.com"
ADMIN_NAME = "Sandbox Admin"
# In a kept data dir, so that a restarted sandbox signs in again and old JWTs stay valid.
_CREDENTIALS_FILE = ".owui-notebook-sandbox.json"


def _credentials(data_dir: Path | None) -> dict[str, str]:
    """The admin password and server secret: new ones, or those saved in a kept ``data_dir``."""
    fresh = {"admin_password": secrets.token_urlsafe(18), "secret_key": secrets.token_hex(32)}
    if data_dir is None:
        return fresh
    path = data_dir / _CREDENTIALS_FILE
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(path.read_text())
        if all(isinstance(saved.get(k), str) for k in fresh):
            return {k: saved[k] for k in fresh}
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(fresh, out)
    return fresh


class Sandbox:
    """Open WebUI ``version`` on 127.0.0.1 with a bootstrapped admin.

    Starts a :class:`~owui_notebook.sandbox.provider.DeterministicProvider` (unless
    ``provider_url`` names another OpenAI-compatible endpoint, e.g. a local Ollama's
    ``http://127.0.0.1:11434/v1``, with ``provider_key`` if it needs one), installs the server once
    (see :func:`~owui_notebook.sandbox.server.ensure_server_venv`), starts it, signs up
    ``admin@example.com`` and creates an API key. ``data_dir=None`` uses a temporary directory.
    """

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        *,
        port: int | None = None,
        data_dir: Path | str | None = None,
        provider_url: str | None = None,
        provider_key: str | None = None,
        models: Mapping[str, Any] | Sequence[str] | None = None,
        log: Log | None = None,
    ) -> None:
        self.version = version
        self.port = port
        self.data_dir: Path | None = Path(data_dir).expanduser() if data_dir else None
        self.provider_url = provider_url
        self._provider_key = provider_key
        self.models = models
        self._log = log
        self.provider: DeterministicProvider | None = None
        self._own_provider: DeterministicProvider | None = None
        self.server: OpenWebUIServer | None = None
        self.url = ""
        self.admin_email = ADMIN_EMAIL
        self.admin_password = ""
        self.jwt = ""
        self.api_key = ""

    def __repr__(self) -> str:
        # Never the key, the JWT or the password.
        return f"Sandbox(version={self.version!r}, url={self.url!r})"

    def start(self) -> Sandbox:
        """Start provider and server and bootstrap the admin; on failure stop what started."""
        if self.server is not None:
            return self
        try:
            provider_url = self.provider_url
            if provider_url is None:
                from .provider import DeterministicProvider

                self.provider = self._own_provider = DeterministicProvider(models=self.models)
                self.provider.start()
                provider_url = self.provider.url
            venv = ensure_server_venv(self.version, log=self._log)
            creds = _credentials(self.data_dir)
            self.admin_password = creds["admin_password"]
            env = {"OPENAI_API_KEY": self._provider_key} if self._provider_key else {}
            if self.provider_url is not None:
                # Another provider (a local Ollama, say) need not serve our embedding model:
                # the server then puts whole files into the prompt instead of searching them.
                env["BYPASS_EMBEDDING_AND_RETRIEVAL"] = "true"
            self.server = OpenWebUIServer(
                venv,
                provider_url,
                port=self.port,
                data_dir=self.data_dir,
                secret_key=creds["secret_key"],
                env=env,
                log=self._log,
            ).start()
            self.url = self.server.url
            self.data_dir = self.server.data_dir
            if self._log:
                seconds = self.server.startup_seconds or 0.0
                self._log(f"Open WebUI {self.version} answered at {self.url} in {seconds:.0f} s")
            self.jwt, self.api_key = bootstrap_admin(
                self.url, self.admin_email, self.admin_password, ADMIN_NAME
            )
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (its whole process group) and the provider; idempotent."""
        server, self.server = self.server, None
        # self.provider stays readable after stop (its recorded requests, say).
        provider, self._own_provider = self._own_provider, None
        try:
            if server is not None:
                server.stop()
        finally:
            if provider is not None:
                provider.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
