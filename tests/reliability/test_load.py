"""Load: many 4-model comparisons at once against the real server; nothing lost, memory flat.

CI runs 40 chats, 10 at a time; ``--soak`` (or ``OWUI_SOAK=1``) runs 200 chats, 20 at a time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import tracemalloc

import pytest

from owui_notebook.client import AsyncOpenWebUI, validate_history
from owui_notebook.sandbox.provider import answer_text

MODELS = ["alpha", "beta", "gamma", "delta"]


async def _one_chat(client: AsyncOpenWebUI, n: int) -> tuple[str, str, dict[str, str]]:
    """One comparison; only ids and texts are kept, so the heap measures the client alone."""
    prompt = f"load test chat {n}: compare yourselves"
    chat = client.chat(MODELS[0])
    results = await chat.send_many(prompt, MODELS)
    assert [r.model for r in results] == MODELS and not any(r.stopped for r in results)
    return chat.id, prompt, {r.model: r.content for r in results}


@pytest.mark.timeout(1800)
async def test_many_comparisons_at_once_lose_nothing(
    owui_sandbox, provider, owui_soak, figures, caplog
):
    total, at_once = (200, 20) if owui_soak else (40, 10)
    # pytest keeps every captured log record of a test in memory: thousands of request lines
    # (httpx at INFO, the client at DEBUG under the secrets scan) would look like a growing
    # client heap.
    caplog.set_level(logging.WARNING, logger="httpx")
    caplog.set_level(logging.WARNING, logger="httpcore")  # at DEBUG under the scan too
    caplog.set_level(logging.WARNING, logger="owui_notebook")
    for model in MODELS:  # a little pacing, as real models stream
        provider.configure(model, ttft=0.05, tokens_per_second=200, answer_tokens=30)
    async with AsyncOpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as client:
        before = {c.id for c in await client.chats.list()}
        gc.collect()
        tracemalloc.start()
        memory: list[int] = []
        outcomes: list[tuple[str, str, dict[str, str]]] = []
        start = time.perf_counter()
        for wave in range(0, total, at_once):
            batch = range(wave, min(wave + at_once, total))
            outcomes += await asyncio.gather(*(_one_chat(client, n) for n in batch))
            # The in-process provider records every request it gets: not the client's memory.
            provider.clear_requests()
            gc.collect()
            memory.append(_client_heap())
        elapsed = time.perf_counter() - start
        tracemalloc.stop()

        # Every chat is on the server once, valid, with one user message and four full answers.
        ids = [chat_id for chat_id, _, _ in outcomes]
        assert len(set(ids)) == total and all(ids)
        after = {c.id for c in await client.chats.list()}
        assert after - before == set(ids), "a chat was lost, or an extra (empty) one was made"
        for chat_id, prompt, results in outcomes:
            record = await client.chats.get(chat_id)
            assert validate_history(record) == [], chat_id
            messages = list(record.messages.values())
            users = [m for m in messages if m["role"] == "user"]
            answers = {m["model"]: m for m in messages if m["role"] == "assistant"}
            assert len(users) == 1 and len(messages) == 1 + len(MODELS)
            assert sorted(answers) == sorted(MODELS)
            for model, content in results.items():
                saved = answers[model]
                first_turn = [{"role": "user", "content": prompt}]
                expected = answer_text(model, first_turn, provider.models[model])
                # No placeholder left behind: each answer is whole, done and error-free.
                assert saved["content"] == content == expected
                assert saved["done"] is True and "error" not in saved
                assert saved["owui_notebook"]["stopped"] is False

    # Memory: after the first wave warms caches, later waves add (next to) nothing.
    warm, last = memory[0], memory[-1]
    growth_mb = (last - warm) / 1e6
    figures["load"] = {
        "chats": total,
        "at_once": at_once,
        "answers": total * len(MODELS),
        "seconds": round(elapsed, 1),
        "chats_per_s": round(total / elapsed, 2),
        "heap_after_first_wave_mb": round(warm / 1e6, 2),
        "heap_at_end_mb": round(last / 1e6, 2),
    }
    assert growth_mb < 1.0, f"client heap grew {growth_mb:.2f} MB over the run"


# The client's heap: what the client stack's own code allocated and still holds. The rest of
# the process (the in-process provider's server threads, the test run's log handlers and
# watchers, earlier tests' leftovers) is not the client's and would blur the figure.
_THE_CLIENT = [
    tracemalloc.Filter(True, pattern)
    for pattern in (
        "*/owui_notebook/client/*",
        "*/httpx/*",
        "*/httpcore/*",
        "*/h11/*",
        "*/anyio/*",
        "*/pydantic/*",
        "*/pydantic_core/*",
        "*/asyncio/*",
        "*/json/*",
        "*/ssl.py",
    )
]


def _client_heap() -> int:
    """Bytes the client stack allocated since tracing started and still holds."""
    snapshot = tracemalloc.take_snapshot().filter_traces(_THE_CLIENT)
    return sum(stat.size for stat in snapshot.statistics("filename"))
