"""Token usage, normalised across the key names providers use."""

from __future__ import annotations

from typing import Any

_PROMPT_KEYS = ("prompt_tokens", "input_tokens", "prompt_eval_count")
_COMPLETION_KEYS = ("completion_tokens", "output_tokens", "eval_count")


def _first_int(data: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            return int(value)
    return None


def normalize_usage(usage: dict[str, Any] | None) -> dict[str, int | None]:
    """``{"prompt_tokens", "completion_tokens", "total_tokens"}`` from any provider's usage.

    OpenAI says prompt/completion_tokens, Anthropic-style APIs input/output_tokens, Ollama
    prompt_eval_count/eval_count. Missing figures are ``None``, never guessed.
    """
    if not isinstance(usage, dict):
        return {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}
    prompt = _first_int(usage, _PROMPT_KEYS)
    completion = _first_int(usage, _COMPLETION_KEYS)
    total = _first_int(usage, ("total_tokens",))
    if total is None and prompt is not None and completion is not None:
        total = prompt + completion
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}
