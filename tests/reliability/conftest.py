"""Fixtures of the reliability suite: a fault proxy in front of the real server, soak sizes."""

from __future__ import annotations

import os
import tempfile

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from owui_notebook.client import OpenWebUI
from owui_notebook.testing.fault_proxy import FaultProxy
from tests.helpers.faults import warmed_up

# Hypothesis: bounded, reproducible in CI (derandomized); many more examples in soak mode.
_COMMON = dict(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("owui-ci", max_examples=150, derandomize=True, **_COMMON)
settings.register_profile("owui-soak", max_examples=1000, **_COMMON)
# Hypothesis keeps examples and patches under .hypothesis/; not in the source tree.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="owui-hypothesis-"))
settings.load_profile(
    "owui-soak" if os.environ.get("OWUI_SOAK", "") not in ("", "0") else "owui-ci"
)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--soak", False):
        settings.load_profile("owui-soak")


@pytest.fixture
def proxy(owui_sandbox):
    """A fault proxy in front of the newest sandbox; faults cleared after the test."""
    with FaultProxy(owui_sandbox.url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def proxy_any(owui_sandbox_any):
    """A fault proxy in front of each sandbox under test (the test runs once per version)."""
    with FaultProxy(owui_sandbox_any.url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def proxied_any(owui_sandbox_any, proxy_any):
    """A sync client that reaches each sandbox under test through `proxy_any` (warmed up)."""
    with OpenWebUI(proxy_any.url, owui_sandbox_any.api_key) as client:
        yield warmed_up(client, proxy_any)


@pytest.fixture
def proxied(owui_sandbox, proxy):
    """A sync client that reaches the newest sandbox through `proxy`."""
    with OpenWebUI(proxy.url, owui_sandbox.api_key) as client:
        yield client


_FIGURES: dict[str, object] = {}


@pytest.fixture(scope="session")
def figures() -> dict[str, object]:
    """Figures a test measured (loads held, stop times, ...), shown after the run.

    With ``$OWUI_RELIABILITY_FIGURES=PATH`` they are also written there as JSON (the docs'
    reliability page quotes them).
    """
    return _FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _FIGURES:
        return
    import json

    terminalreporter.section("reliability figures")
    for name, value in _FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(value)}")
    path = os.environ.get("OWUI_RELIABILITY_FIGURES")
    if path:
        with open(path, "w") as out:
            json.dump(_FIGURES, out, indent=2)
