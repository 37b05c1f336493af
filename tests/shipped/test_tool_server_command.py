"""``python -m owui_notebook.sandbox.tool_server``: the example tool server run as the docs say."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx

from owui_notebook.sandbox.tool_server import SPEC, forecast
from tests.helpers.commands import REPO

COMMAND = [sys.executable, "-m", "owui_notebook.sandbox.tool_server"]


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_it_serves_the_spec_and_wants_the_key_until_ctrl_c():
    proc = start("--port", "0", "--key-env", "WEATHER_KEY", env={"WEATHER_KEY": "tool-key"})
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = re.match(r"OpenAPI tool server at (http://127\.0\.0\.1:\d+) ", first).group(1)
        auth = {"Authorization": "Bearer tool-key"}
        assert httpx.get(f"{url}/openapi.json", headers=auth).json() == SPEC
        reply = httpx.get(f"{url}/weather", params={"city": "Oslo"}, headers=auth)
        assert reply.json() == forecast("Oslo")
        assert httpx.get(f"{url}/openapi.json").status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    # Ctrl-C stops it quietly, and the key is never printed.
    assert proc.returncode == 0 and err == "", err
    assert "tool-key" not in first + out + err


def test_an_empty_key_variable_is_one_line():
    proc = start("--key-env", "WEATHER_KEY", env={"WEATHER_KEY": ""})
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and out == ""
    assert err.splitlines()[-1].endswith(
        "$WEATHER_KEY is empty: set it to the key, or leave out --key-env"
    )
