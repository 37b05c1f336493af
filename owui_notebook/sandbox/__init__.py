"""A real Open WebUI on loopback with deterministic demo models: ``owui-notebook sandbox``.

Product, not test code: users start it to try the toolkit, notebooks on the same machine find it
(``connection``: the link file), and the test suite runs on it. POSIX only (Linux, macOS, WSL).

    from owui_notebook.sandbox import Sandbox

    with Sandbox("0.12.4") as box:
        box.url, box.api_key, box.provider.configure("alpha", ttft=0.5)

The client core never imports this package; ``import owui_notebook`` registers
:func:`connection.running_sandbox` as the last source of the connection resolver
(``owui_notebook.client._connection``). Importing this package is cheap: the server and installer
load when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .box import DEFAULT_VERSION, SUPPORTED_VERSIONS, Sandbox
    from .provider import DeterministicProvider
    from .tool_server import ToolServer

_LAZY = {
    "DEFAULT_VERSION": ".box",
    "SUPPORTED_VERSIONS": ".box",
    "Sandbox": ".box",
    "DeterministicProvider": ".provider",
    "ToolServer": ".tool_server",
}

__all__ = [
    "DEFAULT_VERSION",
    "SUPPORTED_VERSIONS",
    "DeterministicProvider",
    "Sandbox",
    "ToolServer",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'owui_notebook.sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
