"""Synthetic chats of realistic shape, for the dataset's tests and bench/deployment.

`chat_form` builds one import form (``POST /api/v1/chats/import``): several turns, some
answered side by side by two or three models, an edited prompt now and then (a second
branch), thumbs ratings, the provider's token usage, tags, and timestamps spread over the
months before `now`. `seed` imports N of them in batches; the generator is seeded, so a
run is reproducible.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from typing import Any

from ..client.turns import CLIENT_KEY

MODELS = ("alpha", "beta", "gamma", "delta")
TAGS = ("work", "code", "research", "travel", "Data Science")
DAY = 86_400


def chat_form(
    rng: random.Random, *, now: int, months: int = 6, models: Sequence[str] = MODELS
) -> dict[str, Any]:
    """One chat as an import form, with its messages' timestamps in the last `months`."""
    start = now - rng.randint(0, months * 30 * DAY)
    messages: dict[str, dict[str, Any]] = {}
    clock = start

    def add(role: str, parent: str | None, content: str, **extra: Any) -> str:
        key = str(uuid.UUID(int=rng.getrandbits(128)))
        messages[key] = {
            "id": key,
            "role": role,
            "parentId": parent,
            "childrenIds": [],
            "content": content,
            "timestamp": clock,
            **extra,
        }
        if parent is not None:
            messages[parent]["childrenIds"].append(key)
        return key

    def answers(parent: str, count: int) -> list[str]:
        keys = []
        for idx, model in enumerate(rng.sample(list(models), count)):
            words = rng.randint(5, 120)
            usage = {"prompt_tokens": rng.randint(10, 400), "completion_tokens": words}
            extra: dict[str, Any] = {"model": model, "modelName": model.title(), "modelIdx": idx}
            if rng.random() < 0.15:
                extra["annotation"] = {"rating": rng.choice((1, -1))}
            keys.append(add("assistant", parent, "word " * words, usage=usage, done=True, **extra))
        return keys

    parent: str | None = None
    current = None
    for _turn in range(rng.randint(1, 5)):
        clock += rng.randint(5, 600)
        prompt = add("user", parent, "question " * rng.randint(2, 60))
        if rng.random() < 0.1:  # the prompt was edited: a sibling branch with its answer
            sibling = add("user", parent, "edited " * rng.randint(2, 30))
            answers(sibling, 1)
        clock += rng.randint(1, 60)
        replies = answers(prompt, 1 if rng.random() < 0.8 else rng.randint(2, 3))
        parent = current = replies[0]
    chat_models = sorted({m["model"] for m in messages.values() if m.get("model")})
    chat = {
        "title": f"chat {uuid.UUID(int=rng.getrandbits(128)).hex[:8]}",
        "models": chat_models,
        "history": {"messages": messages, "currentId": current},
        "timestamp": start * 1000,
    }
    tags = rng.sample(TAGS, rng.choice((0, 0, 1, 2)))
    return {
        "chat": chat,
        "meta": {"tags": tags},
        "pinned": rng.random() < 0.05,
        "created_at": start,
        "updated_at": clock,
    }


def timed_and_failed(
    form: dict[str, Any], rng: random.Random, *, timed: float = 0.7, failed: float = 0.01
) -> dict[str, Any]:
    """`form` with owui-notebook's timings (``ttft``, ``total``) on a share `timed` of its
    answers, and a share `failed` of them failed (an error; most without any text)."""
    for message in form["chat"]["history"]["messages"].values():
        if message["role"] != "assistant":
            continue
        if rng.random() < timed:
            ttft = round(rng.uniform(0.05, 1.5), 3)
            total = round(ttft + rng.uniform(0.2, 20), 3)
            message[CLIENT_KEY] = {"ttft": ttft, "total": total, "client": "synthetic"}
        if rng.random() < failed:
            message["error"] = {"content": "provider unavailable"}
            if rng.random() < 0.8:
                message["content"] = ""
    return form


