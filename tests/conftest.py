"""Fixtures: a real Open WebUI (see owui_notebook.sandbox) and clients connected to it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile

import pytest

from owui_notebook.client import AsyncOpenWebUI, NotFoundError, OpenWebUI
from owui_notebook.sandbox.connection import LINK_ENV
from tests.helpers.tools import ADDER, CALCULATOR, FACTS, workspace_tool

_LINK_DIR = pytest.StashKey[str]()

# The second fails any test whose output, logs or errors show a sandbox's key or token; the
# third gives every suite the in-process IPython shell (`shell`, `connected`).
pytest_plugins = [
    "owui_notebook.testing.pytest_plugin",
    "owui_notebook.testing.secret_scan",
    "tests.helpers.shell",
]


def pytest_configure(config: pytest.Config) -> None:
    # A sandbox the developer left running (owui-notebook sandbox) must not be what a test
    # connects to when it expects no connection; tests that want a link make their own.
    link_dir = tempfile.mkdtemp(prefix="owui-link-")
    config.stash[_LINK_DIR] = link_dir
    os.environ[LINK_ENV] = os.path.join(link_dir, "sandbox.json")
    # A run started in the background of a shell without job control (`cmd &`, nohup, some
    # CI runners) inherits SIGINT ignored, and so would every process the tests start: the
    # Ctrl-C tests' kernels and exporters would never see their Ctrl-C. Python's own handler
    # here makes every child start with the default again.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_unconfigure(config: pytest.Config) -> None:
    # The run's private link folder goes with the run (one per run would pile up in /tmp).
    link_dir = config.stash.get(_LINK_DIR, None)
    if link_dir:
        shutil.rmtree(link_dir, ignore_errors=True)


@pytest.fixture
def client(owui_sandbox):
    """A sync client on the newest server, with the admin's API key."""
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as c:
        yield c


@pytest.fixture
def client_any(owui_sandbox_any):
    """A sync client on every server version under test (the test runs once per version)."""
    with OpenWebUI(owui_sandbox_any.url, owui_sandbox_any.api_key) as c:
        yield c


@pytest.fixture
async def aclient(owui_sandbox):
    async with AsyncOpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as c:
        yield c


@pytest.fixture
async def aclient_any(owui_sandbox_any):
    async with AsyncOpenWebUI(owui_sandbox_any.url, owui_sandbox_any.api_key) as c:
        yield c


@pytest.fixture
def provider_any(owui_sandbox_any):
    """The deterministic provider behind the server under test, reset after the test."""
    provider = owui_sandbox_any.provider
    provider.clear_requests()
    yield provider
    provider.reset()


@pytest.fixture
def fresh_user(owui_sandbox):
    """A new non-admin user on the newest server: {"email", "password", "name"}."""
    import uuid

    from owui_notebook.sandbox.server import create_user

    suffix = uuid.uuid4().hex[:8]
    creds = {
        "name": f"User {suffix}",
        "email": f"user-{suffix}@example.com",
        "password": f"Pw-{suffix}-x1!",
    }
    create_user(
        owui_sandbox.url, owui_sandbox.jwt, creds["name"], creds["email"], creds["password"]
    )
    return creds


@pytest.fixture
def calculator(client_any):
    """The Calculator tool (add, capital) on each server under test; deleted after."""
    with workspace_tool(client_any, "calc", CALCULATOR, "Adds numbers") as tool:
        yield tool


@pytest.fixture
def adder(client):
    """The Adder tool (add) on the newest server; deleted after."""
    with workspace_tool(client, "adder", ADDER, "Adds numbers") as tool:
        yield tool


@pytest.fixture
def facts(client):
    """The Facts tool (capital) on the newest server; deleted after."""
    with workspace_tool(client, "facts", FACTS, "Knows a few fixed facts") as tool:
        yield tool


@pytest.fixture
def delete_after():
    """``delete_after(delete, *ids)``: ``delete(id)`` for each id after the test (one already
    gone is fine), for what a test makes on a server."""
    made: list[tuple] = []
    yield lambda delete, *ids: made.extend((delete, i) for i in ids)
    for delete, item in made:
        with contextlib.suppress(NotFoundError):
            delete(item)
