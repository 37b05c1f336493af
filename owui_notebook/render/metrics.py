"""The figures shown under an answer and in comparison tables, from a `ChatResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client.types import ChatResult

#: Columns of `result_metrics`, in display order.
METRIC_COLUMNS = (
    "model",
    "ttft_s",
    "total_s",
    "prompt_tokens",
    "completion_tokens",
    "tokens_per_s",
    "chars",
    "status",
    "error",
    "chat_id",
    "message_id",
)


def status_of(result: ChatResult) -> str:
    """``ok``, ``stopped`` or ``error``."""
    if result.error:
        return "error"
    return "stopped" if result.stopped else "ok"


def result_metrics(result: ChatResult) -> dict[str, Any]:
    """One row of figures for an answer.

    ``ttft_s``: request sent to first token; ``total_s``: request sent to last byte (both
    measured by the client); token counts come from the provider's usage (``None`` when it
    sent none); ``tokens_per_s`` is completion tokens over generation time (first token to
    last), so it does not mix queueing into throughput.
    """
    usage = result.usage
    return {
        "model": result.model,
        "ttft_s": result.timings.ttft,
        "total_s": result.timings.total,
        "prompt_tokens": usage.prompt_tokens if usage else None,
        "completion_tokens": usage.completion_tokens if usage else None,
        "tokens_per_s": result.tokens_per_second,
        "chars": len(result.content),
        "status": status_of(result),
        "error": result.error,
        "chat_id": result.chat_id,
        "message_id": result.message_id,
    }


def metrics_frame(results: list[ChatResult]) -> Any:
    """A DataFrame of `result_metrics`, one row per answer, typed for analysis."""
    import pandas as pd

    frame = pd.DataFrame([result_metrics(r) for r in results], columns=list(METRIC_COLUMNS))
    for column in ("prompt_tokens", "completion_tokens", "chars"):
        frame[column] = frame[column].astype("Int64")
    for column in ("ttft_s", "total_s", "tokens_per_s"):
        frame[column] = frame[column].astype("Float64")
    return frame


def summary_line(result: ChatResult, *, chars: bool = False) -> str:
    """``first token 0.21 s · total 1.30 s · 120 tokens · 95 tok/s`` (figures that are known).

    Every figure carries its label or unit, so none reads as a bare number. `chars` adds the
    answer's length (``· 412 chars``), as the comparison panel shows.
    """
    parts = []
    m = result_metrics(result)
    if m["ttft_s"] is not None:
        parts.append(f"first token {m['ttft_s']:.2f} s")
    if m["total_s"] is not None:
        parts.append(f"total {m['total_s']:.2f} s")
    if m["completion_tokens"] is not None:
        parts.append(f"{m['completion_tokens']} tokens")
    if m["tokens_per_s"] is not None:
        parts.append(f"{m['tokens_per_s']:.0f} tok/s")
    if chars:
        parts.append(f"{m['chars']} chars")
    return " · ".join(parts)
