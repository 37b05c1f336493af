"""pytest fixtures that run tests against real Open WebUI servers.

Load it with ``pytest_plugins = ["owui_notebook.testing.pytest_plugin"]``. Fixtures:

- ``owui_sandbox``: a started :class:`Sandbox` of the newest version under test (session);
- ``owui_sandbox_any``: the same, parametrized over every version (ids ``owui-<version>``);
- ``owui_provider``: the newest sandbox's deterministic provider (session);
- ``provider``: that provider for one test, its knobs reset afterwards;
- ``owui_soak``: True with ``--soak`` or ``$OWUI_SOAK=1`` (long reliability runs);
- ``owui_tool_server``: a small real OpenAPI tool server on loopback for one test
  (:class:`~owui_notebook.sandbox.tool_server.ToolServer`, bearer key ``tool-key``).

Versions come from ``--owui-versions`` or ``$OWUI_TEST_VERSIONS`` (comma-separated, newest
first). Once collection shows which versions the selected tests need, their installs start in
background threads, so that they overlap each other and the tests that need no server. A server
is installed and started outside the test's own time limit (pytest-timeout), at most once per
session; one that cannot be installed or started makes each test that needs it ERROR with the
reason, never skip.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..sandbox import SUPPORTED_VERSIONS, Sandbox
from ..sandbox.provider import DEFAULT_MODELS
from ..sandbox.server import SandboxError, ensure_server_venv

if TYPE_CHECKING:
    from ..sandbox.provider import DeterministicProvider
    from ..sandbox.tool_server import ToolServer

ENV_VERSIONS = "OWUI_TEST_VERSIONS"
ENV_SOAK = "OWUI_SOAK"
ANY_FIXTURE = "owui_sandbox_any"
# Fixtures that need the newest version's sandbox.
NEWEST_FIXTURES = frozenset({"owui_sandbox", "owui_provider", "provider"})

_POOL = pytest.StashKey["SandboxPool"]()
_SIGTERM = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("owui-notebook").addoption(
        "--owui-versions",
        default=None,
        help=(
            "comma-separated Open WebUI versions to test against, newest first "
            f"(default: ${ENV_VERSIONS} or {','.join(SUPPORTED_VERSIONS)})"
        ),
    )
    parser.getgroup("owui-notebook").addoption(
        "--soak",
        action="store_true",
        default=False,
        help=f"run the long reliability mode: full loads, long fuzzing (or ${ENV_SOAK}=1)",
    )


def soak_mode(config: pytest.Config) -> bool:
    """Whether the long reliability mode is on (``--soak`` or ``$OWUI_SOAK=1``)."""
    return bool(config.getoption("--soak", False)) or os.environ.get(ENV_SOAK, "") not in (
        "",
        "0",
    )


def configured_versions(config: pytest.Config) -> list[str]:
    """The versions under test, newest first, without repeats."""
    raw = (
        config.getoption("--owui-versions")
        or os.environ.get(ENV_VERSIONS)
        or ",".join(SUPPORTED_VERSIONS)
    )
    versions = list(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    if not versions:
        raise pytest.UsageError(f"--owui-versions / ${ENV_VERSIONS} names no version")
    return versions


class SandboxPool:
    """Installs (in background threads), starts (once each) and stops the session's sandboxes."""

    def __init__(self, config: pytest.Config, versions: list[str]) -> None:
        self.config = config
        self.versions = versions
        self._installs: dict[str, concurrent.futures.Future[Path]] = {}
        self._boxes: dict[str, Sandbox] = {}
        self._errors: dict[str, BaseException] = {}
        # Background threads only queue their lines; the main thread prints them, with capture
        # suspended, while it waits.
        self._messages: queue.SimpleQueue[str] = queue.SimpleQueue()

    @property
    def newest(self) -> str:
        return self.versions[0]

    def _say(self, message: str) -> None:
        self._messages.put(message)
        if threading.current_thread() is threading.main_thread():
            self._flush()

    def _flush(self) -> None:
        lines = []
        with contextlib.suppress(queue.Empty):
            while True:
                lines.append(self._messages.get_nowait())
        if not lines:
            return
        capman = self.config.pluginmanager.getplugin("capturemanager")
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        with capman.global_and_fixture_disabled() if capman else contextlib.nullcontext():
            for line in lines:
                if reporter is not None:
                    reporter.write_line(f"[owui-sandbox] {line}")
                else:
                    print(f"[owui-sandbox] {line}", file=sys.stderr, flush=True)

    def install_in_background(self, versions: list[str]) -> None:
        """Start ``ensure_server_venv`` for each version not yet begun, each in its own thread."""
        for version in versions:
            if version in self._installs:
                continue
            future: concurrent.futures.Future[Path] = concurrent.futures.Future()
            self._installs[version] = future
            # Daemon threads: an interrupted session must not wait minutes for pip at exit
            # (server.py kills the pip processes then).
            threading.Thread(
                target=self._install,
                args=(version, future),
                name=f"owui-install-{version}",
                daemon=True,
            ).start()

    def _install(self, version: str, future: concurrent.futures.Future[Path]) -> None:
        try:
            future.set_result(ensure_server_venv(version, log=self._say))
        except BaseException as exc:
            future.set_exception(exc)

    def _wait_install(self, version: str) -> Path:
        self.install_in_background([version])
        future = self._installs[version]
        while not concurrent.futures.wait([future], timeout=1.0).done:
            self._flush()
        self._flush()
        return future.result()

    def get(self, version: str) -> Sandbox:
        """The started sandbox of ``version``; raises the (remembered) error if it cannot be."""
        if version in self._boxes:
            return self._boxes[version]
        if version in self._errors:
            raise self._errors[version]
        try:
            self._wait_install(version)
            # The fast echo models, said explicitly: the sandbox people run serves the paced
            # demo models (DEMO_MODELS) instead, which would slow every test down.
            box = Sandbox(version, models=DEFAULT_MODELS, log=self._say).start()
        except Exception as exc:
            self._errors[version] = exc
            self._flush()
            raise
        self._boxes[version] = box
        return box

    def prepare(self, version: str) -> None:
        """Like :meth:`get` but never raises: the fixture reports the error in its test."""
        with contextlib.suppress(Exception):
            self.get(version)

    def close(self) -> None:
        boxes, self._boxes = list(self._boxes.values()), {}
        for box in boxes:
            box.stop()


