"""1. One short chat, from the request to the complete answer, saved in the server."""

from __future__ import annotations

from typing import Any

from owui_notebook.sandbox.provider import answer_text

from .contenders import CHAT_CLIENT, OURS, OWUI_CLIENT
from .context import Context, Row, log
from .measure import interleave, tree_report

MODEL = "alpha"  # answers at once: what is measured is the client and the server
PROMPT = "What is a B-tree?"
CALLS = {
    OURS.key: "client.chat(m).send(p)",
    CHAT_CLIENT.key: "chat(p, title, m)",
    OWUI_CLIENT.key: "chats.create_new + chats.chat_completion",
}


def run(ctx: Context) -> dict[str, Any]:
    expected = answer_text(MODEL, [{"role": "user", "content": PROMPT}])
    contenders = (OURS, CHAT_CLIENT, OWUI_CLIENT)
    workers = {c.key: ctx.worker(c) for c in contenders}
    try:
        calls = {
            key: (lambda w=w: w.call("chat", model=MODEL, prompt=PROMPT))
            for key, w in workers.items()
        }
        first = {key: call() for key, call in calls.items()}  # warm up; learn each one's call
        samples = interleave(ctx.runs, calls, lambda m: log(f"chat: {m}"))
    finally:
        for w in workers.values():
            w.close()
    base = [s["seconds"] for s in samples[OURS.key]]
    rows = []
    for c in contenders:
        replies = samples[c.key]
        wrong = sum(r["answer"] != expected for r in replies)
        notes = [replies[-1]["note"]] if replies[-1].get("note") else []
        if wrong:
            notes.append(f"{wrong} wrong answers")
        rows.append(
            Row(
                contender=c.label,
                call=replies[-1].get("call") or CALLS[c.key],
                seconds=[r["seconds"] for r in replies],
                base=base,
                tree=tree_report(ctx.client, [r["chat_id"] for r in [first[c.key], *replies]]),
                note="; ".join(notes),
            ).as_dict()
        )
    return {
        "id": "chat",
        "title": "1. one short chat, request to complete answer, saved",
        "setup": {"model": MODEL, "prompt": PROMPT},
        "rows": rows,
    }
