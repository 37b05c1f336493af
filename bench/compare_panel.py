"""ComparePanel wall time against the slowest of its models streamed alone.

    python bench/compare_panel.py [--runs 5] [--models 4] [--json bench/results/compare_panel.json]

Starts a local sandbox (real Open WebUI + deterministic provider) whose N models answer at
the same speed (time to first token, tokens per second, answer length). Each run, in this
order: every model streamed alone through the engine (`chat.stream`, which saves its turn),
then the panel asking all of them at once, then one after another. The panel's time is a
user's: from the Run click to the last column's final render, the multi-model chat saved.
The verdict is the median over runs of (panel time / slowest single stream of that run).
Budget (shared/DESIGN.md): a comparison of N models within 10% of the slowest single model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from owui_notebook.client import AsyncOpenWebUI
from owui_notebook.sandbox import Sandbox
from owui_notebook.widgets import ComparePanel

BUDGET = 1.10
PROMPT = "Compare yourselves."


async def single(client: AsyncOpenWebUI, model: str) -> float:
    """Seconds for one model's answer streamed alone and saved."""
    start = time.perf_counter()
    async with client.chat(model).stream(PROMPT) as stream:
        async for _ in stream:
            pass
    return time.perf_counter() - start


async def panel_run(client: AsyncOpenWebUI, models: list[str], *, sequential: bool) -> float:
    """Seconds from clicking Run to the panel being idle again (all columns final)."""
    panel = ComparePanel(models, PROMPT, client=client, sequential=sequential)
    await panel.wait()  # the model list, which a user waits for before clicking anyway
    start = time.perf_counter()
    panel.run_button.click()
    await panel.wait()
    wall = time.perf_counter() - start
    statuses = set(panel.results["status"])
    await panel.aclose()
    if statuses != {"ok"}:
        raise SystemExit(f"a comparison failed: {panel.results[['model', 'error']]}")
    return wall


async def measure(url: str, key: str, models: list[str], runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"slowest_single": [], "parallel": [], "sequential": []}
    samples |= {f"single:{m}": [] for m in models}
    async with AsyncOpenWebUI(url, key) as client:
        for model in models:  # warm up connections and the server's caches
            await single(client, model)
        await panel_run(client, models, sequential=False)
        for _ in range(runs):
            alone = [await single(client, m) for m in models]
            for model, seconds in zip(models, alone, strict=True):
                samples[f"single:{model}"].append(seconds)
            samples["slowest_single"].append(max(alone))
            samples["parallel"].append(await panel_run(client, models, sequential=False))
            samples["sequential"].append(await panel_run(client, models, sequential=True))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", type=int, default=4, help="how many models (1-8)")
    parser.add_argument("--ttft", type=float, default=0.3, help="seconds to first token")
    parser.add_argument("--tps", type=float, default=100.0, help="tokens per second")
    parser.add_argument("--tokens", type=int, default=200, help="tokens per answer")
    parser.add_argument("--json", type=Path, default=Path("bench/results/compare_panel.json"))
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians of fewer runs are noise)")
    models = [f"equal-{k}" for k in range(1, args.models + 1)]

    with Sandbox(log=lambda m: print(f"[sandbox] {m}", file=sys.stderr)) as box:
        assert box.provider is not None
        for model in models:
            box.provider.configure(
                model, ttft=args.ttft, tokens_per_second=args.tps, answer_tokens=args.tokens
            )
        samples = asyncio.run(measure(box.url, box.api_key, models, args.runs))
        version = box.version

    ratios = [p / s for p, s in zip(samples["parallel"], samples["slowest_single"], strict=True)]
    med = {k: statistics.median(v) for k, v in samples.items()}
    ratio = statistics.median(ratios)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
        "python": platform.python_version(),
        "open_webui": version,
        "models": models,
        "model_speed": {"ttft_s": args.ttft, "tokens_per_s": args.tps, "tokens": args.tokens},
        "runs": args.runs,
        "median_s": med,
        "ratio_parallel_to_slowest_single": ratio,
        "ratio_sequential_to_slowest_single": statistics.median(
            q / s for q, s in zip(samples["sequential"], samples["slowest_single"], strict=True)
        ),
        "budget_ratio": BUDGET,
        "within_budget": ratio <= BUDGET,
        "raw_s": samples,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))

    n = len(models)
    print(
        f"\n{n} models of equal speed (first token {args.ttft} s, {args.tokens} tokens at "
        f"{args.tps:g}/s), Open WebUI {version}, medians of {args.runs} runs"
    )
    print("| what | median s | ratio to slowest single |")
    print("|---|---:|---:|")
    print(f"| slowest single model, streamed alone | {med['slowest_single']:.3f} | 1.000 |")
    print(f"| ComparePanel, all at once | {med['parallel']:.3f} | {ratio:.3f} |")
    print(
        f"| ComparePanel, one after another | {med['sequential']:.3f} "
        f"| {report['ratio_sequential_to_slowest_single']:.3f} |"
    )
    verdict = "within" if report["within_budget"] else "OVER"
    print(f"\nbudget: all at once <= {BUDGET:.2f} x slowest single -> {verdict} budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
