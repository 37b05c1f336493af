"""The layers as imported: the client core stands alone; the sandbox is found through a hook.

Issue 16: the client imported testing/connection -> testing/install -> fcntl, so ``OpenWebUI()``
raised ModuleNotFoundError where fcntl is missing (Windows) instead of a configuration error.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from owui_notebook.client import _connection
from owui_notebook.client._connection import resolve_connection

PACKAGE = Path(__file__).resolve().parents[2] / "owui_notebook"
NOT_IN_THE_CORE = ("owui_notebook.sandbox", "owui_notebook.testing")


def _imports(path: Path) -> list[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            names += [module] + [f"{module}.{a.name}" for a in node.names]
    return names


def test_the_client_core_imports_neither_the_sandbox_nor_the_tests():
    files = sorted((PACKAGE / "client").rglob("*.py"))
    assert len(files) > 40
    found = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(NOT_IN_THE_CORE) or name.split(".")[-1] in ("sandbox", "testing")
    }
    assert not found


def _python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OWUI_")}
    clean["OWUI_NOTEBOOK_SANDBOX_LINK"] = str(tmp_path / "no-sandbox.json")
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
        cwd=tmp_path,
    )


def test_star_import_loads_every_name_and_nothing_of_sandbox_or_tests(tmp_path):
    code = """
import json, sys
from owui_notebook.client import *
import owui_notebook.client as c
names = [n for n in c.__all__ if n not in globals()]
mods = [m for m in sys.modules if m.startswith(("owui_notebook.sandbox", "owui_notebook.testing"))]
print(json.dumps({"missing": names, "mods": mods, "user": User.__name__}))
"""
    out = _python(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"missing": [], "mods": [], "user": "User"}


def test_importing_the_client_loads_what_is_touched_only(tmp_path):
    code = """
import json, sys
import owui_notebook.client
bare = sorted(m for m in sys.modules if m.startswith("owui_notebook"))
from owui_notebook.client import OpenWebUI
print(json.dumps({"bare": bare, "async": any("client._async" in m for m in sys.modules)}))
"""
    out = _python(code, tmp_path)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    # The package, its version and the resolver (stdlib only); no httpx, pydantic, clients.
    assert seen["bare"] == [
        "owui_notebook",
        "owui_notebook._version",
        "owui_notebook.client",
        "owui_notebook.client._connection",
    ]
    assert seen["async"] is False  # the sync client alone does not load the async one


BLOCK_FCNTL = "import sys; sys.modules['fcntl'] = None  # as on Windows: import fcntl fails\n"


def test_without_fcntl_a_client_with_no_server_is_a_configuration_error(tmp_path):
    code = (
        BLOCK_FCNTL
        + """
from owui_notebook.client import ConfigurationError, OpenWebUI
try:
    OpenWebUI()
except ConfigurationError as exc:
    print("ConfigurationError:", exc)
"""
    )
    out = _python(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ConfigurationError: no Open WebUI URL")


def test_without_fcntl_the_running_sandbox_is_still_found(tmp_path):
    link = tmp_path / "sandbox.json"
    code = (
        BLOCK_FCNTL
        + """
import os
from owui_notebook.sandbox.connection import SandboxLink, write_link
write_link(SandboxLink("ready", os.getpid(), "http://127.0.0.1:9", "sk-local"))
from owui_notebook.client import OpenWebUI
print(OpenWebUI().base_url)
"""
    )
    out = _python(code, tmp_path, OWUI_NOTEBOOK_SANDBOX_LINK=str(link))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "http://127.0.0.1:9"


def test_without_fcntl_the_installer_says_it_needs_posix(tmp_path):
    code = (
        BLOCK_FCNTL
        + """
from owui_notebook.sandbox.server import ServerInstallError, ensure_server_venv
try:
    ensure_server_venv("0.0.0")
except ServerInstallError as exc:
    print(exc)
"""
    )
    out = _python(code, tmp_path, OWUI_NOTEBOOK_CACHE=str(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    assert "needs Linux or macOS" in out.stdout


# -- the resolver's precedence, source by source -------------------------------------------


@pytest.fixture
def sources(monkeypatch):
    """No notebook connection, no environment, one finder the test controls."""
    monkeypatch.delenv("OWUI_URL", raising=False)
    monkeypatch.delenv("OWUI_API_KEY", raising=False)
    monkeypatch.setattr(_connection, "_notebook", None)
    found: dict[str, tuple[str, str] | None] = {"box": None}
    monkeypatch.setattr(_connection, "_finders", [lambda wait: found["box"]])
    return found


def test_precedence_argument_notebook_environment_finder(sources, monkeypatch):
    assert resolve_connection() is None
    sources["box"] = ("http://box:1", "k-box")
    assert resolve_connection() == _connection.Connection("http://box:1", "k-box", "finder")
    monkeypatch.setenv("OWUI_URL", "http://env:2")
    monkeypatch.setenv("OWUI_API_KEY", "k-env")
    assert resolve_connection() == _connection.Connection("http://env:2", "k-env", "environment")
    _connection.use_connection("http://nb:3", "k-nb")
    assert resolve_connection() == _connection.Connection("http://nb:3", "k-nb", "notebook")
    assert resolve_connection(notebook=False).source == "environment"
    assert resolve_connection("http://arg:4", "k-arg") == _connection.Connection(
        "http://arg:4", "k-arg", "argument"
    )
    _connection.forget_connection("http://nb:3/")
    assert resolve_connection().source == "environment"


def test_the_key_goes_with_its_server(sources, monkeypatch):
    sources["box"] = ("http://box:1", "k-box")
    # The sandbox's own URL given explicitly: its key.
    assert resolve_connection("http://box:1/").api_key == "k-box"
    assert resolve_connection("http://other:5").api_key is None
    # $OWUI_API_KEY for an explicit URL (as before), the notebook's key for its own server.
    monkeypatch.setenv("OWUI_API_KEY", "k-env")
    assert resolve_connection("http://box:1").api_key == "k-env"
    _connection.use_connection("http://nb:3", "k-nb")
    assert resolve_connection("HTTP://NB:3").api_key == "k-nb"
    assert resolve_connection(api_key="k-arg") == _connection.Connection(
        "http://nb:3", "k-arg", "notebook"
    )
    assert "k-" not in repr(resolve_connection())
