"""A real Ctrl-C (SIGINT) in the middle of a stream: stops fast, keeps a valid saved chat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from owui_notebook.client import thread, validate_history

SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from owui_notebook.client import OpenWebUI

    models = sys.argv[1].split(",")
    with OpenWebUI() as client:
        chat = client.chat(models[0])
        chat.send("before the interrupt")
        prompt = "tell me everything"
        if len(models) > 1:
            stream = chat.stream_many(prompt, models)
        else:
            stream = chat.stream(prompt)
        print("STREAMING", flush=True)
        try:
            with stream:
                for _ in stream:
                    pass
        except KeyboardInterrupt:
            results = [r.model_dump(mode="json") for r in stream.results]
            report = {"stopped_at": time.monotonic(), "chat_id": chat.id, "results": results}
            print(json.dumps(report), flush=True)
            sys.exit(0)
        print("NOT INTERRUPTED", flush=True)
    """
)


@pytest.mark.parametrize("models", [["slow"], ["slow", "long"]], ids=["one-model", "fan-out"])
def test_ctrl_c_mid_stream(client, owui_sandbox, provider, models):
    for model in models:
        provider.configure(model, ttft=0.0, tokens_per_second=20, answer_tokens=400)
    env = {**os.environ, "OWUI_URL": owui_sandbox.url, "OWUI_API_KEY": owui_sandbox.api_key}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, ",".join(models)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "STREAMING", proc.stderr.read()
        time.sleep(1.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["stopped_at"] - sent < 1.0, "the stream must stop within a second"
    assert owui_sandbox.api_key not in out + err
    record = client.chats.get(report["chat_id"])
    assert validate_history(record) == []
    for result in report["results"]:
        saved = record.messages[result["message_id"]]
        assert result["stopped"] and saved["owui_notebook"]["stopped"] is True
        assert saved["content"] == result["content"] and 0 < len(saved["content"]) < 2000
    assert [m["role"] for m in thread(record)] == ["user", "assistant", "user", "assistant"]
