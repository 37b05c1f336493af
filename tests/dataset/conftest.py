"""Fixtures for the dataset tests: a new user with synthetic chats, and a request log."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx
import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from owui_notebook.client import OpenWebUI
from owui_notebook.sandbox.bootstrap import create_user
from owui_notebook.testing.deployment import seed

CHATS = 40


@dataclass
class Account:
    url: str
    email: str
    password: str
    ids: list[str]

    def client(self, transport: httpx.BaseTransport | None = None) -> OpenWebUI:
        client = OpenWebUI(self.url, transport=transport)
        client.signin(self.email, self.password)
        return client


def make_account(box, *, role: str = "user", chats: int = CHATS) -> Account:
    tag = uuid.uuid4().hex[:8]
    email, password = f"dataset-{tag}@example.com", f"Pw-{tag}-x1!"
    create_user(box.url, box.jwt, f"Dataset {tag}", email, password, role=role)
    account = Account(box.url, email, password, [])
    with account.client() as client:
        account.ids = seed(client, chats, now=int(time.time()), batch=20)
    return account


@pytest.fixture
def account(owui_sandbox) -> Account:
    """A new non-admin user of the newest server holding `CHATS` synthetic chats."""
    return make_account(owui_sandbox)


@pytest.fixture
def account_any(owui_sandbox_any) -> Account:
    """The same on every server version under test."""
    return make_account(owui_sandbox_any, chats=12)
