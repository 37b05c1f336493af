"""owui-notebook: Open WebUI in Jupyter — streaming chat, model comparison, usage analytics.

``import owui_notebook`` is cheap: the client (httpx, pydantic) loads on first use, and
pandas and ipywidgets only when a feature needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .client import (
        AsyncOpenWebUI,
        OpenWebUI,
        OpenWebUIError,
        repair_history,
        validate_history,
    )

_LAZY = {
    "OpenWebUI": "owui_notebook.client",
    "AsyncOpenWebUI": "owui_notebook.client",
    "OpenWebUIError": "owui_notebook.client",
    "validate_history": "owui_notebook.client",
    "repair_history": "owui_notebook.client",
}

__all__ = [
    "AsyncOpenWebUI",
    "OpenWebUI",
    "OpenWebUIError",
    "__version__",
    "repair_history",
    "validate_history",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'owui_notebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
