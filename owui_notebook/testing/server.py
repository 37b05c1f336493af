"""Install and run a real Open WebUI on loopback, and bootstrap its first admin.

Each release lives in a virtual environment of its own under ``<cache>/servers/`` (its exact pins
must not fight ours), made once and reused. The server runs in its own process group with a
fresh data directory, logs to a file in that directory, and is stopped with its whole group.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

__all__ = [
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

Log = Callable[[str], None]

MARKER = ".owui-notebook-complete"
# On these machines this version is a local CPU wheel; any other torch pulls GBs of CUDA.
TORCH_REQUIREMENT = "torch==2.13.0"
# A .partial venv touched this recently may belong to an installer that takes no lock of ours.
_PARTIAL_FRESH_SECONDS = 300.0
_PARTIAL_WAIT_SECONDS = 45 * 60.0
_TAIL_LINES = 20
# Variables worth passing through to the server; anything else in our environment (PYTHONPATH,
# VIRTUAL_ENV, a user's DATABASE_URL or OPENAI_API_KEY...) would make the sandbox less predictable.
_PASSTHROUGH_ENV = ("HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")


class SandboxError(RuntimeError):
    """Base of the harness's errors: installing, starting or bootstrapping a server."""


class ServerInstallError(SandboxError):
    """The Open WebUI virtual environment could not be made."""


class ServerStartError(SandboxError):
    """The server process died or did not answer ``/health`` in time."""


class BootstrapError(SandboxError):
    """Signing up the admin, signing in or creating an API key failed."""


def _nolog(message: str) -> None:
    pass


def _tail(path: Path, lines: int = _TAIL_LINES, redact: tuple[str, ...] = ()) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    for secret in redact:
        if secret:
            text = text.replace(secret, "***")
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


# --------------------------------------------------------------------------- installing