def seed(client: Any, count: int, *, seed: int = 0, now: int, batch: int = 100) -> list[str]:
    """Import `count` synthetic chats for `client`'s user; archives about 5%. Their ids."""
    rng = random.Random(seed)
    ids: list[str] = []
    for first in range(0, count, batch):
        forms = [chat_form(rng, now=now) for _ in range(min(batch, count - first))]
        records = client.chats.import_chats(forms)
        ids.extend(r.id for r in records)
    for chat_id in ids:
        if rng.random() < 0.05:
            client.chats.archive(chat_id)
    return ids


# Runs inside the server's own virtual environment, on its database: the rows are made by
# Open WebUI's own code (the import endpoint's chat model and its chat_message builder),
# committed a batch at a time instead of one commit per message as the endpoint does.
_SERVER_SIDE = r"""
import asyncio, json, sys, time
out, sys.stdout = sys.stdout, sys.stderr  # Open WebUI logs to stdout: keep the pipe for ids
from open_webui.internal.db import get_async_db_context
from open_webui.models.chats import Chat, Chats, ChatImportForm
from open_webui.models.chat_messages import ChatMessage, ChatMessages
from open_webui.models.tags import Tags

async def main():
    from sqlalchemy.dialects.sqlite import insert
    for line in sys.stdin:
        batch = json.loads(line)
        user = batch["user_id"]
        forms = [ChatImportForm(**f) for f in batch["forms"]]
        models = [Chats._chat_import_form_to_chat_model(user, f) for f in forms]
        now = int(time.time())
        async with get_async_db_context() as db:
            db.add_all([Chat(**m.model_dump()) for m in models])
            rows = [
                ChatMessages._build_message(
                    f"{m.id}-{mid}", m.id, msg.get("user_id") or user, msg, now
                )
                for m in models
                for mid, msg in (m.chat.get("history", {}).get("messages") or {}).items()
                if isinstance(msg, dict) and msg.get("role")
            ]
            if rows:
                cols = [c.name for c in ChatMessage.__table__.columns]
                await db.execute(
                    insert(ChatMessage).on_conflict_do_nothing(index_elements=["id"]),
                    [{c: getattr(r, c) for c in cols} for r in rows],
                )
            await db.commit()
        tags = sorted({t for m in models for t in (m.meta or {}).get("tags", [])})
        if tags:
            await Tags.ensure_tags_exist(tags, user)
        print(json.dumps([m.id for m in models]), file=out, flush=True)

asyncio.run(main())
"""


def seed_server_side(
    python: str,
    env: dict[str, str],
    plan: Sequence[tuple[str, int, int]],
    *,
    now: int,
    batch: int = 500,
) -> list[str]:
    """Write synthetic chats straight into a stopped or idle Open WebUI's database, with
    its own code (`python` is the server venv's interpreter, `env` its ``DATA_DIR`` and
    database settings). `plan` is ``(user_id, chats, seed)`` per user; the chat ids.

    Open WebUI 0.10+ (the ``chat_message`` table); about 50x the import endpoint's rate, which
    commits every message on its own. Verify against the server's analytics afterwards."""
    import json
    import subprocess

    proc = subprocess.Popen(
        [python, "-c", _SERVER_SIDE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        cwd=env.get("DATA_DIR"),
    )
    assert proc.stdin is not None and proc.stdout is not None
    ids: list[str] = []
    for user_id, count, seed_ in plan:
        rng = random.Random(seed_)
        for first in range(0, count, batch):
            forms = []
            for _ in range(min(batch, count - first)):
                form = chat_form(rng, now=now)
                form["archived"] = rng.random() < 0.05
                forms.append(form)
            proc.stdin.write(json.dumps({"user_id": user_id, "forms": forms}) + "\n")
            proc.stdin.flush()
            ids.extend(json.loads(proc.stdout.readline()))
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"the server-side seeder failed (exit {proc.returncode})")
    return ids
