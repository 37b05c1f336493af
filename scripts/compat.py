"""The compatibility run: the integration, magics and web UI tests against every release line.

    python scripts/compat.py                      # every line below, one after another (hours)
    python scripts/compat.py --versions 0.7.2,0.8.12
    python scripts/compat.py --table-only         # rewrite the table from the stored results

For each version it installs the server once (``ensure_server_venv``: ~3 GB, minutes), runs
pytest with ``--owui-versions VERSION`` and keeps each test's outcome in
``bench/results/compat/<version>.json``. The table ``docs/compatibility.md`` (feature x release:
works, needs >= X, or the failure) is rebuilt from every stored result, so versions can be run
on different days; a version never run shows as "not run". Outside CI's time budget on purpose.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from owui_notebook.client.features import FEATURES, has_feature, parse_version  # noqa: E402

# The newest release of each minor line from 0.6 to 0.12, newest first.
VERSIONS = ("0.12.4", "0.11.4", "0.10.2", "0.9.6", "0.8.12", "0.7.2", "0.6.43")
TEST_PATHS = ("tests/integration", "tests/magics")
RESULTS = ROOT / "bench" / "results" / "compat"
TABLE = ROOT / "docs" / "compatibility.md"


@dataclass(frozen=True)
class Row:
    """A feature of the table, the tests that show it (fnmatch on ``module::test``), and the
    release that brought it (a key of ``client.features.FEATURES``), if the server gates it."""

    name: str
    patterns: tuple[str, ...]
    gate: str | None = None


# First match wins: the narrow patterns come before their module's catch-all.
ROWS = (
    Row("Chat usage stats", ("test_stats_and_admin::test_usage_stats*",), "chat_usage_stats"),
    Row(
        "Stats export (paged, NDJSON, since)",
        ("test_stats_and_admin::test_export*",),
        "chat_stats_export",
    ),
    Row(
        "Admin analytics",
        ("test_stats_and_admin::test_analytics", "test_frames_admin::test_analytics*"),
        "analytics",
    ),
    Row(
        "Ratings and leaderboard",
        ("test_stats_and_admin::test_rating*", "test_frames_admin::test_leaderboard*"),
        "leaderboard",
    ),
    Row(
        "Auth, bad tokens, refusals",
        ("test_stats_and_admin::*", "test_refusals::*", "test_frames_admin::test_non_admins*"),
    ),
    Row("Web UI shows what was saved", ("test_web_ui::*", "*::test_*web_ui*")),
    Row("Chat: stream, save, threads, fan-out", ("test_conversation::*",)),
    Row("Stop, Ctrl-C, faults keep a valid chat", ("test_interrupt::*", "test_faults::*")),
    Row("Text the server cannot store", ("test_server_text::*",)),
    Row("Another user's chat is read-only", ("test_read_only_chat*::*",)),
    Row("Chats, folders, tags, share, import", ("test_chats_router::*",)),
    Row("Follow-ups, titles, tags", ("test_followups::*",)),
    Row("Tools and images", ("test_tools_images::*",)),
    Row("Files, knowledge bases", ("test_knowledge::*", "test_files_and_secrets::test_upload*")),
    Row("Retrieval with citations", ("test_rag_chat::*",)),
    Row("Prompts and notes", ("test_prompts_notes::*",)),
    Row("Admin: models, users, groups", ("test_admin_resources::*", "test_models::*")),
    Row("DataFrames and refresh", ("test_frames::*", "test_frames_admin::*")),
    Row("Task runner", ("test_task_runner::*", "test_task_magic::*")),
    Row("Secrets never shown", ("test_files_and_secrets::*", "test_kernel_safety::*")),
    Row(
        "%%owui chat / compare",
        ("test_chat_magic::*", "test_chat_extras::*", "test_connection_precedence::*"),
    ),
    Row(
        "%owui listings, prompts, notes",
        ("test_listing_magics::*", "test_saved_prompts_and_notes::*", "test_template_safety::*"),
    ),
    Row("%owui kb", ("test_kb_magic::*",)),
    Row("Magics in a real kernel", ("test_kernel::*",)),
    Row("Deep research (client and %%owui research)", ("test_research*::*",)),
    Row("OpenAPI tool servers", ("test_tool_servers::*",)),
    Row("Chat metadata, model switch, history summaries", ("test_chat_metadata_and_summaries::*",)),
    Row("Chats router: archive, share access, compact, events", ("test_chats_router_more::*",)),
    Row("Access: prompts, notes, base models, groups by name", ("test_access::*",)),
)


def row_of(test: str) -> Row | None:
    return next((r for r in ROWS if any(fnmatch.fnmatch(test, p) for p in r.patterns)), None)


# --------------------------------------------------------------------------- running


def _short(text: str, limit: int = 160) -> str:
    """The first meaningful line of a failure message, shortened."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    line = lines[0] if lines else ""
    for prefix in ("Failed: ", "Skipped: "):
        line = line.removeprefix(prefix)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_junit(path: Path) -> dict[str, dict[str, str]]:
    """``module::test`` (the version parameter dropped) -> ``{"outcome", "message"}``."""
    tests: dict[str, dict[str, str]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)[-1]
        name = case.get("name", "").split("[", 1)[0]
        params = case.get("name", "")[len(name) :]
        key = f"{module}::{name}{params if 'owui-' not in params else ''}"
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                message = _short(node.get("message") or node.text or "")
                break
        if outcome == "error" and key in tests:  # an error in teardown after a result
            tests[key] = {"outcome": "error", "message": message}
        tests.setdefault(key, {"outcome": outcome, "message": message})
    return tests


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_version(version: str, extra: list[str], *, merge: bool = False) -> Path:
    """Install ``version`` if needed, run the tests against it, store and return the result.

    With `merge`, the outcomes replace only those of the same tests in the stored result (a
    re-run of some modules after a fix); otherwise the stored result is replaced."""
    from owui_notebook.sandbox.install import ensure_server_venv

    ensure_server_venv(version, log=lambda m: print(f"[compat] {m}", flush=True))
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="owui-compat-") as tmp:
        junit = Path(tmp) / "junit.xml"
        paths = [a for a in extra if a.startswith("tests/")] or list(TEST_PATHS)
        options = [a for a in extra if not a.startswith("tests/")]
        argv = [
            sys.executable, "-m", "pytest", *paths, f"--owui-versions={version}",
            f"--junitxml={junit}", "-p", "no:cacheprovider", "-q", "-rfE", *options,
        ]  # fmt: skip
        # CI=1: a missing browser fails the web UI tests instead of skipping them.
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
        print(f"[compat] Open WebUI {version}: {' '.join(argv[2:])}", flush=True)
        started = time.monotonic()
        # Started in the background by a shell, this process ignores SIGINT, and so would
        # pytest and the clients the Ctrl-C tests interrupt: give them the default back.
        code = subprocess.call(argv, cwd=ROOT, env=env, preexec_fn=_default_sigint)
        if not junit.exists():
            raise SystemExit(f"pytest wrote no results for {version} (exit {code})")
        tests = parse_junit(junit)
    out = RESULTS / f"{version}.json"
    seconds = round(time.monotonic() - started)
    reruns: list[list[str]] = []
    if merge and out.exists():
        old = json.loads(out.read_text())
        tests = {**old["tests"], **tests}
        # The same tests re-run again replace their earlier mention (the newest outcome counts).
        reruns = [r for r in old.get("reruns", []) if r != extra] + [extra]
        extra = old.get("pytest_args", [])
        seconds += old.get("seconds", 0)
    result = {
        "version": version,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "seconds": seconds,
        "pytest_args": extra,
        "reruns": reruns,
        "tests": dict(sorted(tests.items())),
    }
    out.write_text(json.dumps(result, indent=1) + "\n")
    return out


