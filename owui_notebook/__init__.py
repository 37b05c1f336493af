"""owui-notebook: Open WebUI in Jupyter — streaming chat, model comparison, usage analytics.

``import owui_notebook`` is cheap: the client (httpx, pydantic) loads on first use, and
pandas and ipywidgets only when a feature needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .client._connection import add_finder

if TYPE_CHECKING:
    from .client import (
        AsyncOpenWebUI,
        OpenWebUI,
        OpenWebUIError,
        repair_history,
        validate_history,
    )
    from .widgets import (
        ChatPanel,
        ComparePanel,
        StatsDashboard,
        chat_panel,
        compare,
        dashboard,
    )

_LAZY = {
    "OpenWebUI": "owui_notebook.client",
    "AsyncOpenWebUI": "owui_notebook.client",
    "OpenWebUIError": "owui_notebook.client",
    "validate_history": "owui_notebook.client",
    "repair_history": "owui_notebook.client",
    "compare": "owui_notebook.widgets",
    "chat_panel": "owui_notebook.widgets",
    "dashboard": "owui_notebook.widgets",
    "ComparePanel": "owui_notebook.widgets",
    "ChatPanel": "owui_notebook.widgets",
    "StatsDashboard": "owui_notebook.widgets",
}

__all__ = [
    "AsyncOpenWebUI",
    "ChatPanel",
    "ComparePanel",
    "OpenWebUI",
    "OpenWebUIError",
    "StatsDashboard",
    "__version__",
    "chat_panel",
    "compare",
    "dashboard",
    "load_ipython_extension",
    "repair_history",
    "validate_history",
]


def _running_sandbox(wait: bool) -> tuple[str, str] | None:
    """The connection resolver's last source: this machine's ``owui-notebook sandbox``.

    Registered here, not in the client core, which never imports the sandbox package; read
    only when no argument, ``%owui connect`` or ``$OWUI_URL`` names a server.
    """
    from .sandbox.connection import running_sandbox

    return running_sandbox(wait)


add_finder(_running_sandbox)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext owui_notebook``: register the ``%owui`` / ``%%owui`` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unload_ipython_extension as unload

    unload(ipython)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'owui_notebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
