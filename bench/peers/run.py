"""owui-notebook against openwebui-chat-client and owui-client, on one real server, in one run.

    python -m bench.peers [--runs 20] [--long-runs 5] [--chats 5000] [--only chat,stream,...]

Starts a sandbox (a real Open WebUI and the deterministic provider) on a copy of a data dir
seeded once with the 5,000 chats, installs each peer into a venv of its own under
~/.cache/owui-notebook/peers/ (once), drives every contender in a worker process of its own,
interleaves their runs, and prints the table of ratios; writes it to bench/results/peers.md
and, with every raw number, bench/results/peers.json.

1. chat: one short chat, request to complete answer, saved in the server;
2. stream: time to first token as the caller sees it (and a raw httpx SSE read);
3. compare: one prompt to 4 equal-speed models, against the slowest one alone;
4. stats: a 5,000-chat server's per-chat stats into a pandas DataFrame;
5. imports: import time and memory of each package.
Every chat a contender saved is checked with `validate_history` (what the web UI relies on).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from owui_notebook.client import OpenWebUI
from owui_notebook.sandbox import DEFAULT_VERSION

from . import (
    scenario_chat,
    scenario_compare,
    scenario_imports,
    scenario_stats,
    scenario_stream,
)
from .contenders import OURS, PEERS, Worker, ensure_venv
from .context import Context, log
from .report import write
from .server import bench_server

SCENARIOS = {
    "chat": scenario_chat.run,
    "stream": scenario_stream.run,
    "compare": scenario_compare.run,
    "stats": scenario_stats.run,
    "imports": scenario_imports.run,
}
RESULTS = Path(__file__).resolve().parents[1] / "results"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{len(os.sched_getaffinity(0))}-core {platform.machine()} ({cpu})"


def _versions(url: str, key: str) -> dict[str, str]:
    out = {}
    for contender in (OURS, *PEERS):
        with Worker(contender, url, key) as worker:
            out[contender.label] = worker.ready["version"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="rounds of measures 1-2")
    parser.add_argument("--long-runs", type=int, default=5, help="rounds of measures 3-5")
    parser.add_argument("--chats", type=int, default=scenario_stats.CHATS)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated subset")
    parser.add_argument("--server", default=DEFAULT_VERSION, help="Open WebUI version")
    parser.add_argument("--json", type=Path, default=RESULTS / "peers.json")
    parser.add_argument("--md", type=Path, default=RESULTS / "peers.md")
    args = parser.parse_args(argv)
    if min(args.runs, args.long_runs) < 5:
        parser.error("--runs and --long-runs must be at least 5 (medians of fewer are noise)")
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown measures {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")

    started = time.perf_counter()
    for peer in PEERS:
        ensure_venv(peer, log)
    sections: list[dict[str, Any]] = []
    with (
        bench_server(args.server, args.chats, lambda m: log(f"sandbox: {m}")) as srv,
        OpenWebUI(srv.box.url, srv.chat_key, timeout=600) as client,
    ):
        box = srv.box
        assert box.provider is not None
        ctx = Context(
            box.url,
            srv.chat_key,
            srv.stats_key,
            box.provider,
            client,
            args.runs,
            args.long_runs,
            args.chats,
        )
        versions = _versions(box.url, srv.chat_key)
        for name in SCENARIOS:
            if name not in chosen:
                continue
            log(f"{name}: starting")
            t0 = time.perf_counter()
            section = SCENARIOS[name](ctx)
            section["wall_s"] = time.perf_counter() - t0
            sections.append(section)
            log(f"{name}: done in {section['wall_s']:.0f} s")
        server = client.version()
    report = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": _machine(),
        "python": platform.python_version(),
        "open_webui": server,
        "versions": versions,
        "runs": args.runs,
        "long_runs": args.long_runs,
        "wall_s": time.perf_counter() - started,
        "seed_s": srv.seed_s,
        "sections": sections,
    }
    print(write(report, args.json, args.md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
