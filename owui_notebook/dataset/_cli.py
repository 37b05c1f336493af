"""``owui-notebook export DIR``: the command-line face of `sync_dataset`."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export your chats into a Parquet dataset in DIR, or bring it up to date",
    )
    p.set_defaults(func=export)
    p.add_argument("directory", metavar="DIR", help="the dataset's directory")
    p.add_argument("--url", default=None, help="the server (default: $OWUI_URL or the sandbox)")
    p.add_argument("--since", default=None, help="first run: only chats changed after this date")
    p.add_argument("--full", action="store_true", help="fetch every chat again")
    p.add_argument(
        "--all-users",
        action="store_true",
        help="every user's chats, with a users table (admins)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def export(args: argparse.Namespace) -> int:
    from ..client import OpenWebUI, OpenWebUIError
    from ..client.errors import PermissionDeniedError

    try:
        from . import sync_dataset
    except ImportError as exc:
        print(f"owui-notebook export: {exc}", file=sys.stderr)
        return 2
    try:
        with OpenWebUI(args.url) as client:
            result = sync_dataset(
                client,
                args.directory,
                since=args.since,
                full=args.full,
                progress=not args.quiet,
                all_users=args.all_users,
            )
    except KeyboardInterrupt:
        print(
            f"owui-notebook export: interrupted; {args.directory} is as it was before this "
            "run; run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    except PermissionDeniedError as exc:
        print(f"owui-notebook export: {exc.message}", file=sys.stderr)
        return 1
    except (OpenWebUIError, ValueError, OSError) as exc:
        print(f"owui-notebook export: {exc}", file=sys.stderr)
        return 1
    print(result)
    return 0
