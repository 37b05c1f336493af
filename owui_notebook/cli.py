"""``owui-notebook`` command line: the demo (main job) and a local sandbox server.

owui-notebook demo            # start a local Open WebUI sandbox, hold a streamed chat
owui-notebook demo --url URL  # the same against your own server ($OWUI_API_KEY)
owui-notebook sandbox         # start the sandbox and keep it running until Ctrl-C
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator

DEMO_PROMPTS = (
    "Hello! Introduce yourself in one sentence.",
    "What did I just ask you?",
)


def _log(message: str) -> None:
    print(f"[owui-notebook] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _server(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """(url, key) of the user's server, or of a sandbox started for the duration."""
    if args.url:
        key = os.environ.get("OWUI_API_KEY")
        if not key:
            raise SystemExit("set OWUI_API_KEY to an API key of that server (Settings > Account)")
        yield args.url, key
        return
    from .testing.sandbox import Sandbox

    _log(
        f"starting a local Open WebUI {args.server_version} sandbox "
        "(the first run installs it: about 3-5 minutes)"
    )
    with Sandbox(args.server_version, port=args.port, data_dir=args.data_dir, log=_log) as box:
        _log(f"Open WebUI {box.version} is up at {box.url} (admin login: {box.admin_email})")
        yield box.url, box.api_key


def demo(args: argparse.Namespace) -> int:
    from .client import OpenWebUI, OpenWebUIError, validate_history

    try:
        with _server(args) as (url, key), OpenWebUI(url, key) as client:
            info = client.server_info()
            model = args.model or next(iter(m.id for m in client.models.list()), None)
            if model is None:
                raise SystemExit(
                    "the server lists no models: add a connection in its admin settings"
                )
            print(f"Open WebUI {info.version} at {url}, model {model}\n")
            chat = client.chat(model, title="owui-notebook demo")
            for prompt in args.prompt or DEMO_PROMPTS:
                print(f">>> {prompt}")
                with chat.stream(prompt) as stream:
                    for text in stream:
                        print(text, end="", flush=True)
                result = stream.result
                ttft = f"{result.timings.ttft * 1000:.0f} ms" if result.timings.ttft else "n/a"
                tokens = result.usage.completion_tokens if result.usage else None
                print(f"\n    [first token {ttft}, {tokens} tokens]\n")
            saved = client.chats.get(chat.id or "")
            problems = validate_history(saved)
            print(f"chat id: {chat.id}")
            print(f"open it: {chat.url}")
            print(f"saved thread: {chat.turns} turns, tree {problems or 'valid'}")
            return 0 if not problems else 1
    except OpenWebUIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def sandbox(args: argparse.Namespace) -> int:
    import time

    from .testing.sandbox import Sandbox

    with Sandbox(args.server_version, port=args.port, data_dir=args.data_dir, log=_log) as box:
        print(f"Open WebUI {box.version} sandbox running at {box.url}")
        print(f"  admin login: {box.admin_email} / {box.admin_password}")
        print(f"  export OWUI_URL={box.url}")
        print(f"  export OWUI_API_KEY={box.api_key}")
        print("Ctrl-C stops it.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nstopping...")
    return 0


def main(argv: list[str] | None = None) -> int:
    from .testing.sandbox import DEFAULT_VERSION

    parser = argparse.ArgumentParser(prog="owui-notebook", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, text in (
        ("demo", demo, "hold a short streamed chat (in a local sandbox unless --url)"),
        ("sandbox", sandbox, "run a local Open WebUI with demo models until Ctrl-C"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=func)
        p.add_argument("--server-version", default=DEFAULT_VERSION, help="Open WebUI release")
        p.add_argument("--port", type=int, default=None, help="port for the sandbox server")
        p.add_argument("--data-dir", default=None, help="keep the sandbox's data here between runs")
        if name == "demo":
            p.add_argument("--url", default=os.environ.get("OWUI_URL"), help="your own server")
            p.add_argument("-m", "--model", default=None, help="model id (default: the first)")
            p.add_argument("prompt", nargs="*", help="prompts to send (default: a short demo)")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