# --------------------------------------------------------------------------- the table


def load_results() -> dict[str, dict]:
    found = {}
    for path in RESULTS.glob("*.json"):
        data = json.loads(path.read_text())
        found[data["version"]] = data
    return found


def cell(row: Row, version: str, tests: dict[str, dict[str, str]]) -> tuple[str, list[str]]:
    """The table's text for ``row`` on ``version``, and the failures behind it."""
    mine = {k: v for k, v in tests.items() if row_of(k) is row}
    if not mine:
        return "not run", []
    bad = {k: v for k, v in mine.items() if v["outcome"] in ("failed", "error")}
    skipped = {k: v for k, v in mine.items() if v["outcome"] == "skipped"}
    passed = len(mine) - len(bad) - len(skipped)
    notes = [f"`{k}`: {v['message']}" for k, v in sorted(bad.items())]
    if bad:
        first = next(iter(sorted(bad.items())))[1]["message"] or "failed"
        first = re.sub(r"^[\w.]*\.(?=\w+(Error|Exception)\b)", "", first)  # the class's name
        return f"**fails** ({len(bad)}/{len(mine)}): {_short(first, 90)}", notes
    if row.gate and not has_feature(version, row.gate):
        since = FEATURES[row.gate].since
        return f"needs >= {since} (the client says so)", notes
    needs = sorted({v["message"] for v in skipped.values() if ">=" in v["message"]})
    if not passed and needs:
        return "; ".join(needs), notes
    if not passed:
        reason = sorted({v["message"] for v in skipped.values()})[0]
        return f"skipped: {reason}", notes
    if skipped:
        reasons = "; ".join(sorted({v["message"] for v in skipped.values()}))
        return f"works ({len(skipped)} skipped: {reasons})", notes
    return "works", notes


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: dict[str, dict]) -> str:
    versions = sorted(set(VERSIONS) | set(results), key=parse_version, reverse=True)
    head = ["Feature", *versions]
    lines = [
        "# Compatibility: every Open WebUI release line",
        "",
        "Made by `python scripts/compat.py` (see "
        "[Development](development.md#every-open-webui-release-line)): the "
        "integration, magics and web UI tests run against the newest release of each minor line, "
        "with the deterministic provider behind a real server. *works*: every test of the "
        "feature passed; *needs >= X*: the server lacks it and the client says so in one line "
        "(the tests check that); *fails*: the first failure (all of them are listed below); "
        "*not run*: no stored result for that release. CI runs 0.12.4, 0.9.5 and 0.6.15 on "
        "every change; this run is the one that covers the other lines.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    details: dict[str, list[str]] = {}
    for row in ROWS:
        cells = []
        for version in versions:
            data = results.get(version)
            if data is None:
                cells.append("not run")
                continue
            text, notes = cell(row, version, data["tests"])
            cells.append(_md(text))
            details.setdefault(version, []).extend(notes)
        lines.append("| " + " | ".join([row.name, *cells]) + " |")
    lines += ["", "## Runs", ""]
    for version in versions:
        data = results.get(version)
        if data is None:
            lines.append(f"- {version}: not run")
            continue
        counts: dict[str, int] = {}
        for test in data["tests"].values():
            counts[test["outcome"]] = counts.get(test["outcome"], 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        args = f", pytest {' '.join(data['pytest_args'])}" if data.get("pytest_args") else ""
        lines.append(f"- {version}: {data['date']}, {summary}, {data['seconds']} s{args}")
        for rerun in data.get("reruns", []):
            names = ", ".join(Path(a).stem if a.startswith("tests/") else a for a in rerun)
            lines.append(f"  (after fixes, these ran again and their outcomes count: {names})")
        unmapped = [k for k in data["tests"] if row_of(k) is None]
        if unmapped:
            lines.append(f"  (in no row: {', '.join(sorted(unmapped))})")
    failing = {v: n for v, n in details.items() if n}
    if failing:
        lines += ["", "## Failures", ""]
        for version, notes in failing.items():
            lines.append(f"### {version}")
            lines.append("")
            lines += [f"- {_md(n)}" for n in notes]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", default=",".join(VERSIONS), help="comma-separated")
    parser.add_argument("--table-only", action="store_true", help="only rewrite the table")
    parser.add_argument(
        "--merge", action="store_true", help="keep the stored outcomes of tests not run now"
    )
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args(argv)
    if not args.table_only:
        for version in [v.strip() for v in args.versions.split(",") if v.strip()]:
            stored = run_version(version, args.pytest_args, merge=args.merge)
            print(f"[compat] stored {stored}", flush=True)
            TABLE.write_text(render(load_results()))
    TABLE.write_text(render(load_results()))
    print(f"[compat] wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
