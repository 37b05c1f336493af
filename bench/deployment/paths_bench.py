"""Which path reads every user's chats fastest, and at what cost: measured, not assumed.

    python bench/deployment/paths_bench.py --chats 10000 [--users 4] [--url URL --jwt JWT]

An admin can read every user's messages three ways on Open WebUI 0.12:

- *per chat* (what ``owui-notebook export --all-users`` does): each user's chat listing
  (``/api/v1/chats/list/user/{id}``) and every chat fetched whole (``GET /api/v1/chats/{id}``),
  four in flight;
- *all/db*: ``GET /api/v1/chats/all/db``, every chat of every user as one JSON list;
- *analytics*: ``GET /api/v1/analytics/messages?user_id=`` pages of 100 rows of the
  ``chat_message`` table, per user (no titles, tags, archive flags or ratings).

Each runs in its own process on the same seeded server (see `_seeded.py`), which reports wall
time, requests, the client's CPU seconds and peak RSS, rows read, and the server's resident
memory before and after (its peak, from /proc, when the server is our sandbox). The analytics
path is also checked for completeness: distinct message ids read against the server's own
count. Results go to bench/results/dataset-paths-<N>.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _seeded import Deployment, deployment_parser, seeded

RESULTS = Path(__file__).resolve().parent.parent / "results"

_PATHS = r"""
import json, resource, sys, time, httpx
from owui_notebook.client import OpenWebUI
from owui_notebook.dataset import _everyone
count = [0]
class Counting(httpx.HTTPTransport):
    def handle_request(self, request):
        count[0] += 1
        return super().handle_request(request)
path, url, jwt = sys.argv[1:4]
client = OpenWebUI(url, jwt, transport=Counting(), timeout=3600)
t, cpu = time.perf_counter(), time.process_time()
chats = messages = 0
ids = set()
if path == "per-chat":
    accounts = _everyone.users(client)
    listed = (row.id for row in _everyone.listings(client, accounts))
    for record in _everyone.fetch(client, listed, set()):
        chats += 1
        messages += len(record.history.get("messages") or {})
elif path == "all-db":
    for record in client.chats.all_db():
        chats += 1
        messages += len(record.history.get("messages") or {})
elif path == "analytics":
    for user in _everyone.users(client):
        skip = 0
        while True:
            rows = client.analytics.messages(user_id=user.id, skip=skip, limit=100)
            messages += len(rows)
            ids.update(r["id"] for r in rows)
            if len(rows) < 100:
                break
            skip += 100
print(json.dumps({"seconds": time.perf_counter() - t, "client_cpu_s": time.process_time() - cpu,
    "requests": count[0], "chats": chats, "messages": messages, "distinct_ids": len(ids),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def server_memory_mb(pid: int | None) -> dict[str, float]:
    """Resident and peak resident memory of the server's process group, from /proc."""
    if pid is None:
        return {}
    total = {"VmRSS": 0.0, "VmHWM": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pid:
                continue
            status = (entry / "status").read_text().splitlines()
        except (OSError, ProcessLookupError):
            continue
        for line in status:
            key, _, value = line.partition(":")
            if key in total:
                total[key] += int(value.split()[0]) / 1024
    return {"rss_mb": total["VmRSS"], "peak_rss_mb": total["VmHWM"]}


def measure(path: str, deployment: Deployment) -> dict:
    """One path, read end to end in a fresh process, with the server's memory around it."""
    before = server_memory_mb(deployment.server_pid)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", _PATHS, path, deployment.url, deployment.jwt],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip().splitlines()[-1][:300]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    after = server_memory_mb(deployment.server_pid)
    if before:
        result["server_rss_mb_before"] = before["rss_mb"]
        result["server_rss_mb_after"] = after["rss_mb"]
        result["server_peak_rss_mb"] = after["peak_rss_mb"]
    return result


def main() -> None:
    parser = deployment_parser()
    parser.add_argument("--paths", default="per-chat,analytics,all-db")
    args = parser.parse_args()

    results: dict[str, object] = {"chats": args.chats, "users": args.users}
    with seeded(args.chats, args.users, args.url, args.jwt) as deployment:
        results["server_analytics"] = deployment.summary
        in_histories = 0
        for path in args.paths.split(","):
            result = results[path] = measure(path, deployment)
            if "failed" in result:
                print(f"{path}: failed: {result['failed']}")
                continue
            rate = result["messages"] / result["seconds"]
            line = (
                f"{path}: {result['messages']} messages in {result['seconds']:.1f}s "
                f"({rate:.0f}/s), {result['requests']} requests, client CPU "
                f"{result['client_cpu_s']:.1f}s, client peak RSS {result['peak_rss_mb']:.0f} MB"
            )
            if "server_peak_rss_mb" in result:
                line += (
                    f", server RSS {result['server_rss_mb_before']:.0f} -> "
                    f"{result['server_rss_mb_after']:.0f} MB "
                    f"(peak {result['server_peak_rss_mb']:.0f})"
                )
            if path == "per-chat":
                in_histories = result["messages"]
            if path == "analytics" and in_histories:
                line += f", {result['distinct_ids']} distinct of {in_histories} in the histories"
            print(line)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dataset-paths-{args.chats}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
