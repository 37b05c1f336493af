"""3. One prompt to 4 models of equal speed: wall time against the slowest model alone."""

from __future__ import annotations

from typing import Any

from .contenders import CHAT_CLIENT, OURS, RAW
from .context import Context, Row, log
from .measure import interleave, median, paired_ratio, tree_report

MODELS = [f"peer-equal-{k}" for k in range(1, 5)]
SPEED = {"ttft": 0.3, "tokens_per_second": 100.0, "answer_tokens": 200}
PROMPT = "Compare yourselves."
BUDGET = 1.10  # shared/DESIGN.md: within 10% of the slowest single model


def run(ctx: Context) -> dict[str, Any]:
    for model in MODELS:
        ctx.provider.configure(model, **SPEED)
    contenders = (RAW, OURS, CHAT_CLIENT)
    workers = {c.key: ctx.worker(c) for c in contenders}

    def slowest_alone() -> dict[str, Any]:
        alone = [workers[RAW.key].call("single", model=m, prompt=PROMPT) for m in MODELS]
        return {
            "seconds": max(a["seconds"] for a in alone),
            "each_s": [a["seconds"] for a in alone],
        }

    try:
        calls = {
            RAW.key: slowest_alone,
            OURS.key: lambda: workers[OURS.key].call("compare", models=MODELS, prompt=PROMPT),
            CHAT_CLIENT.key: lambda: workers[CHAT_CLIENT.key].call(
                "compare", models=MODELS, prompt=PROMPT
            ),
        }
        for call in calls.values():  # warm up
            call()
        samples = interleave(ctx.long_runs, calls, lambda m: log(f"compare: {m}"))
    finally:
        for w in workers.values():
            w.close()
    single = [s["seconds"] for s in samples[RAW.key]]
    base = [s["seconds"] for s in samples[OURS.key]]
    labels = {
        RAW.key: ("slowest single model, streamed alone (raw httpx)", "max of 4 reads alone"),
        OURS.key: ("owui-notebook", "chat.send_many(p, models)"),
        CHAT_CLIENT.key: ("openwebui-chat-client", "parallel_chat(p, title, models)"),
    }
    rows = []
    for c in contenders:
        seconds = [s["seconds"] for s in samples[c.key]]
        saved = [s.get("chat_id") for s in samples[c.key]]
        label, call = labels[c.key]
        rows.append(
            Row(
                contender=label,
                call=call,
                seconds=seconds,
                base=base,
                tree=tree_report(ctx.client, saved) if any(saved) else None,
                extra={
                    "ratio_to_slowest_single": paired_ratio(seconds, single),
                    "within_budget": paired_ratio(seconds, single) <= BUDGET,
                },
            ).as_dict()
        )
    rows[0]["each_model_samples_s"] = [s["each_s"] for s in samples[RAW.key]]
    return {
        "id": "compare",
        "title": "3. one prompt, 4 models of equal speed",
        "setup": {"models": MODELS, **SPEED, "prompt": PROMPT},
        "budget_ratio_to_slowest_single": BUDGET,
        "slowest_single_median_s": median(single),
        "rows": rows,
    }
