"""The typical queries at 1M and 10M messages: DuckDB over the files vs pandas, same data.

    python bench/deployment/query_bench.py [--sizes 1000000 10000000] [--pandas-max 10000000]

For each size, `scale_dataset` writes a dataset in the export's layout (a temporary
directory, deleted afterwards); then one fresh process per engine runs the queries
(tokens per model per week, answers per model per day, response times, usage per user)
and reports each one's seconds (best of 3; the first, cold, too) and the process's peak
RSS. DuckDB runs `Dataset`'s helpers; pandas reads only the columns each query needs
(``pd.read_parquet(columns=…)``) and runs the frames' helpers (usage per user: a groupby),
load included, as an analyst would. Ratios are pandas / DuckDB from the same run.
Results: bench/results/dataset-query.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"
QUERIES = ("week_tokens", "day_answers", "response_times", "response_time_boxes", "usage_by_user")

# One query in a fresh process: argv = engine, query, dataset directory. VmHWM, not
# ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the (larger)
# parent it was forked from.
_QUERY = """
import json, sys, time
engine, query, directory = sys.argv[1:4]
def peak_rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
if engine == "duckdb":
    from owui_notebook.dataset import Dataset
    ds = Dataset(directory)
    runs = {
        "week_tokens": lambda: ds.usage_over_time(freq="week", metric="total_tokens"),
        "day_answers": lambda: ds.usage_over_time(freq="day"),
        "response_times": lambda: ds.response_times(),
        "response_time_boxes": lambda: ds.response_time_boxes(),
        "usage_by_user": lambda: ds.usage_by_user(),
    }
else:
    import pandas as pd
    from owui_notebook import frames
    messages = directory + "/messages"
    usage = ["timestamp", "role", "model", "total_tokens", "error", "content_length"]
    timed = ["role", "model", "response_time_s", "error", "content_length"]
    def read(columns):
        return pd.read_parquet(messages, columns=columns)
    def per_user():
        f = read(["user_id", "chat_id", "role", "model", "error", "content_length",
            "prompt_tokens", "completion_tokens", "total_tokens"])
        answer = frames.analysis.answer_mask(f)
        tokens = f[["prompt_tokens", "completion_tokens", "total_tokens"]].where(answer)
        return f.assign(answer=answer, **tokens).groupby("user_id").agg(
            chats=("chat_id", "nunique"), answers=("answer", "sum"),
            prompt_tokens=("prompt_tokens", "sum"),
            completion_tokens=("completion_tokens", "sum"),
            total_tokens=("total_tokens", "sum"))
    runs = {
        "week_tokens": lambda: frames.usage_over_time(read(usage), freq="week",
            metric="total_tokens"),
        "day_answers": lambda: frames.usage_over_time(read(usage), freq="day"),
        "response_times": lambda: frames.response_times(read(timed)),
        "response_time_boxes": lambda: frames.response_time_boxes(read(timed)),
        "usage_by_user": per_user,
    }
times = []
for _ in range(3):
    t = time.perf_counter(); table = runs[query](); times.append(time.perf_counter() - t)
print(json.dumps({"seconds": min(times), "first_s": times[0], "rows": len(table),
    "peak_rss_mb": peak_rss_mb()}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def run(engine: str, query: str, directory: Path) -> dict:
    """One query in a fresh process (its own peak RSS): best of 3 runs, and the first."""
    out = subprocess.run(
        [sys.executable, "-c", _QUERY, engine, query, str(directory)],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def generate(directory: Path, messages: int, base: Path | None) -> dict:
    """`scale_dataset.py` in a fresh process: what it wrote, its seconds and peak RSS."""
    command = [sys.executable, str(HERE / "scale_dataset.py"), str(directory)]
    command += ["--messages", str(messages), "--json"]
    if base is not None:
        command += ["--base", str(base)]
    out = subprocess.run(command, capture_output=True, text=True, env=_env(), check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--pandas-max", type=int, default=10_000_000, help="skip pandas above this many messages"
    )
    parser.add_argument("--base", type=Path, help="a real export to scale up")
    parser.add_argument("--tmp", default=None, help="where to write the datasets")
    args = parser.parse_args()

    import duckdb
    import pandas as pd
    import pyarrow as pa

    results = []
    for size in args.sizes:
        directory = Path(tempfile.mkdtemp(prefix="owui-scaled-", dir=args.tmp))
        try:
            row: dict = {"generator": generate(directory, size, args.base)}
            row["duckdb"] = {q: run("duckdb", q, directory) for q in QUERIES}
            if size <= args.pandas_max:
                row["pandas"] = {q: run("pandas", q, directory) for q in QUERIES}
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        results.append(row)
        made = row["generator"]
        print(
            f"{made['messages']:,} messages ({made['parquet_mb']:.0f} MB of Parquet, "
            f"{made['chats']:,} chats, {made['users']} users; generated in "
            f"{made['seconds']:.0f} s, generator peak RSS {made['peak_rss_mb']:.0f} MB):"
        )
        for name in QUERIES:
            duck, pand = row["duckdb"][name], row.get("pandas", {}).get(name)
            line = f"  {name:20s} DuckDB {duck['seconds']:6.2f} s {duck['peak_rss_mb']:5.0f} MB"
            if pand:
                line += (
                    f"   pandas {pand['seconds']:6.2f} s {pand['peak_rss_mb']:5.0f} MB"
                    f"   ratio {pand['seconds'] / duck['seconds']:5.1f}x"
                )
            print(line)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "dataset-query.json"
    out.write_text(
        json.dumps(
            {
                "queries": QUERIES,
                "base": str(args.base) if args.base else "synthetic (testing.deployment)",
                "sizes": results,
                "versions": {
                    "duckdb": duckdb.__version__,
                    "pandas": pd.__version__,
                    "pyarrow": pa.__version__,
                },
                "cpus": os.cpu_count(),
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
