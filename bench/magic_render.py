"""The %%owui chat magic against the client core it arranges.

    python bench/magic_render.py [--runs 15] [--json bench/results/magic_render.json]

Starts a local sandbox (real Open WebUI + deterministic provider). Two measurements, each a
ratio against the client core measured in the same run, interleaved run by run:

1. time to first *rendered* token: from the cell starting to the first display message that
   carries answer text, over the core's time from `chat.stream()` to its first delta
   (budget: the display adds < 5 ms over the core);
2. render throughput at 2,000 tokens/s: a 2,000-token answer at full speed; the cell's total
   time over the core's, how many renders went out and how many bytes per second (budget:
   keep up, at most ~20 renders a second, far below Jupyter's 1 MB/s output limit), and
   whether the final output is exactly the saved answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from IPython.core.displaypub import DisplayPublisher
from IPython.testing.globalipapp import start_ipython

from owui_notebook.client import OpenWebUI
from owui_notebook.sandbox import Sandbox

FAST_TOKENS = 2000


class TimedPublisher(DisplayPublisher):
    """Records (time, text/plain, size) of every display message."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[float, str, int]] = []

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False):
        size = sum(len(v) for v in data.values() if isinstance(v, str))
        self.events.append((time.perf_counter(), data.get("text/plain", ""), size))


def magic_run(ip: Any, pub: TimedPublisher, model: str) -> dict[str, float]:
    pub.events.clear()
    start = time.perf_counter()
    result = ip.run_cell(f"%%owui chat --new -m {model}\nping", silent=True)
    end = time.perf_counter()
    if not result.success:
        raise SystemExit(f"the magic failed: {result.error_in_exec!r}")
    first = next(t for t, text, _ in pub.events if text)
    saved = ip.user_ns["_owui"].content
    span = max(end - start, 1e-9)
    return {
        "first": first - start,
        "total": end - start,
        "renders": len(pub.events),
        "renders_per_s": len(pub.events) / span,
        "bytes_per_s": sum(size for *_, size in pub.events) / span,
        "final_is_saved": float(pub.events[-1][1] == saved),
    }


def core_run(client: OpenWebUI, model: str) -> dict[str, float]:
    start = time.perf_counter()
    first = None
    with client.chat(model).stream("ping") as stream:
        for _ in stream:
            if first is None:
                first = time.perf_counter() - start
    return {"first": first or 0.0, "total": time.perf_counter() - start}


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=Path("bench/results/magic_render.json"))
    args = parser.parse_args()

    ip = start_ipython()
    pub = TimedPublisher()
    ip.display_pub = pub
    ip.run_line_magic("load_ext", "owui_notebook")
    import owui_notebook.render.live as live

    live.rich_frontend = lambda: True  # measure the notebook path, not the terminal one

    with Sandbox(log=lambda m: print(f"[sandbox] {m}", file=sys.stderr)) as box:
        box.provider.configure("fast", answer_tokens=FAST_TOKENS, tokens_per_second=2000)
        ip.user_ns.update(_url=box.url)
        import os

        os.environ["OWUI_API_KEY"] = box.api_key
        assert ip.run_cell("%owui connect {_url}", silent=True).success
        raw: dict[str, list[dict[str, float]]] = {k: [] for k in ("magic", "core")}
        fast: dict[str, list[dict[str, float]]] = {k: [] for k in ("magic", "core")}
        with OpenWebUI(box.url, box.api_key) as client:
            for _ in range(3):  # warm up both paths (connections, model lists)
                magic_run(ip, pub, "alpha")
                core_run(client, "alpha")
            for _ in range(args.runs):
                raw["magic"].append(magic_run(ip, pub, "alpha"))
                raw["core"].append(core_run(client, "alpha"))
            for _ in range(max(5, args.runs // 3)):
                fast["magic"].append(magic_run(ip, pub, "fast"))
                fast["core"].append(core_run(client, "fast"))
        version = box.version

    first_m, first_c = median(raw["magic"], "first"), median(raw["core"], "first")
    total_m, total_c = median(fast["magic"], "total"), median(fast["core"], "total")
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "open_webui": version,
        "runs": args.runs,
        "first_rendered_token_ms": {"magic": first_m * 1e3, "core": first_c * 1e3},
        "first_ratio": first_m / first_c,
        "first_added_ms": (first_m - first_c) * 1e3,
        "fast_answer": {
            "tokens": FAST_TOKENS,
            "magic_total_s": total_m,
            "core_total_s": total_c,
            "ratio": total_m / total_c,
            "renders": median(fast["magic"], "renders"),
            "renders_per_s": median(fast["magic"], "renders_per_s"),
            "kbytes_per_s": median(fast["magic"], "bytes_per_s") / 1e3,
            "final_output_is_saved_answer": all(r["final_is_saved"] for r in fast["magic"]),
        },
        "raw": {"first": raw, "fast": fast},
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    f = report["fast_answer"]
    print(f"Open WebUI {version}, {args.runs} interleaved runs, medians")
    print("| measure | magic | core | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| first rendered token (ms) | {first_m * 1e3:.2f} | {first_c * 1e3:.2f} "
        f"| {report['first_ratio']:.3f} |"
    )
    print(
        f"| {FAST_TOKENS} tokens at 2,000/s, total (s) | {total_m:.3f} | {total_c:.3f} "
        f"| {f['ratio']:.3f} |"
    )
    print(
        f"renders per answer {f['renders']:.0f} ({f['renders_per_s']:.1f}/s), "
        f"{f['kbytes_per_s']:.0f} kB/s to the front end; "
        f"final output identical to the saved answer: {f['final_output_is_saved_answer']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