def cache_dir() -> Path:
    """``$OWUI_NOTEBOOK_CACHE`` or ``~/.cache/owui-notebook``."""
    env = os.environ.get("OWUI_NOTEBOOK_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "owui-notebook"


def server_venv_dir(version: str) -> Path:
    """Where the virtual environment of Open WebUI ``version`` lives (made or not)."""
    return cache_dir() / "servers" / f"open-webui-{version}"


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _is_usable(venv: Path, version: str) -> bool:
    """A venv with the console script and an importable ``open_webui`` of the right version."""
    if not (venv / "bin" / "open-webui").is_file() or not _venv_python(venv).exists():
        return False
    probe = "import importlib.metadata as m, open_webui; print(m.version('open-webui'))"
    try:
        out = subprocess.run(
            [str(_venv_python(venv)), "-c", probe],
            capture_output=True,
            text=True,
            timeout=120,
            env=_clean_env(venv),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def _fix_script_paths(venv: Path, old: Path) -> None:
    """Point the scripts in ``bin/`` at the venv's final path after the ``.partial`` rename.

    Their shebangs (and ``activate``) hold the absolute path the venv was made at.
    """
    old_b, new_b = str(old).encode(), str(venv).encode()
    for script in (venv / "bin").iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        try:
            data = script.read_bytes()
        except OSError:
            continue
        if old_b in data and b"\0" not in data[:1024]:
            script.write_bytes(data.replace(old_b, new_b))


def _partial_in_use(partial: Path) -> bool:
    """Whether another installer (a process, or recent writes) is still working on ``partial``."""
    needle = str(partial).encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if needle in (proc / "cmdline").read_bytes():
                return True
    newest = 0.0
    for path in (partial, *partial.glob("lib/python*/site-packages")):
        with contextlib.suppress(OSError):
            newest = max(newest, path.stat().st_mtime)
    return time.time() - newest < _PARTIAL_FRESH_SECONDS


# Install subprocesses still running when the interpreter exits are killed with their group,
# so an interrupted session leaves a stale .partial (removed next time), not a stray pip.
_installers: set[subprocess.Popen[bytes]] = set()
_installers_lock = threading.Lock()


def _kill_installers() -> None:
    with _installers_lock:
        procs = list(_installers)
    for proc in procs:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)


atexit.register(_kill_installers)


def _run_step(argv: list[str], step: str, version: str, logfile: Path, env: dict[str, str]) -> None:
    with logfile.open("ab") as out:
        out.write(f"\n=== {step}: {' '.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        with _installers_lock:
            _installers.add(proc)
        try:
            code = proc.wait()
        finally:
            with _installers_lock:
                _installers.discard(proc)
    if code != 0:
        raise ServerInstallError(
            f"installing Open WebUI {version} failed at '{step}' (exit {code}); "
            f"full log: {logfile}; last lines:\n{_tail(logfile)}"
        )


def _install(version: str, venv: Path, partial: Path, log: Log) -> None:
    logfile = venv.parent / f"open-webui-{version}.install.log"
    logfile.write_text("")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_PROGRESS_BAR": "off"}
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER", "PIP_TARGET"):
        env.pop(var, None)
    py = str(_venv_python(partial))
    steps = [
        ("create the venv", [sys.executable, "-m", "venv", str(partial)]),
        (f"pip install {TORCH_REQUIREMENT}", [py, "-m", "pip", "install", "-q", TORCH_REQUIREMENT]),
        (
            f"pip install open-webui=={version}",
            [py, "-m", "pip", "install", "-q", f"open-webui=={version}"],
        ),
    ]
    log(f"installing Open WebUI {version} into {venv} (once; about 3-5 minutes), log: {logfile}")
    started = time.monotonic()
    for number, (step, argv) in enumerate(steps, 1):
        log(f"Open WebUI {version}: step {number}/{len(steps)}: {step}")
        _run_step(argv, step, version, logfile, env)
    partial.rename(venv)
    _fix_script_paths(venv, partial)
    if not _is_usable(venv, version):
        raise ServerInstallError(
            f"Open WebUI {version} installed into {venv} but does not import; see {logfile}"
        )
    (venv / MARKER).write_text(f"open-webui=={version}\n")
    log(f"Open WebUI {version} installed in {time.monotonic() - started:.0f} s")


@contextlib.contextmanager
def _install_lock(venv: Path, log: Log) -> Iterator[None]:
    """An exclusive lock per version, so two processes never install the same one at once."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f".{venv.name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another process that is installing {venv.name}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_for_foreign_partial(partial: Path, venv: Path, log: Log) -> None:
    deadline = time.monotonic() + _PARTIAL_WAIT_SECONDS
    last_note = 0.0
    while partial.exists() and not venv.exists() and _partial_in_use(partial):
        if time.monotonic() > deadline:
            raise ServerInstallError(
                f"{partial} has been in the making for over {_PARTIAL_WAIT_SECONDS / 60:.0f} "
                "minutes by another process; stop that process or remove the directory"
            )
        if time.monotonic() - last_note > 60:
            log(f"waiting for another installer to finish {partial.name}")
            last_note = time.monotonic()
        time.sleep(5)


def ensure_server_venv(version: str, *, log: Log | None = None) -> Path:
    """The path of a virtual environment with ``open-webui==version``, installing it if needed.

    Installs ``torch`` first (see ``TORCH_REQUIREMENT``) into ``<dir>.partial``, renames it when
    complete and writes a marker file. Safe to call from several threads and processes at once.
    """
    log = log or _nolog
    venv = server_venv_dir(version)
    partial = venv.with_name(venv.name + ".partial")
    with _install_lock(venv, log):
        if (venv / MARKER).exists():
            return venv
        # Made by hand or by another tool (no lock of ours): wait for it rather than race it.
        _wait_for_foreign_partial(partial, venv, log)
        if venv.exists():
            if _is_usable(venv, version):
                _fix_script_paths(venv, partial)
                (venv / MARKER).write_text(f"open-webui=={version}\n")
                return venv
            log(f"{venv} is incomplete or broken: reinstalling")
            shutil.rmtree(venv)
        if partial.exists():
            log(f"removing the stale unfinished install {partial}")
            shutil.rmtree(partial)
        _install(version, venv, partial, log)
        return venv


# --------------------------------------------------------------------------- running


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in _PASSTHROUGH_ENV if k in os.environ}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    return env


def server_env(
    data_dir: Path, provider_url: str, secret_key: str, provider_key: str = "sk-sandbox"
) -> dict[str, str]:
    """The variables that make a quiet, offline, deterministic Open WebUI (0.6 to 0.12)."""
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
        "BYPASS_EMBEDDING_AND_RETRIEVAL": "true",
        "RAG_EMBEDDING_ENGINE": "openai",
        # 0.12 spells the API-key switch ENABLE_API_KEYS (off by default), 0.6 ENABLE_API_KEY.
        "ENABLE_API_KEYS": "True",
        "ENABLE_API_KEY": "True",
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
        started = time.monotonic()
        # A file, never a pipe: nobody reads a pipe and a full one blocks the server.
        with self.log_path.open("ab") as out:
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


# --------------------------------------------------------------------------- bootstrapping


def _call(
    url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        # A fresh client each time: no cookie from a signup may stand in for the token we test.
        with httpx.Client(base_url=url, timeout=60.0, trust_env=False) as http:
            return http.request(method, path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise BootstrapError(f"{method} {path} at {url} failed: {type(exc).__name__}") from None


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    request = response.request
    where = f"{request.method} {request.url.path} -> {response.status_code}"
    if response.status_code != 200:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text[:200]
        raise BootstrapError(f"could not {what}: {where}: {detail}")
    try:
        data = response.json()
    except ValueError:
        raise BootstrapError(f"could not {what}: {where} is not JSON") from None
    if not isinstance(data, dict):
        raise BootstrapError(f"could not {what}: {where} answered {type(data).__name__}")
    return data


def bootstrap_admin(url: str, email: str, password: str, name: str = "Admin") -> tuple[str, str]:
    """Sign up the first user (the admin), or sign in if it exists; return ``(jwt, api_key)``.

    The API key is the admin's existing one if it has one, else a new one.
    """
    creds = {"email": email, "password": password}
    response = _call(url, "POST", "/api/v1/auths/signup", body={**creds, "name": name})
    # 400: the e-mail is taken; 403: signup closed after the first user (a reused data dir).
    if response.status_code in (400, 403):
        response = _call(url, "POST", "/api/v1/auths/signin", body=creds)
    user = _json(response, f"sign up or sign in as {email}")
    if user.get("role") != "admin" or not user.get("token"):
        raise BootstrapError(f"{email} signed in but is {user.get('role')!r}, not an admin")
    jwt = user["token"]
    response = _call(url, "GET", "/api/v1/auths/api_key", token=jwt)
    if response.status_code != 200:  # 404: no key yet
        response = _call(url, "POST", "/api/v1/auths/api_key", token=jwt)
    key = _json(response, "create an API key for the admin").get("api_key")
    if not key:
        raise BootstrapError("the server answered the API key request without a key")
    return jwt, key


def create_user(
    url: str, admin_token: str, name: str, email: str, password: str, role: str = "user"
) -> dict[str, Any]:
    """Add a user through the admin endpoint; return the server's answer (id, email, role...)."""
    body = {"name": name, "email": email, "password": password, "role": role}
    response = _call(url, "POST", "/api/v1/auths/add", token=admin_token, body=body)
    return _json(response, f"add the user {email}")
