"""``owui-notebook``: run the quickstart notebook, a local Open WebUI sandbox, or JupyterLab.

owui-notebook demo              # start a sandbox, run notebooks/01-quickstart.ipynb in a kernel
owui-notebook demo --url URL    # the same against your own server ($OWUI_API_KEY)
owui-notebook sandbox           # a local Open WebUI with demo models, until Ctrl-C
owui-notebook lab               # the sandbox and JupyterLab on notebooks/, until Ctrl-C
owui-notebook run NOTEBOOK...   # run notebooks against $OWUI_URL or a running sandbox
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .client._connection import KEY_ENV, URL_ENV, resolve_connection

if TYPE_CHECKING:
    from .notebook_runner import CellReport
    from .sandbox import Sandbox

# The clone's notebooks/ (an editable install), else ./notebooks.
_REPO_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
QUICKSTART = "01-quickstart.ipynb"
DEFAULT_OUT = Path("build") / "demo"


def _say(*parts: object, file: TextIO | None = None) -> None:
    """Print to the terminal with control characters escaped: notebooks' sources, what their
    cells showed and the servers' messages may carry escape sequences a terminal would obey."""
    from .render.terminal import terminal_safe

    print(terminal_safe(" ".join(str(p) for p in parts)), file=file or sys.stdout, flush=True)


def _log(message: str) -> None:
    _say(f"[owui-notebook] {message}", file=sys.stderr)


def _notebooks_dir() -> Path:
    for candidate in (_REPO_NOTEBOOKS, Path.cwd() / "notebooks"):
        if (candidate / QUICKSTART).exists():
            return candidate
    raise SystemExit(
        "cannot find the notebooks/ folder: run this from a clone of owui-notebook, "
        "or pass the notebook's path"
    )


