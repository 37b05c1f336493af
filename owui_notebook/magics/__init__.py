"""The ``%owui`` / ``%%owui`` magics. Load them with ``%load_ext owui_notebook``."""

from __future__ import annotations

from typing import Any

from .magic import OwuiMagics

__all__ = ["OwuiMagics", "load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magics(OwuiMagics)


def unload_ipython_extension(ipython: Any) -> None:
    magics = ipython.magics_manager.registry.pop("OwuiMagics", None)
    if magics is not None:
        magics.session.close()
        for kind in ("line", "cell"):
            ipython.magics_manager.magics[kind].pop("owui", None)
