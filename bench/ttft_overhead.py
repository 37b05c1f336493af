"""Time to first token: owui-notebook's streams vs a raw httpx SSE read of the same request.

    python bench/ttft_overhead.py [--runs 40] [--json bench/results/ttft.json]

Starts a local sandbox (real Open WebUI + deterministic provider) unless OWUI_URL and
OWUI_API_KEY point at a server with a model named by --model. The three readers are
interleaved run by run so machine noise hits them alike; each figure is a median, and the
verdict is a ratio and a difference against the raw read measured in the same run.
Budget (shared/DESIGN.md): the client adds < 5 ms to time-to-first-token.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from _common import first_and_total, server

from owui_notebook.client import OpenWebUI

BUDGET_MS = 5.0


def raw_ttft(http: httpx.Client, url: str, key: str, model: str) -> float:
    body = {"model": model, "messages": [{"role": "user", "content": "ping"}], "stream": True}
    start = time.perf_counter()
    with http.stream(
        "POST", f"{url}/api/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as response:
        response.raise_for_status()
        first = None
        for line in response.iter_lines():
            # The least a caller can do: decode each event and look for content.
            if first is None and line.startswith("data: {"):
                choices = json.loads(line[6:]).get("choices") or [{}]
                if (choices[0].get("delta") or {}).get("content"):
                    first = time.perf_counter() - start
    assert first is not None, "no content arrived"
    return first


def client_ttft(client: OpenWebUI, model: str) -> float:
    messages = [{"role": "user", "content": "ping"}]
    return first_and_total(lambda: client.completions.stream(model, messages))[0]


def engine_ttft(client: OpenWebUI, model: str) -> float:
    return first_and_total(lambda: client.chat(model).stream("ping"))[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--model", default="alpha")
    parser.add_argument("--json", default=None, help="also write the raw numbers here")
    args = parser.parse_args()
    with (
        server() as target,
        httpx.Client(timeout=60) as http,
        OpenWebUI(target.url, target.api_key) as client,
    ):
        readers: dict[str, Callable[[], float]] = {
            "raw httpx SSE": lambda: raw_ttft(http, target.url, target.api_key, args.model),
            "client.completions.stream": lambda: client_ttft(client, args.model),
            "chat.stream (engine, saves)": lambda: engine_ttft(client, args.model),
        }
        for read in readers.values():  # warm connections and server caches
            read()
        samples: dict[str, list[float]] = {name: [] for name in readers}
        for _ in range(args.runs):
            for name, read in readers.items():
                samples[name].append(read())
        version = client.server_info().version
    base = statistics.median(samples["raw httpx SSE"])
    print(f"\nTime to first token, Open WebUI {version}, median of {args.runs} interleaved runs")
    print(f"{'reader':32} {'median ms':>10} {'ratio':>7} {'added ms':>9}")
    rows = []
    for name, values in samples.items():
        med = statistics.median(values)
        rows.append(
            {"reader": name, "median_s": med, "ratio": med / base, "added_ms": (med - base) * 1e3}
        )
        print(f"{name:32} {med * 1e3:10.2f} {med / base:7.3f} {(med - base) * 1e3:9.2f}")
    worst = max(r["added_ms"] for r in rows)
    verdict = "within" if worst < BUDGET_MS else "OVER"
    print(f"\nbudget: client adds < {BUDGET_MS} ms -> {verdict} budget (worst {worst:.2f} ms)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {"server": version, "runs": args.runs, "rows": rows, "samples": samples}, indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
