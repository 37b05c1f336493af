"""Fixtures for the dataset tests: a new user with synthetic chats."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from tests.helpers.dataset import Account, make_account


@pytest.fixture
def account(owui_sandbox) -> Account:
    """A new non-admin user of the newest server holding `CHATS` synthetic chats."""
    return make_account(owui_sandbox)


@pytest.fixture
def account_any(owui_sandbox_any) -> Account:
    """The same on every server version under test."""
    return make_account(owui_sandbox_any, chats=12)


@pytest.fixture
def account_timed(owui_sandbox) -> Account:
    """A new user of the newest server with synthetic chats, some answers timed by
    owui-notebook and some failed (with and without text)."""
    return make_account(owui_sandbox, chats=24, timed=10)
