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
    (r"\banext\(", "next("),
    (r"\baiter\(", "iter("),
    (r"\bAsync([A-Z]\w*)", r"\1"),
]
COMPILED = [(re.compile(pattern), repl) for pattern, repl in SUBS]
# Types that exist only because a call is awaited: `Awaitable[X]` is plain `X` once the
# `await` is gone (a regex cannot match the nested brackets, hence `unwrap`).
UNWRAP = ("Awaitable",)


def header(rel: Path) -> str:
    return (
        f"# Generated from owui_notebook/client/_async/{rel.as_posix()} by scripts/unasync.py.\n"
        "# Do not edit: change the async source and run `python scripts/unasync.py`.\n"
    )


def convert(text: str) -> str:
    for pattern, repl in COMPILED:
        text = pattern.sub(repl, text)
    for name in UNWRAP:
        text = drop_unused_import(unwrap(text, name), name)
    return text


def unwrap(text: str, name: str) -> str:
    """`name[X]` -> `X` wherever it occurs, however deeply X nests brackets."""
    opener = re.compile(rf"\b{name}\[")
    while match := opener.search(text):
        depth, end = 1, match.end()
        while depth:
            if end == len(text):
                raise ValueError(f"unbalanced {name}[ at offset {match.start()}")
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        text = text[: match.start()] + text[match.end() : end - 1] + text[end:]
    return text


def drop_unused_import(text: str, name: str) -> str:
    """Take `name` out of a one-line `from ... import a, name, b` once nothing else uses it."""
    if len(re.findall(rf"\b{name}\b", text)) != 1:
        return text

    def rewrite(match: re.Match[str]) -> str:
        names = [n.strip() for n in match[2].split(",") if n.strip() != name]
        return f"{match[1]}{', '.join(names)}\n" if names else ""

    return re.sub(rf"^(from [\w.]+ import )(.*\b{name}\b.*)\n", rewrite, text, flags=re.M)


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
