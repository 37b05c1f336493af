"""Install Open WebUI releases, each in a virtual environment of its own, made once and reused.

Each release lives under ``<cache>/servers/`` (its exact pins must not fight ours). Installs
take an exclusive lock per version, so a test run and a demo never install the same one twice.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .common import Log, ServerInstallError, _clean_env, _nolog, _tail, cache_dir

MARKER = ".owui-notebook-complete"
_OWN_PARTIAL = ".owui-notebook-installing"
# On these machines this version is a local CPU wheel; any other torch pulls GBs of CUDA.
TORCH_REQUIREMENT = "torch==2.13.0"
# An extra index for torch (Binder sets PyTorch's CPU index: PyPI's Linux wheel is the CUDA one).
TORCH_INDEX_ENV = "OWUI_NOTEBOOK_TORCH_INDEX"
# A .partial venv touched this recently may belong to an installer that takes no lock of ours.
_PARTIAL_FRESH_SECONDS = 300.0
_PARTIAL_WAIT_SECONDS = 45 * 60.0

# --------------------------------------------------------------------------- installing


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
    procs = Path("/proc").iterdir() if Path("/proc/self").exists() else ()  # Linux only
    for proc in procs:
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
            # pip's warnings about this machine's index settings drown the error.
            f"full log: {logfile}; last lines:\n{_tail(logfile, skip='WARNING: ')}"
        )


def _install(version: str, venv: Path, partial: Path, log: Log) -> None:
    logfile = venv.parent / f"open-webui-{version}.install.log"
    logfile.write_text("")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_PROGRESS_BAR": "off"}
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER", "PIP_TARGET"):
        env.pop(var, None)
    py = str(_venv_python(partial))
    partial.mkdir(parents=True)
    # Says "made under our lock": found later, the install died and the directory is stale.
    (partial / _OWN_PARTIAL).write_text(f"{os.getpid()}\n")
    torch_source = [TORCH_REQUIREMENT]
    if os.environ.get(TORCH_INDEX_ENV):  # e.g. PyTorch's CPU wheels where no GPU exists
        torch_source += ["--extra-index-url", os.environ[TORCH_INDEX_ENV]]
    steps = [
        ("create the venv", [sys.executable, "-m", "venv", str(partial)]),
        (f"pip install {TORCH_REQUIREMENT}", [py, "-m", "pip", "install", "-q", *torch_source]),
        (
            f"pip install open-webui=={version}",
            [py, "-m", "pip", "install", "-q", f"open-webui=={version}"],
        ),
    ]
    log(f"installing Open WebUI {version} into {venv} (once; about 3-5 minutes), log: {logfile}")
    started = time.monotonic()
    try:
        for number, (step, argv) in enumerate(steps, 1):
            log(f"Open WebUI {version}: step {number}/{len(steps)}: {step}")
            _run_step(argv, step, version, logfile, env)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # gigabytes that a retry would redo anyway
        raise
    (partial / _OWN_PARTIAL).unlink()
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
    try:
        import fcntl
    except ImportError:
        # The sandbox runs Open WebUI from a POSIX venv (bin/, process groups, flock): say so
        # instead of failing half-way. The client itself works everywhere.
        raise ServerInstallError(
            "the local Open WebUI sandbox needs Linux or macOS (on Windows, run it in WSL); "
            "connect to a server of your own with %owui connect URL or $OWUI_URL instead"
        ) from None
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
    if (partial / _OWN_PARTIAL).exists():
        return  # ours, and we hold the lock: its installer is gone
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
