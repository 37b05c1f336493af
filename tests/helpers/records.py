"""Chat records as servers hold them, for the frame tests (no server needed)."""

from __future__ import annotations

S = 1_795_429_812  # a Monday is 2026-11-23


def message(key, role, parent, children, content, ts, **extra):
    return {
        "id": key,
        "role": role,
        "parentId": parent,
        "childrenIds": children,
        "content": content,
        "timestamp": ts,
        **extra,
    }


def branched_chat(chat_id="c1", offset=0):
    """u1 -> a1 (alpha), a2 (beta, side by side); a1 -> u2 -> a3 (alpha), the thread shown.

    Usage in three providers' shapes, a millisecond timestamp, a list content, timings,
    ratings: what real servers hold.
    """
    t = S + offset
    messages = {
        "u1": message("u1", "user", None, ["a1", "a2"], "Hi there", t),
        "a1": message(
            "a1",
            "assistant",
            "u1",
            ["u2"],
            "Hello!",
            t + 2,
            model="alpha",
            modelName="Alpha",
            usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            owui_notebook={
                "ttft": 0.5,
                "total": 1.5,
                "stopped": False,
                "client": "owui-notebook/x",
            },
            annotation={"rating": 1, "tags": ["good"]},
        ),
        "a2": message(
            "a2",
            "assistant",
            "u1",
            [],
            [{"type": "text", "text": "Hey"}, {"type": "image_url", "image_url": {}}],
            (t + 3) * 1000,
            model="beta",
            info={"prompt_eval_count": 3, "eval_count": 4, "total_duration": 2_000_000_000},
            annotation={"rating": -1},
        ),
        "u2": message("u2", "user", "a1", ["a3"], "More?", t + 10),
        "a3": message(
            "a3",
            "assistant",
            "u2",
            [],
            "Sure.",
            t + 12,
            model="alpha",
            usage={"input_tokens": 5, "output_tokens": 1},
            error={"content": "cut"},
        ),
    }
    return {
        "id": chat_id,
        "user_id": "me",
        "title": "Branched",
        "created_at": t,
        "updated_at": t + 12,
        "archived": False,
        "pinned": True,
        "folder_id": "f1",
        "meta": {"tags": ["work"]},
        "chat": {"models": ["alpha", "beta"], "history": {"messages": messages, "currentId": "a3"}},
    }