def _pool(config: pytest.Config) -> SandboxPool:
    return config.stash[_POOL]


def _versions_needed(item: pytest.Item, pool: SandboxPool) -> list[str]:
    names = set(getattr(item, "fixturenames", ()))
    needed = [pool.newest] if names & NEWEST_FIXTURES else []
    callspec = getattr(item, "callspec", None)
    if ANY_FIXTURE in names and callspec is not None and ANY_FIXTURE in callspec.params:
        needed.append(callspec.params[ANY_FIXTURE])
    return needed


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_POOL] = SandboxPool(config, configured_versions(config))
    # Servers run in sessions of their own, so a SIGTERM that kills pytest outright (a CI
    # timeout, say) would leave them running: end the session as Ctrl-C does instead.
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, _terminate)
        config.stash[_SIGTERM] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    pool = config.stash.get(_POOL, None)
    if pool is not None:
        pool.close()
    if config.stash.get(_SIGTERM, False):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if ANY_FIXTURE in metafunc.fixturenames:
        versions = _pool(metafunc.config).versions
        metafunc.parametrize(
            ANY_FIXTURE,
            versions,
            indirect=True,
            ids=[f"owui-{v}" for v in versions],
            scope="session",
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    pool = _pool(session.config)
    needed = {v for item in session.items for v in _versions_needed(item, pool)}
    # Newest first: the first tests to run usually need it.
    pool.install_in_background([v for v in pool.versions if v in needed])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # Outside (before) pytest-timeout's wrapper: a first install takes minutes.
    pool = _pool(item.config)
    for version in _versions_needed(item, pool):
        pool.prepare(version)
    return (yield)


def _sandbox(pool: SandboxPool, version: str) -> Sandbox:
    try:
        return pool.get(version)
    except SandboxError as exc:
        error = str(exc)
    # Outside the except block, so the report shows the reason once, not a chained traceback.
    pytest.fail(f"no Open WebUI {version} sandbox: {error}", pytrace=False)


@pytest.fixture(scope="session")
def owui_sandbox_pool(request: pytest.FixtureRequest) -> Iterator[SandboxPool]:
    """The session's sandboxes; all stopped when the session ends."""
    pool = _pool(request.config)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def owui_sandbox(owui_sandbox_pool: SandboxPool) -> Sandbox:
    """A started sandbox of the newest Open WebUI version under test."""
    return _sandbox(owui_sandbox_pool, owui_sandbox_pool.newest)


@pytest.fixture(scope="session")
def owui_sandbox_any(request: pytest.FixtureRequest, owui_sandbox_pool: SandboxPool) -> Sandbox:
    """A started sandbox of each Open WebUI version under test (the test runs once per version)."""
    return _sandbox(owui_sandbox_pool, request.param)


@pytest.fixture(scope="session")
def owui_provider(owui_sandbox: Sandbox) -> DeterministicProvider | None:
    """The deterministic provider behind the newest sandbox."""
    return owui_sandbox.provider


@pytest.fixture(scope="session")
def owui_soak(request: pytest.FixtureRequest) -> bool:
    """True in the long reliability mode (``--soak`` / ``$OWUI_SOAK=1``): bigger loads."""
    return soak_mode(request.config)


@pytest.fixture
def provider(owui_sandbox: Sandbox) -> Iterator[DeterministicProvider]:
    """The newest sandbox's provider for one test; its knobs are reset afterwards."""
    assert owui_sandbox.provider is not None
    # What tests without this fixture sent must not count as this test's requests.
    owui_sandbox.provider.clear_requests()
    yield owui_sandbox.provider
    owui_sandbox.provider.reset()


@pytest.fixture
def owui_tool_server() -> Iterator[ToolServer]:
    """A started OpenAPI tool server (``weather``, ``convert``) that wants a bearer key."""
    from ..sandbox.tool_server import ToolServer

    with ToolServer(key="tool-key") as server:
        yield server
