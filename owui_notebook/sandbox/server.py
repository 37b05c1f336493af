"""Run a real Open WebUI on loopback: its own process group, data dir and log file.

Installing releases is `install`'s job and bootstrapping accounts `bootstrap`'s; both are
re-exported here, where the harness began.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from .bootstrap import bootstrap_admin, create_user
from .common import (
    BootstrapError,
    Log,
    SandboxError,
    ServerInstallError,
    ServerStartError,
    _clean_env,
    _nolog,
    _tail,
)
from .install import MARKER, _venv_python, cache_dir, ensure_server_venv, server_venv_dir
from .provider import EMBEDDING_MODEL

__all__ = [
    "MARKER",
    "BootstrapError",
    "OpenWebUIServer",
    "SandboxError",
    "ServerInstallError",
    "ServerStartError",
    "bootstrap_admin",
    "cache_dir",
    "create_user",
    "ensure_server_venv",
    "server_venv_dir",
]

# --------------------------------------------------------------------------- running


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def server_env(
    data_dir: Path, provider_url: str, secret_key: str, provider_key: str = "sk-sandbox"
) -> dict[str, str]:
    """The variables that make a quiet, offline, deterministic Open WebUI (0.6 to 0.12).

    Files and knowledge bases are embedded by `provider_url`'s ``/v1/embeddings`` (the
    deterministic provider's, model ``EMBEDDING_MODEL``); for a provider without it, set
    ``BYPASS_EMBEDDING_AND_RETRIEVAL=true`` (whole files go into the prompt instead).
    """
    return {
        "DATA_DIR": str(data_dir),
        "WEBUI_SECRET_KEY": secret_key,
        "ENABLE_OLLAMA_API": "False",
        "ENABLE_OPENAI_API": "True",
        "OPENAI_API_BASE_URL": provider_url,
        "OPENAI_API_KEY": provider_key,
        "OFFLINE_MODE": "true",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # Retrieval runs for real: the provider's /v1/embeddings (hashed bag-of-words vectors)
        # embeds files and queries, Open WebUI's own vector store (Chroma) ranks the chunks.
        # No model is downloaded: the "openai" engine loads no local embedding or reranking
        # model, and hybrid search (BM25) and reranking stay off.
        "BYPASS_EMBEDDING_AND_RETRIEVAL": "false",
        "RAG_EMBEDDING_ENGINE": "openai",
        "RAG_EMBEDDING_MODEL": EMBEDDING_MODEL,
        "RAG_OPENAI_API_BASE_URL": provider_url,
        "RAG_OPENAI_API_KEY": provider_key,
        "RAG_EMBEDDING_BATCH_SIZE": "64",
        "RAG_RERANKING_MODEL": "",
        "ENABLE_RAG_HYBRID_SEARCH": "false",
        # 0.12 spells the API-key switch ENABLE_API_KEYS (off by default), 0.6 ENABLE_API_KEY.
        "ENABLE_API_KEYS": "True",
        "ENABLE_API_KEY": "True",
        # 0.7 asks for this permission even of admins before it makes an API key.
        "USER_PERMISSIONS_FEATURES_API_KEYS": "True",
        "ENABLE_SIGNUP": "True",
        "ENABLE_VERSION_UPDATE_CHECK": "False",
        # The environment wins over whatever a reused data dir persisted.
        "ENABLE_PERSISTENT_CONFIG": "False",
        # Non-admin test users may see and use the provider's models.
        "BYPASS_MODEL_ACCESS_CONTROL": "True",
        # 0.6 lists an "Arena Model" by default; model lists hold only the provider's models.
        "ENABLE_EVALUATION_ARENA_MODELS": "False",
        "ENABLE_DIRECT_CONNECTIONS": "False",
        "ENABLE_WEB_SEARCH": "False",
        "ENABLE_IMAGE_GENERATION": "False",
        "ENABLE_CODE_INTERPRETER": "False",
        "ENABLE_OTEL": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "DO_NOT_TRACK": "true",
        "SCARF_NO_ANALYTICS": "true",
        "UVICORN_WORKERS": "1",
        "GLOBAL_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        # Plain tracebacks: typer's boxed ones make the log tail in errors hard to read.
        "_TYPER_STANDARD_TRACEBACK": "1",
    }


_servers: set[OpenWebUIServer] = set()


def _stop_all_servers() -> None:
    for server in list(_servers):
        server.stop()


atexit.register(_stop_all_servers)


class OpenWebUIServer:
    """``open-webui serve`` on 127.0.0.1 in its own process group, logging to its data dir.

    ``data_dir=None`` makes a temporary one, removed by :meth:`stop`; a given one is kept.
    ``env`` adds to or overrides :func:`server_env`.
    """

    def __init__(
        self,
        venv: Path | str,
        provider_url: str,
        *,
        port: int | None = None,
        data_dir: Path | str | None = None,
        secret_key: str | None = None,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 180.0,
        log: Log | None = None,
    ) -> None:
        self.venv = Path(venv)
        self.provider_url = provider_url
        self.port = port
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._own_data_dir = data_dir is None
        self._secret_key = secret_key or os.urandom(24).hex()
        self._extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self._log = log or _nolog
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self.startup_seconds: float | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"OpenWebUIServer(url={self.url!r}, {state})"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" if self.port else ""

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path | None:
        return self.data_dir / "owui-server.log" if self.data_dir else None

    def start(self) -> OpenWebUIServer:
        """Start the server and wait until ``GET /health`` answers; :class:`ServerStartError`."""
        if self._proc is not None:
            raise SandboxError("this server was started already")
        if self.port and not _port_free(self.port):
            # Else /health might be answered by whatever holds the port, not by our server.
            raise ServerStartError(f"cannot start Open WebUI: port {self.port} is in use")
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="owui-data-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        env = {
            **_clean_env(self.venv),
            **server_env(self.data_dir, self.provider_url, self._secret_key),
            **self._extra_env,
        }
        # Through the venv's interpreter: a script's shebang may be stale or too long for Linux.
        argv = [str(_venv_python(self.venv)), str(self.venv / "bin" / "open-webui"), "serve"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        assert self.log_path is not None
        self._log(f"starting Open WebUI from {self.venv.name} at {self.url}, log: {self.log_path}")
        started = time.monotonic()
        # A file, never a pipe: nobody reads a pipe and a full one blocks the server.
        with self.log_path.open("ab") as out:
            # The log may be appended to by earlier runs on a kept data dir.
            out.write(f"=== owui-notebook: {' '.join(argv)}\n".encode())
            out.flush()
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.data_dir,
                start_new_session=True,
            )
        _servers.add(self)
        try:
            self._wait_healthy(started)
        except BaseException:
            self.stop(keep_data=True)
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _fail(self, reason: str) -> ServerStartError:
        tail = _tail(self.log_path, redact=(self._secret_key,)) if self.log_path else ""
        return ServerStartError(
            f"Open WebUI at {self.url} (from {self.venv.name}) {reason}; "
            f"log: {self.log_path}; last lines:\n{tail}"
        )

    def _wait_healthy(self, started: float) -> None:
        assert self._proc is not None
        with httpx.Client(timeout=2.0, trust_env=False) as http:
            while True:
                code = self._proc.poll()
                if code is not None:
                    raise self._fail(f"exited with code {code} while starting")
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(f"{self.url}/health").status_code == 200:
                        return
                if time.monotonic() - started > self.startup_timeout:
                    raise self._fail(f"did not answer /health within {self.startup_timeout:.0f} s")
                time.sleep(0.25)

    def stop(self, *, keep_data: bool = False, timeout: float = 15.0) -> None:
        """Terminate the whole process group (SIGTERM, then SIGKILL); idempotent."""
        _servers.discard(self)
        # Once only: after that the group id may be reused by an unrelated process.
        if self._proc is not None and not self._stopped:
            self._stopped = True
            _stop_group(self._proc, timeout)
        if self._own_data_dir and not keep_data and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> OpenWebUIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
    pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.1)  # reap the leader, or it lingers as a zombie
            if proc.returncode is not None and not _group_alive(pgid):
                return
    proc.wait()
