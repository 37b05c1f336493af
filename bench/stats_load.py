"""A 5,000-chat server's stats into pandas: the one-request NDJSON export vs pages of 10.

    python bench/stats_load.py [--chats 5000] [--runs 3] [--json bench/results/stats_load.json]

Starts a fresh sandbox (seeding thousands of chats would pollute a real server), imports
``--chats`` chats of realistic shape straight through ``/api/v1/chats/import`` (1-4 turns,
a quarter of them answered by 2-3 models side by side, usage and timings on every answer,
spread over 90 days), then loads every chat into the two frames the stats export feeds
(`export_frame`: one row per chat; `messages_frame`: one row per message) three ways,
interleaved run by run so machine noise hits them alike, and reports medians:

- the NDJSON export, ``/api/v1/chats/stats/export?stream=true`` (one response);
- the paged export, 10 chats a request (what the endpoint offers without ``stream``);
- the full chats, ``/api/v1/chats/all``, digested client-side (what servers before 0.7.0 get).

Memory: the tracemalloc peak of one further load of each, per 1,000 rows.
Budget (shared/DESIGN.md): the NDJSON export many times faster than paging 10 at a time.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from owui_notebook.client import OpenWebUI
from owui_notebook.frames import ExportCache, export_frame, messages_frame, usage_frame
from owui_notebook.sandbox import Sandbox

BUDGET_RATIO = 5.0  # "many times faster"
MODELS = ("alpha", "beta", "gamma", "delta")
WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while")
READERS = {
    "NDJSON export (1 request)": {"source": "server", "stream": True},
    "paged export (10 per request)": {"source": "server", "stream": False},
    "full chats, client-side": {"source": "client"},
}


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_chat(rng: random.Random, now: int) -> dict[str, Any]:
    """An import form for one chat as owui-notebook would have saved it."""
    created = now - rng.randrange(90 * 86400)
    clock = created
    messages: dict[str, dict[str, Any]] = {}
    parent: str | None = None
    models: list[str] = []
    for _ in range(rng.randint(1, 4)):
        models = (
            rng.sample(MODELS, rng.choice((2, 3))) if rng.random() < 0.25 else [rng.choice(MODELS)]
        )
        user_id = str(uuid.uuid4())
        answer_ids = [str(uuid.uuid4()) for _ in models]
        messages[user_id] = {
            "id": user_id,
            "parentId": parent,
            "childrenIds": answer_ids,
            "role": "user",
            "content": text(rng, rng.randint(5, 60)),
            "timestamp": clock,
            "models": models,
        }
        if parent is not None:
            messages[parent]["childrenIds"].append(user_id)
        for index, (model, answer_id) in enumerate(zip(models, answer_ids, strict=True)):
            completion, prompt = rng.randint(20, 600), rng.randint(10, 2000)
            ttft, total = round(rng.uniform(0.1, 2.0), 4), round(rng.uniform(2.0, 30.0), 4)
            messages[answer_id] = {
                "id": answer_id,
                "parentId": user_id,
                "childrenIds": [],
                "role": "assistant",
                "content": text(rng, completion),
                "model": model,
                "modelName": model,
                "modelIdx": index,
                "timestamp": clock + int(total),
                "done": True,
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
                "owui_notebook": {"ttft": ttft, "total": total, "started_at": clock},
            }
        parent = answer_ids[0]
        clock += rng.randint(30, 600)
    history = {"messages": messages, "currentId": parent}
    chat = {"title": text(rng, 4), "models": models, "history": history, "timestamp": created}
    tags = rng.sample(["work", "code", "ideas", "test"], rng.randint(0, 2))
    return {
        "chat": chat,
        "meta": {"tags": tags},
        "pinned": rng.random() < 0.05,
        "archived": rng.random() < 0.1,
        "created_at": created,
        "updated_at": clock,
    }


def seed(client: OpenWebUI, count: int, batch: int) -> float:
    rng = random.Random(5)
    now = int(time.time())
    start = time.perf_counter()
    for offset in range(0, count, batch):
        forms = [make_chat(rng, now) for _ in range(min(batch, count - offset))]
        client.chats.import_chats(forms)
        print(f"\r[seed] {offset + len(forms)}/{count} chats", end="", file=sys.stderr)
    print(file=sys.stderr)
    return time.perf_counter() - start


def load(client: OpenWebUI, options: dict[str, Any]) -> tuple[int, int]:
    """Every chat into both frames, as a notebook would; returns their row counts."""
    cache = ExportCache(client, progress=False, **options)
    chats = export_frame(cache)
    messages = messages_frame(cache)
    return len(chats), len(messages)


def refresh_seconds(client: OpenWebUI, changes: int) -> dict[str, Any]:
    """Load, change `changes` chats, then time one incremental refresh of each cache."""
    caches = {
        "client": ExportCache(client, progress=False),
        "server": ExportCache(client, source="server", progress=False),
    }
    for cache in caches.values():
        cache.load()
    time.sleep(1.1)  # updated_at is in whole seconds
    for chat_id in list(caches["client"].records)[:changes]:
        # Saving the history moves updated_at; a rename alone does not (0.12.4).
        client.chats.update(chat_id, {"history": client.chats.get(chat_id).history})
    out: dict[str, Any] = {}
    for name, cache in caches.items():
        start = time.perf_counter()
        result = cache.refresh()
        out[name] = {
            "seconds": time.perf_counter() - start,
            "fetched": len(result.fetched),
            "changed": len(result.changed),
        }
    return out


def usage_seconds(client: OpenWebUI) -> dict[str, float]:
    out = {}
    for source in ("server", "client"):
        start = time.perf_counter()
        usage_frame(client, source=source, progress=False)
        out[source] = time.perf_counter() - start
    return out


def fetch(client: OpenWebUI, options: dict[str, Any]) -> int:
    """Only the transfer: the records, no frames (to tell the server's share from ours)."""
    if options["source"] == "client":
        return sum(1 for _ in client.chats.all())
    return sum(1 for _ in client.stats.iter_export(stream=options["stream"]))


def peak_bytes(read: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=250, help="chats per import request")
    parser.add_argument("--changes", type=int, default=10, help="chats changed before a refresh")
    parser.add_argument(
        "--json", default=str(Path(__file__).parent / "results" / "stats_load.json")
    )
    args = parser.parse_args()
    with (
        Sandbox(log=lambda m: print(f"[sandbox] {m}", file=sys.stderr)) as box,
        OpenWebUI(box.url, box.api_key, timeout=600) as client,
    ):
        version = client.version()
        seconds_to_seed = seed(client, args.chats, args.batch)
        rows: dict[str, tuple[int, int]] = {}
        samples: dict[str, list[float]] = {name: [] for name in READERS}
        transfer: dict[str, list[float]] = {name: [] for name in READERS}
        for name, options in READERS.items():  # warm up, and learn the row counts
            rows[name] = load(client, options)
        for run in range(args.runs):
            for name, options in READERS.items():
                start = time.perf_counter()
                load(client, options)
                samples[name].append(time.perf_counter() - start)
                start = time.perf_counter()
                fetch(client, options)
                transfer[name].append(time.perf_counter() - start)
            print(f"\r[load] run {run + 1}/{args.runs}", end="", file=sys.stderr)
        print(file=sys.stderr)
        peaks = {name: peak_bytes(lambda o=o: load(client, o)) for name, o in READERS.items()}
        usage = usage_seconds(client)
        refresh = refresh_seconds(client, args.changes)

    chats, messages = rows["NDJSON export (1 request)"]
    assert all(r == (chats, messages) for r in rows.values()), rows
    base = statistics.median(samples["NDJSON export (1 request)"])
    print(
        f"\n{args.chats} chats ({chats} chat rows, {messages} message rows) into pandas, "
        f"Open WebUI {version}, median of {args.runs} interleaved runs "
        f"(seeded in {seconds_to_seed:.0f} s)"
    )
    header = (
        f"{'reader':31} {'median s':>9} {'fetch s':>8} {'vs NDJSON':>9} {'chats/s':>8} "
        f"{'msgs/s':>8}"
    )
    print(header + f" {'peak MB/1k chats':>16} {'peak MB/1k msgs':>15}")
    out = []
    for name in READERS:
        med = statistics.median(samples[name])
        peak = peaks[name]
        out.append(
            {
                "reader": name,
                "median_s": med,
                "fetch_median_s": statistics.median(transfer[name]),
                "ratio_to_ndjson": med / base,
                "chats_per_s": chats / med,
                "messages_per_s": messages / med,
                "peak_bytes": peak,
                "peak_mb_per_1000_chats": peak / 1e6 / chats * 1000,
                "peak_mb_per_1000_messages": peak / 1e6 / messages * 1000,
                "samples_s": samples[name],
                "fetch_samples_s": transfer[name],
            }
        )
        r = out[-1]
        print(
            f"{name:31} {med:9.2f} {r['fetch_median_s']:8.2f} {r['ratio_to_ndjson']:8.1f}x "
            f"{r['chats_per_s']:8.0f} "
            f"{r['messages_per_s']:8.0f} {r['peak_mb_per_1000_chats']:16.1f} "
            f"{r['peak_mb_per_1000_messages']:15.2f}"
        )
    print(
        f"\nusage_frame: server's /stats/usage {usage['server']:.2f} s, "
        f"computed from the full chats {usage['client']:.2f} s"
    )
    for name, r in refresh.items():
        print(
            f"refresh after {args.changes} changed chats ({name} records): "
            f"{r['seconds']:.2f} s, {r['fetched']} chats fetched, {r['changed']} changed"
        )
    paged = out[1]["median_s"]
    ratio, ours = paged / out[0]["median_s"], paged / out[2]["median_s"]
    verdict = "within" if ratio >= BUDGET_RATIO else "OVER"
    print(
        f"\nbudget: NDJSON export >= {BUDGET_RATIO:.0f}x faster than pages of 10 -> {verdict} "
        f"budget ({ratio:.1f}x)"
    )
    if ratio < BUDGET_RATIO:
        print("  the server's NDJSON stream reads its database 10 chats at a time, as the pages do")
    print(f"the full chats (export_frame's default) vs pages of 10: {ours:.1f}x faster")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "server": version,
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "chats": args.chats,
                "chat_rows": chats,
                "message_rows": messages,
                "runs": args.runs,
                "seed_s": seconds_to_seed,
                "rows": out,
                "usage_frame_s": usage,
                "refresh": refresh,
                "paged_over_ndjson": ratio,
                "paged_over_full_chats": ours,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
