"""One resolver: after ``%owui connect A`` every entry point talks to A, whatever $OWUI_URL says.

Issue 16: with $OWUI_URL set to B, the magics went to A while ``OpenWebUI()``, ``compare()`` and
``dashboard()`` in the next cell went to B.
"""

from __future__ import annotations

import argparse

from owui_notebook import cli
from owui_notebook.client import AsyncOpenWebUI, OpenWebUI
from owui_notebook.sandbox.server import free_port
from owui_notebook.widgets import chat_panel, compare, dashboard


async def test_connect_beats_the_environment_for_every_entry_point(
    shell, owui_sandbox, monkeypatch
):
    a = owui_sandbox.url
    b = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("OWUI_URL", b)
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)

    run = shell.run(f"%owui connect {a}")
    assert run.error is None, run.stderr
    assert shell.run("%owui models").error is None
    assert shell.session.client.base_url == a

    with OpenWebUI() as client:
        assert client.base_url == a
        assert client.models.list()  # and it answers: A is a real server, B is not
    async with AsyncOpenWebUI() as aclient:
        assert aclient.base_url == a
        assert await aclient.models.list()
    panels = [compare(["alpha", "beta"]), chat_panel("alpha"), dashboard()]
    try:
        assert [p._client.base_url for p in panels] == [a, a, a]
    finally:
        for panel in panels:
            await panel.aclose()

    # The CLI's own --url wins over the notebook and the environment alike.
    env = cli._server_env(argparse.Namespace(url=a))
    with env as kernel_env:
        assert kernel_env == {"OWUI_URL": a, "OWUI_API_KEY": owui_sandbox.api_key}

    # Once the notebook's connection is closed, the environment is next.
    shell.session.close()
    with OpenWebUI() as client:
        assert client.base_url == b
