"""``owui-notebook``: run the quickstart notebook, a local Open WebUI sandbox, or JupyterLab.

owui-notebook demo              # start a sandbox, run notebooks/01-quickstart.ipynb in a kernel
owui-notebook demo --url URL    # the same against your own server ($OWUI_API_KEY)
owui-notebook sandbox           # a local Open WebUI with demo models, until Ctrl-C
owui-notebook lab               # the sandbox and JupyterLab on notebooks/, until Ctrl-C
owui-notebook run NOTEBOOK...   # run notebooks against $OWUI_URL or a running sandbox
owui-notebook notebooks DIR     # copy the example notebooks into DIR
owui-notebook cache list        # the installed Open WebUI releases (~3 GB each); cache clear
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
from .shipped_notebooks import QUICKSTART, copy_notebooks, notebooks_dir

if TYPE_CHECKING:
    from .notebook_runner import CellReport
    from .sandbox import Sandbox

DEFAULT_OUT = Path("build") / "demo"


def _say(*parts: object, file: TextIO | None = None) -> None:
    """Print to the terminal with control characters escaped: notebooks' sources, what their
    cells showed and the servers' messages may carry escape sequences a terminal would obey."""
    from .render.terminal import terminal_safe

    print(terminal_safe(" ".join(str(p) for p in parts)), file=file or sys.stdout, flush=True)


def _log(message: str) -> None:
    _say(f"[owui-notebook] {message}", file=sys.stderr)


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
    from .sandbox.provider import DEMO_MODELS

    provider_key = os.environ.get(args.provider_key_env) if args.provider_key_env else None
    box = Sandbox(
        args.server_version,
        port=args.port,
        data_dir=args.data_dir,
        provider_url=args.provider_url,
        provider_key=provider_key,
        # People see these: paced like real models, answering in Markdown (tests use the echo).
        models=DEMO_MODELS if args.provider_url is None else None,
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
    from .sandbox.demo_models import DEMO_NOTE

    with OpenWebUI(box.url, box.api_key) as client:
        models = ", ".join(m.id for m in client.models.list()) or "(none yet)"
    _say(f"Open WebUI {box.version} sandbox running at {box.url}")
    _say(f"  models:       {models}")
    if box.provider is not None:
        _say(f"                (demo models: {DEMO_NOTE}; --provider-url for real ones)")
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
        return [notebooks_dir() / QUICKSTART]
    paths = [Path(n) for n in names]
    for p in paths:
        if not p.exists():
            raise SystemExit(f"no notebook at {p}")
    return paths


_DEMO_STATE = ".owui-notebook-demo.json"


def _demo_port(data_dir: Path) -> int:
    """The port the demo's sandbox used last time with this data dir, if it is free (so that
    the links in earlier executed notebooks work again), else a new one; remembered there."""
    from .sandbox.server import _port_free, free_port

    state = data_dir / _DEMO_STATE
    port = None
    with contextlib.suppress(OSError, ValueError, TypeError):
        port = int(json.loads(state.read_text())["port"])
    if port is None or not _port_free(port):
        port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"port": port}))
    return port


def demo(args: argparse.Namespace) -> int:
    paths = _notebook_paths(args.notebooks)
    out = Path(args.out)
    if not args.url:
        from .sandbox.common import cache_dir

        # Kept, not a temporary folder: the executed notebook links to these chats.
        args.data_dir = Path(args.data_dir or cache_dir() / "demo").expanduser()
        if args.port is None:
            args.port = _demo_port(args.data_dir)
    _stop_on_sigterm()
    try:
        with _server_env(args) as env:
            code = _run_notebooks(paths, out, env)
    except KeyboardInterrupt:
        _say("\nstopped", file=sys.stderr)
        return 130
    if not args.notebooks:
        # The quickstart's "Next:" links are relative: put the notebooks they name beside it.
        copy_notebooks(out)
        _say(f"the other example notebooks are beside it in {out}")
    if not args.url and args.provider_url is None:
        from .sandbox.demo_models import DEMO_NOTE

        _say(f"The answers came from the sandbox's demo models ({DEMO_NOTE}).")
    if not args.url:
        _say(
            f"The sandbox has stopped; its chats are kept in {args.data_dir}. The chat links in "
            f"the executed notebook work again while this runs:\n"
            f"  owui-notebook sandbox --data-dir {args.data_dir} --port {args.port}"
        )
    return code


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
    jupyter = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks_dir()}"]
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


def notebooks(args: argparse.Namespace) -> int:
    """Copy the example notebooks into a folder of the user's choice (an existing one is kept)."""
    written = copy_notebooks(args.dir, force=args.force)
    for path in written:
        _say(f"wrote {path}")
    kept = sorted({p.name for p in notebooks_dir().glob("*.ipynb")} - {p.name for p in written})
    if kept:
        _say(f"kept (already there; --force overwrites): {', '.join(kept)}")
    _say(f"open them with: jupyter lab {args.dir}   (owui-notebook sandbox gives them a server)")
    return 0


def cache(args: argparse.Namespace) -> int:
    """List or remove what ~/.cache/owui-notebook holds (each Open WebUI release: ~3 GB)."""
    from .sandbox.cache import cache_entries, clear_cache, human_size
    from .sandbox.common import cache_dir

    if args.action == "clear":
        removed, skipped = clear_cache(args.version)
        for entry in removed:
            _say(f"removed Open WebUI {entry.version} ({human_size(entry.bytes)}): {entry.path}")
        for reason in skipped:
            _say(reason, file=sys.stderr)
        if not removed and not skipped:
            _say("no Open WebUI release is installed")
        return 1 if skipped else 0
    if args.version:
        raise SystemExit("a VERSION goes with `cache clear`, not `cache list`")
    entries = cache_entries()
    _say(f"{cache_dir()} (set $OWUI_NOTEBOOK_CACHE to move it)")
    for entry in entries:
        label = f"Open WebUI {entry.version}" if entry.version else entry.path.name
        _say(f"  {label:<22} {human_size(entry.bytes):>9}  {entry.path}")
    total = sum(e.bytes for e in entries)
    _say(f"  {'total':<22} {human_size(total):>9}" if entries else "  (empty)")
    return 0


def _sandbox_options(p: argparse.ArgumentParser) -> None:
    from .sandbox import DEFAULT_VERSION

    p.add_argument("--server-version", default=DEFAULT_VERSION, help="Open WebUI release")
    p.add_argument("--port", type=int, default=None, help="port for the sandbox (default: free)")
    p.add_argument(
        "--data-dir",
        default=None,
        help="keep the sandbox's chats and users here between runs "
        "(demo: default ~/.cache/owui-notebook/demo)",
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

    p = sub.add_parser("notebooks", help="copy the example notebooks into a folder")
    p.set_defaults(func=notebooks)
    p.add_argument("dir", help="folder to copy them into (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite notebooks already there")

    p = sub.add_parser(
        "cache", help="list or remove the installed Open WebUI releases (about 3 GB each)"
    )
    p.set_defaults(func=cache)
    p.add_argument("action", nargs="?", choices=["list", "clear"], default="list")
    p.add_argument("version", nargs="?", help="with clear: only this release (default: all)")

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
