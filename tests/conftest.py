"""Fixtures: a real Open WebUI (see owui_notebook.testing) and clients connected to it."""

from __future__ import annotations

import pytest

from owui_notebook.client import AsyncOpenWebUI, OpenWebUI

pytest_plugins = ["owui_notebook.testing.pytest_plugin"]


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
    yield provider
    provider.reset()


@pytest.fixture
def fresh_user(owui_sandbox):
    """A new non-admin user on the newest server: {"email", "password", "name"}."""
    import uuid

    from owui_notebook.testing.server import create_user

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
