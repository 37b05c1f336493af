"""2. Streaming: time to first token as the caller sees it, and to the end of the answer."""

from __future__ import annotations

from typing import Any

from .contenders import CHAT_CLIENT, OURS, OWUI_CLIENT, RAW
from .context import Context, Row, log
from .measure import interleave, median, tree_report

MODEL = "stream-bench"
# First token at once (what is measured is the path to it), then 40 tokens at 200/s.
SPEED = {"ttft": 0.0, "tokens_per_second": 200.0, "answer_tokens": 40}
PROMPT = "Stream me an answer."
CALLS = {
    RAW.key: "http.stream('POST', '/api/chat/completions')",
    OURS.key: "chat.stream(p)",
    CHAT_CLIENT.key: "stream_chat(p, title, m)",
    OWUI_CLIENT.key: "chats.chat_completion({..., stream: True})",
}


def run(ctx: Context) -> dict[str, Any]:
    ctx.provider.configure(MODEL, **SPEED)
    contenders = (RAW, OURS, CHAT_CLIENT, OWUI_CLIENT)
    workers = {c.key: ctx.worker(c) for c in contenders}
    try:
        calls = {
            key: (lambda w=w: w.call("first_token", model=MODEL, prompt=PROMPT))
            for key, w in workers.items()
        }
        for call in calls.values():  # warm up connections and caches
            call()
        # What a new openwebui-chat-client does on its first stream (it sleeps first).
        first_stream = workers[CHAT_CLIENT.key].call(
            "first_token", model=MODEL, prompt=PROMPT, wait=True
        )
        samples = interleave(ctx.runs, calls, lambda m: log(f"stream: {m}"))
    finally:
        for w in workers.values():
            w.close()
    base = [s["first_s"] for s in samples[OURS.key]]
    raw = median(s["first_s"] for s in samples[RAW.key])
    rows = []
    for c in contenders:
        replies = samples[c.key]
        firsts = [r["first_s"] for r in replies]
        saved = [r["chat_id"] for r in replies]
        note = ""
        if c is CHAT_CLIENT:
            note = (
                f"a new client's first stream: {first_stream['first_s']:.1f} s "
                "(it sleeps wait_before_request=10 s first)"
            )
        elif c is OWUI_CLIENT:
            note = "no streaming call: returns the whole body"
        rows.append(
            Row(
                contender=c.label,
                call=CALLS[c.key],
                seconds=firsts,
                base=base,
                tree=tree_report(ctx.client, saved) if any(saved) else None,
                note=note,
                extra={
                    "added_ms_over_raw": (median(firsts) - raw) * 1e3,
                    "total_median_s": median(r["total_s"] for r in replies),
                    "total_samples_s": [r["total_s"] for r in replies],
                },
            ).as_dict()
        )
    return {
        "id": "stream",
        "title": "2. streaming: time to first token",
        "setup": {"model": MODEL, **SPEED, "prompt": PROMPT},
        "first_stream_new_client_s": first_stream["first_s"],
        "rows": rows,
    }
