"""The Parquet dataset at deployment scale: seed, export, refresh, query.

    python bench/deployment/dataset_bench.py --chats 10000 [--users 4] [--url URL --jwt JWT]

Seeds a real Open WebUI (a fresh sandbox unless --url) with N synthetic chats spread over
`--users` users (owui_notebook.testing.deployment: several models, side-by-side answers,
branches, ratings, tags, archived, months of history) in parallel, then for one user:
first export (chats/s, peak RSS of the exporting process), a refresh after 1% of its
chats changed (seconds, requests), and tokens per model per week, DuckDB over the files vs
pandas on the loaded messages. Results go to bench/results/dataset-<N>.json. Run several
sizes to get the slope; 100k and 1M need only --chats and time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _seeded import Deployment, deployment_parser, seeded

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"

# Peak RSS is VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so the child would
# report this (larger) process it was forked from.
_EXPORT = """
import json, sys, time, httpx
def peak_rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
from owui_notebook.client import OpenWebUI
from owui_notebook.dataset import sync_dataset
count = [0]
class Counting(httpx.HTTPTransport):
    def handle_request(self, request):
        count[0] += 1
        return super().handle_request(request)
client = OpenWebUI(sys.argv[1], None if sys.argv[2] == "-" else sys.argv[2],
    transport=Counting())
if sys.argv[2] == "-":
    client.signin(sys.argv[3], sys.argv[4])
t = time.perf_counter()
result = sync_dataset(client, sys.argv[5], progress=False, all_users=sys.argv[2] != "-")
print(json.dumps({"seconds": time.perf_counter() - t, "requests": count[0],
    "fetched": result.fetched, "chats": result.chats, "messages": result.messages,
    "changed": result.changed, "added": result.added, "removed": result.removed,
    "peak_rss_mb": peak_rss_mb()}))
"""


def export(url: str, login: tuple[str, str] | str, directory: str) -> dict:
    """Run one export in a fresh process: a user's own (email, password) or every
    user's (an admin's token)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    who = ["-", *login] if isinstance(login, tuple) else [login, "", ""]
    out = subprocess.run(
        [sys.executable, "-c", _EXPORT, url, *who, directory],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = deployment_parser()
    args = parser.parse_args()

    with seeded(args.chats, args.users, args.url, args.jwt) as deployment:
        run(args, deployment)


def run(args: argparse.Namespace, deployment: Deployment) -> None:
    """Export, refresh and query the seeded `deployment`; write the results."""
    from owui_notebook.client import OpenWebUI

    url, jwt, users = deployment.url, deployment.jwt, deployment.users
    email, password, _ = users[0]
    own_dir = tempfile.mkdtemp(prefix="owui-dataset-own-")
    own = export(url, (email, password), own_dir)
    print(
        f"one user's export (NDJSON stream): {own['chats']} chats in {own['seconds']:.1f}s, "
        f"{own['chats'] / own['seconds']:.0f} chats/s, peak RSS {own['peak_rss_mb']:.0f} MB"
    )
    directory = tempfile.mkdtemp(prefix="owui-dataset-")
    first = export(url, jwt, directory)
    print(
        f"first export, all users: {first['chats']} chats in {first['seconds']:.1f}s, "
        f"{first['chats'] / first['seconds']:.0f} chats/s, peak RSS {first['peak_rss_mb']:.0f} MB"
    )

    time.sleep(1.1)
    touched = []
    for user_email, user_password, count in users:  # 1% of every user's chats change
        with OpenWebUI(url) as client:
            client.signin(user_email, user_password)
            ids = [r.id for r in client.chats.iter()]
            for chat_id in ids[:: max(1, len(ids) // max(1, count // 100))][: max(1, count // 100)]:
                client.chats.rename(chat_id, "changed " + chat_id[:6])
                touched.append(chat_id)
    refresh = export(url, jwt, directory)
    print(
        f"refresh after {len(touched)} changed: {refresh['seconds']:.1f}s, "
        f"{refresh['requests']} requests, {refresh['fetched']} chats fetched"
    )

    import duckdb
    import pandas as pd

    from owui_notebook.dataset import Dataset
    from owui_notebook.frames import usage_over_time

    ds = Dataset(directory)
    t = time.perf_counter()
    duck = ds.usage_over_time(freq="week", metric="total_tokens")
    duck_s = time.perf_counter() - t
    t = time.perf_counter()
    frame = pd.read_parquet(Path(directory) / "messages")
    mem = usage_over_time(frame, freq="week", metric="total_tokens")
    pandas_s = time.perf_counter() - t
    assert duck.shape == mem.shape
    print(
        f"tokens per model per week: DuckDB {duck_s * 1000:.0f} ms, pandas (load + group) "
        f"{pandas_s * 1000:.0f} ms, ratio {pandas_s / duck_s:.1f}x"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dataset-{args.chats}.json"
    out.write_text(
        json.dumps(
            {
                "chats_seeded": deployment.seeded,
                "seed_seconds": deployment.seed_seconds,
                "users": args.users,
                "seeding": deployment.seeding,
                "server_analytics": deployment.summary,
                "own_export": own,
                "first_export": first,
                "refresh": {**refresh, "changed_chats": len(touched)},
                "query_week_tokens": {
                    "duckdb_s": duck_s,
                    "pandas_s": pandas_s,
                    "messages": first["messages"],
                },
                "duckdb": duckdb.__version__,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
