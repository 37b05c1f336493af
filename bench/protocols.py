"""Live tokens and a saved chat: the two honest protocols, measured side by side.

    pip install "python-socketio[client]"    # only this benchmark needs it
    python bench/protocols.py [--runs 20]

1. SSE + client save (what owui-notebook does): stream ``/api/chat/completions`` without a
   ``chat_id``, then save the finished turn into the chat.
2. socket.io (what the web UI and the community tutorial do): create the chat with the user
   message and an empty assistant placeholder, ``POST`` the completion with ``chat_id``,
   ``id`` and ``session_id``, and read the tokens from the socket's ``events``.

For each: time to first token and to a saved answer (medians, interleaved runs), and
whether the saved tree passes `validate_history`. Starts a sandbox unless OWUI_URL,
OWUI_API_KEY and OWUI_JWT (socket.io needs a session token) are set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid

from _common import first_and_total, server

from owui_notebook.client import OpenWebUI, validate_history


def sse_run(client: OpenWebUI, model: str) -> tuple[float, float, bool]:
    chat = client.chat(model)
    first, total = first_and_total(lambda: chat.stream("ping"))
    return first, total, not validate_history(client.chats.get(chat.id or ""))


class SocketSession:
    """A socket.io session joined as the web UI joins it."""

    def __init__(self, url: str, jwt: str) -> None:
        import socketio

        self.sio = socketio.Client(reconnection=False)
        self.first = threading.Event()
        self.done = threading.Event()
        self.message_id: str | None = None
        self.sio.on("events", self._on_event)
        self.sio.connect(
            url, socketio_path="/ws/socket.io", auth={"token": jwt}, transports=["websocket"]
        )
        self.sio.emit("user-join", {"auth": {"token": jwt}})

    def _on_event(self, payload: dict) -> None:
        if payload.get("message_id") != self.message_id:
            return
        event = payload.get("data") or {}
        if event.get("type") != "chat:completion":
            return
        data = event.get("data") or {}
        if data.get("content") or data.get("choices") or data.get("output"):
            self.first.set()
        if data.get("done"):
            self.done.set()

    def run(self, client: OpenWebUI, model: str) -> tuple[float, float, bool]:
        user_id, answer_id = str(uuid.uuid4()), str(uuid.uuid4())
        now = int(time.time())
        history = {
            "currentId": answer_id,
            "messages": {
                user_id: {
                    "id": user_id,
                    "parentId": None,
                    "childrenIds": [answer_id],
                    "role": "user",
                    "content": "ping",
                    "timestamp": now,
                    "models": [model],
                },
                answer_id: {
                    "id": answer_id,
                    "parentId": user_id,
                    "childrenIds": [],
                    "role": "assistant",
                    "content": "",
                    "model": model,
                    "modelName": model,
                    "modelIdx": 0,
                    "timestamp": now,
                    "done": False,
                },
            },
        }
        start = time.perf_counter()
        record = client.chats.create({"title": "socket.io", "models": [model], "history": history})
        self.first.clear()
        self.done.clear()
        self.message_id = answer_id
        body = {
            "model": model,
            "messages": [{"role": "user", "content": "ping"}],
            "stream": True,
            "chat_id": record.id,
            "id": answer_id,
            "session_id": self.sio.get_sid("/"),
        }
        client._http.request("POST", "/api/chat/completions", json=body)
        if not self.first.wait(30):
            raise RuntimeError("no token arrived on the socket")
        first = time.perf_counter() - start
        self.done.wait(30)
        # The server writes the answer after its last event; poll until it is there.
        deadline = time.monotonic() + 10
        saved = client.chats.get(record.id)
        while not saved.messages.get(answer_id, {}).get("content") and time.monotonic() < deadline:
            time.sleep(0.02)
            saved = client.chats.get(record.id)
        total = time.perf_counter() - start
        return first, total, not validate_history(saved)

    def close(self) -> None:
        self.sio.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--model", default="alpha")
    args = parser.parse_args()
    with server(need_jwt=True) as target, OpenWebUI(target.url, target.api_key) as client:
        socket = SocketSession(target.url, target.jwt or "")
        try:
            runs = {
                "SSE + client save": lambda: sse_run(client, args.model),
                "socket.io (web UI flow)": lambda: socket.run(client, args.model),
            }
            for run in runs.values():
                run()
            results: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in runs}
            for _ in range(args.runs):
                for name, run in runs.items():
                    results[name].append(run())
        finally:
            socket.close()
        version = client.server_info().version
    print(f"\nOpen WebUI {version}, model {args.model}, median of {args.runs} interleaved runs")
    print(f"{'protocol':26} {'first token ms':>15} {'saved ms':>9} {'valid trees':>12}")
    base = statistics.median(r[0] for r in results["SSE + client save"])
    for name, rows in results.items():
        first = statistics.median(r[0] for r in rows)
        total = statistics.median(r[1] for r in rows)
        valid = sum(r[2] for r in rows)
        print(
            f"{name:26} {first * 1e3:15.1f} {total * 1e3:9.1f} {valid:>6}/{len(rows):<5}"
            f"  (first token x{first / base:.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
