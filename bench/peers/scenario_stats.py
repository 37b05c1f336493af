"""4. A 5,000-chat server's per-chat stats into a pandas DataFrame.

Ours: `export_frame(client)`. owui-client: every page of its `chats.export_chat_stats`
(10 chats a page), then one DataFrame row per item. Each runs in a fresh worker
so that its peak memory is this job's.
"""

from __future__ import annotations

from typing import Any

from .contenders import OURS, OWUI_CLIENT
from .context import Context, Row, log
from .measure import interleave

CHATS = 5000  # seeded once (see server.py), then reused


def run(ctx: Context) -> dict[str, Any]:
    contenders = (OURS, OWUI_CLIENT)
    workers = {c.key: ctx.worker(c, stats=True) for c in contenders}
    try:
        calls = {key: (lambda w=w: w.call("stats_frame")) for key, w in workers.items()}
        # Warm up without a whole load (that would cost a minute): pandas imported, the
        # connection open; the database's files are in the OS cache since they were copied.
        for w in workers.values():
            w.call("warm_stats")
        samples = interleave(ctx.long_runs, calls, lambda m: log(f"stats: {m}"))
        memory = {key: w.call("rss") for key, w in workers.items()}
    finally:
        for w in workers.values():
            w.close()
    base = [s["seconds"] for s in samples[OURS.key]]
    calls_text = {
        OURS.key: "export_frame(client)",
        OWUI_CLIENT.key: "every chats.export_chat_stats(page=n) + pd.DataFrame",
    }
    rows = []
    for c in contenders:
        replies = samples[c.key]
        rows.append(
            Row(
                contender=c.label,
                call=calls_text[c.key],
                seconds=[r["seconds"] for r in replies],
                base=base,
                extra={
                    "rows": replies[-1]["rows"],
                    "columns": replies[-1]["columns"],
                    "peak_rss_mb": memory[c.key]["peak_rss_mb"],
                },
                note="" if replies[-1]["rows"] == ctx.chats else f"expected {ctx.chats:,} rows",
            ).as_dict()
        )
    return {
        "id": "stats",
        "title": f"4. {ctx.chats:,} chats' stats into pandas",
        "setup": {"chats": ctx.chats, "shape": "bench/stats_load.py's make_chat"},
        "rows": rows,
    }
