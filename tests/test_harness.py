"""The real-server harness itself: install, start, bootstrap, stream, stop; on every version."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import httpx
import pytest

from owui_notebook.client.features import parse_version
from owui_notebook.sandbox.provider import answer_text
from owui_notebook.sandbox.server import (
    MARKER,
    OpenWebUIServer,
    ServerStartError,
    bootstrap_admin,
    create_user,
    ensure_server_venv,
    server_venv_dir,
)


def _get(box, path: str, token: str) -> httpx.Response:
    return httpx.get(f"{box.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        # The state letter follows the parenthesised command name.
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _group_members(pgid: int) -> list[int]:
    members = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(proc.name))
    return members


def test_health_and_version(owui_sandbox_any):
    box = owui_sandbox_any
    health = httpx.get(f"{box.url}/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": True}
    version = httpx.get(f"{box.url}/api/version", timeout=10).json()
    assert version["version"] == box.version
    assert box.url.startswith("http://127.0.0.1:")


def test_jwt_and_api_key_authenticate(owui_sandbox_any):
    box = owui_sandbox_any
    me = _get(box, "/api/v1/auths/", box.jwt)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == box.admin_email and me.json()["role"] == "admin"
    by_key = _get(box, "/api/v1/auths/", box.api_key)
    if by_key.status_code == 403:
        # 0.12 keeps /auths/ for browser sessions ("A human session is required.").
        assert "human session" in by_key.json()["detail"]
        by_key = _get(box, "/api/v1/users/user/status", box.api_key)
    assert by_key.status_code == 200, by_key.text
    assert by_key.json()["email"] == box.admin_email
    for token in (box.jwt, box.api_key):
        assert _get(box, "/api/v1/chats/list", token).status_code == 200
    assert _get(box, "/api/v1/chats/list", "sk-not-a-key").status_code == 401


def test_bootstrap_again_signs_in_and_keeps_the_key(owui_sandbox_any):
    box = owui_sandbox_any
    jwt, key = bootstrap_admin(box.url, box.admin_email, box.admin_password)
    assert key == box.api_key and jwt


def test_create_user_makes_a_plain_user(owui_sandbox_any):
    box = owui_sandbox_any
    suffix = uuid.uuid4().hex[:8]
    email = f"harness-{suffix}@example.com"
    user = create_user(box.url, box.jwt, "Harness User", email, f"Pw-{suffix}-1!")
    assert user["email"] == email and user["role"] == "user" and user["id"]


def test_models_list_the_providers_models(owui_sandbox_any):
    box = owui_sandbox_any
    response = _get(box, "/api/models", box.api_key)
    assert response.status_code == 200
    ids = {m["id"] for m in response.json()["data"]}
    assert {"alpha", "beta", "gamma", "delta", "slow", "long"} <= ids
    assert not any("arena" in i for i in ids)


def test_streamed_completion_is_the_providers_answer(owui_sandbox_any):
    box = owui_sandbox_any
    messages = [{"role": "user", "content": "Say something predictable."}]
    body = {"model": "alpha", "messages": messages, "stream": True}
    headers = {"Authorization": f"Bearer {box.api_key}"}
    if (0, 9, 3) <= parse_version(box.version) <= (0, 9, 5):
        # These releases reject completions without a chat_id (open-webui #24575); the
        # client's work-around is a temporary "local:" chat id, which saves nothing.
        refused = httpx.post(f"{box.url}/api/chat/completions", json=body, headers=headers)
        assert refused.status_code == 400 and "startswith" in refused.text
        body["chat_id"] = "local:harness-test"
    chunks, lines = [], []
    with (
        httpx.Client(timeout=60) as http,
        http.stream("POST", f"{box.url}/api/chat/completions", json=body, headers=headers) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            lines.append(line)
            if line.startswith("data: ") and line != "data: [DONE]":
                chunks.append(json.loads(line[len("data: ") :]))
    assert lines[-1] == "data: [DONE]" or "data: [DONE]" in lines
    text = "".join(
        choice.get("delta", {}).get("content") or ""
        for chunk in chunks
        for choice in chunk.get("choices", [])
    )
    assert text == answer_text("alpha", messages)


def test_repr_holds_no_secret(owui_sandbox_any):
    box = owui_sandbox_any
    shown = repr(box) + str(box)
    assert box.url in shown and box.version in shown
    for secret in (box.api_key, box.jwt, box.admin_password):
        assert secret and secret not in shown
    assert box.api_key not in repr(box.server)


def test_venv_is_reused(owui_sandbox_any):
    started = time.monotonic()
    venv = ensure_server_venv(owui_sandbox_any.version)
    assert venv == server_venv_dir(owui_sandbox_any.version)
    assert (venv / MARKER).exists() and time.monotonic() - started < 10


def test_stop_leaves_no_process_behind(owui_sandbox_any):
    box = owui_sandbox_any
    venv = server_venv_dir(box.version)
    server = OpenWebUIServer(venv, box.provider.url).start()
    pid, data_dir = server.pid, server.data_dir
    assert pid is not None and _alive(pid) and _group_members(pid)
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200
    server.stop()
    assert not _alive(pid) and _group_members(pid) == []
    assert not data_dir.exists()  # a temporary data dir goes with the server
    server.stop()  # idempotent


def test_a_server_that_dies_is_a_clear_error(owui_sandbox):
    venv = server_venv_dir(owui_sandbox.version)
    # An unusable database makes the server exit while it starts.
    broken = OpenWebUIServer(
        venv, "http://127.0.0.1:9/v1", env={"DATABASE_URL": "nosuchdb://nowhere"}
    )
    with pytest.raises(ServerStartError) as info:
        broken.start()
    first_line, _, tail = str(info.value).partition("\n")
    assert "exited with code" in first_line and str(broken.log_path) in first_line
    assert tail.strip()
    assert broken.pid is not None and not broken.running and not _group_members(broken.pid)
    assert broken.log_path.exists()  # kept for reading after a failed start
    shutil.rmtree(broken.data_dir)
