"""5. Import time and memory of each package, each import in a fresh interpreter.

Needs no server: ``python -m bench.peers.scenario_imports [--runs 9]`` runs this measure alone
(and installs the peers' venvs if they are missing) and prints its rows and verdicts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from typing import Any

from .contenders import CHAT_CLIENT, OURS, OWUI_CLIENT, PEERS, REPO, Contender, _env, ensure_venv
from .context import Context, Row, log
from .measure import interleave, median

BUDGET_S = 0.5  # shared/DESIGN.md: import of owui_notebook (and %load_ext) < 0.5 s

# Stdlib only: runs under each contender's interpreter.
_PROBE = """
import json, os, sys, time, importlib
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
before, mods = rss(), len(sys.modules)
module, _, name = sys.argv[1].partition(":")
start = time.perf_counter()
loaded = importlib.import_module(module)
if name:
    getattr(loaded, name)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_mb": rss() - before, "modules": len(sys.modules) - mods,
                  "pandas": "pandas" in sys.modules}))
"""

# Ours three times: what a script's first line does (the base of the ratios: DESIGN.md's
# budget is this against the lightest peer), the bare client package (its names load on
# first use), and the package (what %load_ext imports). "module:name" means
# `from module import name`.
REAL_PATH = "owui_notebook.client:OpenWebUI"
TARGETS = (
    (OURS, REAL_PATH),
    (OURS, "owui_notebook.client"),
    (OURS, "owui_notebook"),
    (CHAT_CLIENT, "openwebui_chat_client"),
    (OWUI_CLIENT, "owui_client"),
)


def probe(contender: Contender, module: str) -> dict[str, Any]:
    out = subprocess.run(
        [contender.python(), "-s", "-c", _PROBE, module],
        capture_output=True,
        text=True,
        check=True,
        env=_env(contender, "", ""),
        cwd=tempfile.gettempdir() if contender.own_venv else REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _statement(target: str) -> str:
    module, _, name = target.partition(":")
    return f"from {module} import {name}" if name else f"import {module}"


def run(ctx: Context) -> dict[str, Any]:
    return measure(max(ctx.long_runs, 7))


def measure(rounds: int) -> dict[str, Any]:
    """The section: every target imported `rounds` times, interleaved, in fresh interpreters."""
    calls = {f"{c.key}:{module}": (lambda c=c, m=module: probe(c, m)) for c, module in TARGETS}
    for call in calls.values():  # warm the file cache (.pyc) for all alike
        call()
    samples = interleave(rounds, calls, lambda m: log(f"imports: {m}"))
    base = [s["seconds"] for s in samples[f"{OURS.key}:{REAL_PATH}"]]
    rows = []
    for c, module in TARGETS:
        replies = samples[f"{c.key}:{module}"]
        rows.append(
            Row(
                contender=c.label,
                call=_statement(module),
                seconds=[r["seconds"] for r in replies],
                base=base,
                note="imports pandas" if replies[-1]["pandas"] else "",
                extra={
                    "rss_mb_median": median(r["rss_mb"] for r in replies),
                    "rss_mb_samples": [r["rss_mb"] for r in replies],
                    "modules": replies[-1]["modules"],
                },
            ).as_dict()
        )
    return {
        "id": "imports",
        "title": "5. import time and memory",
        "budget_s": BUDGET_S,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    from .report import markdown, verdicts

    parser = argparse.ArgumentParser(description="bench/peers measure 5 alone (no server)")
    parser.add_argument("--runs", type=int, default=9, help="interleaved rounds (at least 5)")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians of fewer are noise)")
    for peer in PEERS:
        ensure_venv(peer, log)
    section = measure(args.runs)
    print(markdown([section]))
    print("\n".join(f"- {v}" for v in verdicts({"sections": [section]})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
