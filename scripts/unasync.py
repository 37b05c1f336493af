"""Generate owui_notebook/client/_sync/ from owui_notebook/client/_async/.

The async code is the one source of truth; the sync client is this mechanical rewrite of
it (the approach of httpcore's scripts/unasync.py). Run it after editing anything under
_async/; `--check` fails if the generated copy is out of date (the test suite runs it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "owui_notebook" / "client" / "_async"
DST = ROOT / "owui_notebook" / "client" / "_sync"

SUBS = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\b__anext__\b", "__next__"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncGenerator\b", "Generator"),
    (r"\basynccontextmanager\b", "contextmanager"),
    (r"\baclose\b", "close"),
    (r"\baiter_lines\b", "iter_lines"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\baread\b", "read"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
]
COMPILED = [(re.compile(pattern), repl) for pattern, repl in SUBS]


def header(rel: Path) -> str:
    return (
        f"# Generated from owui_notebook/client/_async/{rel.as_posix()} by scripts/unasync.py.\n"
        "# Do not edit: change the async source and run `python scripts/unasync.py`.\n"
    )


def convert(text: str) -> str:
    for pattern, repl in COMPILED:
        text = pattern.sub(repl, text)
    return text


def expected_files() -> dict[Path, str]:
    out = {}
    for src in sorted(SRC.rglob("*.py")):
        rel = src.relative_to(SRC)
        out[rel] = header(rel) + convert(src.read_text())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if _sync/ is out of date")
    args = parser.parse_args(argv)
    files = expected_files()
    stale = []
    for rel, text in files.items():
        dst = DST / rel
        if not dst.exists() or dst.read_text() != text:
            stale.append(rel)
            if not args.check:
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_text(text)
    extra = [p for p in DST.rglob("*.py") if p.relative_to(DST) not in files]
    for path in extra:
        stale.append(path.relative_to(DST))
        if not args.check:
            path.unlink()
    if args.check and stale:
        names = ", ".join(str(p) for p in stale)
        print(f"_sync/ is out of date ({names}): run python scripts/unasync.py", file=sys.stderr)
        return 1
    if not args.check:
        print(f"unasync: {len(stale)} file(s) written" if stale else "unasync: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
