"""A real IPython shell with ``%load_ext owui_notebook``, and helpers to run cells in it.

A pytest plugin (tests/conftest.py loads it): the `shell` and `connected` fixtures serve the
magics' tests and every other suite that runs cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from IPython import get_ipython
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output


@dataclass
class CellRun:
    """What one cell did: its value, error, stdout/stderr and every display message."""

    result: Any
    stdout: str
    stderr: str
    outputs: list[Any] = field(default_factory=list)

    @property
    def error(self) -> BaseException | None:
        return self.result.error_in_exec or self.result.error_before_exec

    @property
    def value(self) -> Any:
        return self.result.result

    @property
    def html(self) -> list[str]:
        return [o.data["text/html"] for o in self.outputs if "text/html" in o.data]

    @property
    def final_plain(self) -> str:
        return self.outputs[-1].data["text/plain"]

    def everything(self) -> str:
        parts = [self.stdout, self.stderr, repr(self.value)]
        for o in self.outputs:
            parts.extend(str(v) for v in o.data.values())
        return "\n".join(parts)


class Shell:
    def __init__(self, ip: Any) -> None:
        self.ip = ip

    @property
    def ns(self) -> dict[str, Any]:
        return self.ip.user_ns

    @property
    def session(self) -> Any:
        return self.ip.magics_manager.registry["OwuiMagics"].session

    def run(self, source: str) -> CellRun:
        with capture_output() as cap:
            result = self.ip.run_cell(source, store_history=True)
        return CellRun(result, cap.stdout, cap.stderr, list(cap.outputs))


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> Any:
    """IPython with the extension freshly loaded and no connection or env settings."""
    monkeypatch.delenv("OWUI_URL", raising=False)
    monkeypatch.delenv("OWUI_API_KEY", raising=False)
    # The first call makes the global test shell; later calls return None.
    ip = start_ipython() or get_ipython()
    ip.run_line_magic("reload_ext", "owui_notebook")
    # The global test shell is a terminal shell; render as a notebook front end would.
    monkeypatch.setattr("owui_notebook.render.live.rich_frontend", lambda: True)
    yield Shell(ip)
    ip.run_line_magic("unload_ext", "owui_notebook")


@pytest.fixture
def connected(shell: Shell, owui_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Shell:
    """The shell, connected to the newest test server as its admin (key from the env)."""
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    run = shell.run(f"%owui connect {owui_sandbox.url}")
    assert run.error is None, run.stderr
    return shell
