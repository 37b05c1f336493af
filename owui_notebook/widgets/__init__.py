"""ipywidgets panels: live model comparison, a chat, a usage dashboard.

    from owui_notebook import compare, chat_panel, dashboard
    compare(["llama3.1", "qwen2.5"], "Explain B-trees.")   # answers stream side by side
    chat_panel("llama3.1")                                # a chat box saved on the server
    dashboard()                                           # usage charts with filters

Panels run on the kernel's event loop: their buttons start asyncio tasks and return at
once, so Stop and the other widgets respond while answers stream, and several panels can
run at the same time. Importing this package is cheap; ipywidgets, pandas and the panels'
modules load when a panel is first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .battles import battles_from_ratings, bradley_terry, bradley_terry_frame
    from .chat import ChatPanel, chat_panel
    from .compare_panel import ComparePanel, compare
    from .stats import StatsDashboard, dashboard

_LAZY = {
    "ComparePanel": ".compare_panel",
    "compare": ".compare_panel",
    "ChatPanel": ".chat",
    "chat_panel": ".chat",
    "StatsDashboard": ".stats",
    "dashboard": ".stats",
    "battles_from_ratings": ".battles",
    "bradley_terry": ".battles",
    "bradley_terry_frame": ".battles",
}

__all__ = [
    "ChatPanel",
    "ComparePanel",
    "StatsDashboard",
    "battles_from_ratings",
    "bradley_terry",
    "bradley_terry_frame",
    "chat_panel",
    "compare",
    "dashboard",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'owui_notebook.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