def _stop_on_sigterm() -> None:
    """SIGTERM (a closing terminal, a container stop) cleans up like Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


@contextlib.contextmanager
def _sandbox(args: argparse.Namespace, *, announce: bool = False) -> Iterator[Sandbox]:
    """A started sandbox, published for notebooks on this machine while it runs."""
    from .sandbox import Sandbox
    from .sandbox.connection import SandboxLink, clear_link, write_link

    provider_key = os.environ.get(args.provider_key_env) if args.provider_key_env else None
    box = Sandbox(
        args.server_version,
        port=args.port,
        data_dir=args.data_dir,
        provider_url=args.provider_url,
        provider_key=provider_key,
        log=_log,
    )
    _log(
        f"starting a local Open WebUI {args.server_version} sandbox "
        "(the first run installs it into ~/.cache/owui-notebook: about 3-5 minutes)"
    )
    write_link(SandboxLink("starting", os.getpid(), version=args.server_version))
    try:
        started = time.monotonic()
        box.start()
        write_link(SandboxLink("ready", os.getpid(), box.url, box.api_key, box.version))
        _log(f"sandbox up in {time.monotonic() - started:.0f} s")
        if announce:
            _announce(box)
        yield box
    finally:
        clear_link()
        box.stop()


def _announce(box: Sandbox) -> None:
    from .client import OpenWebUI

    with OpenWebUI(box.url, box.api_key) as client:
        models = ", ".join(m.id for m in client.models.list()) or "(none yet)"
    _say(f"Open WebUI {box.version} sandbox running at {box.url}")
    _say(f"  models:       {models}")
    _say(f"  web UI login: {box.admin_email} / {box.admin_password}")
    _say(f"  API key:      {box.api_key}")
    _say("In a notebook on this machine (it finds this sandbox by itself):")
    _say("  %load_ext owui_notebook")
    _say("  %owui connect")
    _say("Elsewhere:")
    _say(f"  export {URL_ENV}={box.url} {KEY_ENV}=<the API key above>")
    _say("Ctrl-C stops it.")


def _server_env(args: argparse.Namespace) -> contextlib.AbstractContextManager[dict[str, str]]:
    """$OWUI_URL and $OWUI_API_KEY for a kernel: the user's server, or a sandbox for the duration.

    ``--url`` goes through the one resolver (so its key is the same a client would send there)
    and overrides whatever ``$OWUI_URL`` the kernel would otherwise inherit.
    """
    if args.url:
        found = resolve_connection(args.url)
        if found is None or not found.api_key:
            raise SystemExit(f"set {KEY_ENV} to an API key of that server (Settings > Account)")
        return contextlib.nullcontext({URL_ENV: found.url, KEY_ENV: found.api_key})

    @contextlib.contextmanager
    def sandboxed() -> Iterator[dict[str, str]]:
        with _sandbox(args) as box:
            yield {URL_ENV: box.url, KEY_ENV: box.api_key}

    return sandboxed()


def _run_notebooks(paths: list[Path], out: Path, env: dict[str, str] | None) -> int:
    from .notebook_runner import preview, run_notebook

    failed = 0
    for path in paths:
        _say(f"\n=== {path.name}")

        def show(report: CellReport, total: int) -> None:
            mark = "error" if report.error else f"{report.seconds:.1f} s"
            _say(f"[{report.number}/{total}] {report.source}  ({mark})")
            if report.text:
                _say(preview(report))

        run = run_notebook(path, out, env=env, on_cell=show)
        if run.errors:
            failed += 1
            _say(f"FAILED: {path.name}: {run.errors[0].error}", file=sys.stderr)
        _say(f"executed notebook: {run.ipynb}")
        if run.html:
            _say(f"as HTML:           {run.html}")
    return 1 if failed else 0


def _notebook_paths(names: list[str]) -> list[Path]:
    if not names:
        return [_notebooks_dir() / QUICKSTART]
    paths = [Path(n) for n in names]
    for p in paths:
        if not p.exists():
            raise SystemExit(f"no notebook at {p}")
    return paths


def demo(args: argparse.Namespace) -> int:
    paths = _notebook_paths(args.notebooks)
    _stop_on_sigterm()
    try:
        with _server_env(args) as env:
            return _run_notebooks(paths, Path(args.out), env)
    except KeyboardInterrupt:
        _say("\nstopped", file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    """Against $OWUI_URL/$OWUI_API_KEY, or the running sandbox the notebooks find themselves."""
    return _run_notebooks(_notebook_paths(args.notebooks), Path(args.out), None)


def sandbox(args: argparse.Namespace) -> int:
    if args.install_only:
        from .sandbox.install import ensure_server_venv

        venv = ensure_server_venv(args.server_version, log=_log)
        _say(f"Open WebUI {args.server_version} is installed in {venv}")
        return 0
    _stop_on_sigterm()
    try:
        with _sandbox(args, announce=True):
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        _say("\nstopped")
    return 0


def lab(args: argparse.Namespace) -> int:
    _stop_on_sigterm()
    jupyter = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={_notebooks_dir()}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        jupyter.append("--allow-root")  # containers often run as root; Jupyter refuses it bare
    try:
        with _sandbox(args, announce=True) as box:
            env = {**os.environ, URL_ENV: box.url, KEY_ENV: box.api_key}
            proc = subprocess.Popen(jupyter + args.lab_args, env=env, start_new_session=True)
            try:
                proc.wait()
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)
    except KeyboardInterrupt:
        _say("\nstopped")
    return 0


def _sandbox_options(p: argparse.ArgumentParser) -> None:
    from .sandbox import DEFAULT_VERSION

    p.add_argument("--server-version", default=DEFAULT_VERSION, help="Open WebUI release")
    p.add_argument("--port", type=int, default=None, help="port for the sandbox (default: free)")
    p.add_argument(
        "--data-dir", default=None, help="keep the sandbox's chats and users here between runs"
    )
    p.add_argument(
        "--provider-url",
        default=None,
        help="an OpenAI-compatible endpoint with real models, e.g. a local Ollama's "
        "http://127.0.0.1:11434/v1 (default: the bundled deterministic demo models)",
    )
    p.add_argument(
        "--provider-key-env",
        default=None,
        metavar="VAR",
        help="environment variable holding that endpoint's API key",
    )


class _Parser(argparse.ArgumentParser):
    """Options written out in full only (``--provider-key`` is not ``--provider-key-env``),
    and no key or token (``sk-...``, ``eyJ...``) echoed in an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        from .client.errors import redact

        super().error(redact(message))


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="owui-notebook", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="run the quickstart notebook end to end (sandbox unless --url)")
    p.set_defaults(func=demo)
    _sandbox_options(p)
    p.add_argument("--url", default=None, help="your own server instead ($OWUI_API_KEY)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="where the executed notebooks go")
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: 01-quickstart)")

    p = sub.add_parser("sandbox", help="run a local Open WebUI with demo models until Ctrl-C")
    p.set_defaults(func=sandbox)
    _sandbox_options(p)
    p.add_argument("--install-only", action="store_true", help="install the server (once) and exit")

    p = sub.add_parser(
        "lab",
        help="the sandbox plus JupyterLab on notebooks/, until Ctrl-C "
        "(other options go to JupyterLab)",
    )
    p.set_defaults(func=lab)
    _sandbox_options(p)

    p = sub.add_parser("run", help="run notebooks against $OWUI_URL or the running sandbox")
    p.set_defaults(func=run)
    p.add_argument("--out", default=str(DEFAULT_OUT), help="where the executed notebooks go")
    p.add_argument("notebooks", nargs="+", help="notebooks to run")

    from .dataset._cli import add_parser as add_export

    add_export(sub)

    # Options `lab` does not know go to JupyterLab (--no-browser, --ServerApp.port=...).
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.lab_args = extra
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
