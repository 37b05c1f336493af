"""What a script's first line costs: the modules `from owui_notebook.client import OpenWebUI` loads.

Issue 16 item 7: that import took twice as long as openwebui-chat-client's, because it loaded
pydantic with every typed model, the chat engine and all 18 resource groups at once.
bench/peers times it; these tests pin down *what* it loads (no timings), so that a module
imported at the top of the client by mistake fails here instead of slowing every script.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from owui_notebook.client import AsyncOpenWebUI, OpenWebUI
from owui_notebook.client._lazy import LazyGroup

# Everything of ours the sync client needs to send its first request. Adding to this list
# costs every script import time: measure with bench/peers (`--only imports`) first.
TRANSPORT = [
    "owui_notebook",
    "owui_notebook._version",
    "owui_notebook.client",
    "owui_notebook.client._backends",
    "owui_notebook.client._connection",
    "owui_notebook.client._lazy",
    "owui_notebook.client._log_redact",
    "owui_notebook.client._responses",
    "owui_notebook.client._retry",
    "owui_notebook.client._settings",
    "owui_notebook.client._sync",
    "owui_notebook.client._sync._http",
    "owui_notebook.client._sync.client",
    "owui_notebook.client.errors",
    "owui_notebook.client.features",
    # The save guard (signal, threading): a few lines, imported by the transport primitives.
    "owui_notebook.client.interrupts",
    "owui_notebook.client.quirks",
]
# Loaded by none of the above: typed models, asyncio, and the notebook layers' heavy packages.
HEAVY = ("pydantic", "asyncio", "pandas", "IPython", "ipywidgets", "numpy")

_PROBE = """
import json, sys
import httpx  # the transport every client needs; what it loads is not ours to budget
before = set(sys.modules)
def new():
    return sorted(set(sys.modules) - before)
from owui_notebook.client import OpenWebUI
imported = new()
client = OpenWebUI("http://127.0.0.1:9", "sk-import-budget")
made = new()
models = client.models
touched = new()
print(json.dumps({"imported": imported, "made": made, "touched": touched,
                  "cached": client.models is models}))
"""


def _run(code: str, tmp_path: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OWUI_")}
    env["OWUI_NOTEBOOK_SANDBOX_LINK"] = str(tmp_path / "no-sandbox.json")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    loaded: dict[str, object] = json.loads(out.stdout)
    return loaded


def _top(name: str) -> str:
    return name.partition(".")[0]


def test_from_client_import_openwebui_loads_the_transport_and_nothing_else(tmp_path):
    seen = _run(_PROBE, tmp_path)
    imported = seen["imported"]
    assert isinstance(imported, list)
    others = [m for m in imported if not m.startswith("owui_notebook")]
    assert not [m for m in others if _top(m) in HEAVY]
    ours = [m for m in imported if m.startswith("owui_notebook")]
    assert ours == TRANSPORT
    # Beyond httpx, nothing but a few small standard-library modules.
    assert not [m for m in others if _top(m) not in sys.stdlib_module_names]


def test_a_new_client_loads_no_group_and_a_touched_group_loads_alone(tmp_path):
    seen = _run(_PROBE, tmp_path)
    made, touched = seen["made"], seen["touched"]
    assert isinstance(made, list) and isinstance(touched, list)
    # OpenWebUI(url, key) imports nothing more of ours (httpx's pool loads httpcore here).
    assert [m for m in made if m.startswith("owui_notebook")] == TRANSPORT
    assert not [m for m in made if _top(m) in HEAVY]
    groups = sorted(m for m in touched if m.startswith("owui_notebook") and ".resources." in m)
    assert groups == [
        "owui_notebook.client._sync.resources._access",  # the group's own helpers
        "owui_notebook.client._sync.resources._permission",
        "owui_notebook.client._sync.resources.models",
    ]
    assert not [m for m in touched if "client._async" in m or m.endswith("_sync.chat")]
    assert seen["cached"] is True


def _groups(cls: type) -> dict[str, LazyGroup[object]]:
    return {name: v for name, v in vars(cls).items() if isinstance(v, LazyGroup)}


@pytest.mark.parametrize("cls", [OpenWebUI, AsyncOpenWebUI])
def test_every_group_is_the_class_its_annotation_names(cls):
    # The target string and the annotation are written apart; a type checker reads only the
    # annotation, so a mismatch would type-check and still hand out the wrong group.
    groups = _groups(cls)
    assert len(groups) == 18
    client = cls("http://127.0.0.1:9", "sk-import-budget")
    prefix = "Async" if cls is AsyncOpenWebUI else ""
    for name, group in groups.items():
        assert cls.__annotations__[name] == f"LazyGroup[{group.class_name}]"
        made = getattr(client, name)
        assert type(made).__name__ == group.class_name
        assert type(made).__name__.startswith(prefix)
        assert type(made).__module__ == f"{cls.__module__.rpartition('.')[0]}.resources.{name}"
        assert vars(client)[name] is made  # made once, then a plain attribute
    if isinstance(client, AsyncOpenWebUI):
        asyncio.run(client.aclose())
    else:
        client.close()


def test_a_group_can_still_be_replaced_on_one_client():
    with (
        OpenWebUI("http://127.0.0.1:9", "sk-import-budget") as client,
        OpenWebUI("http://127.0.0.1:9", "sk-import-budget") as other,
    ):
        stand_in = object()
        client.models = stand_in  # type: ignore[assignment]
        assert client.models is stand_in
        assert type(other.models).__name__ == "Models"
