"""The example notebooks: found in the installed package or in a clone, and copied for users.

A wheel carries them as package data (``owui_notebook/notebooks/``, copied there at build time
from the repository's ``notebooks/``); a clone or an editable install uses ``notebooks/`` itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["QUICKSTART", "copy_notebooks", "notebooks_dir"]

QUICKSTART = "01-quickstart.ipynb"
_PACKAGED = Path(__file__).resolve().parent / "notebooks"
_CLONE = Path(__file__).resolve().parents[1] / "notebooks"


def notebooks_dir() -> Path:
    """The folder holding the shipped notebooks: the installed package's, a clone's, or
    ``./notebooks``. Raises SystemExit (one line) if there is none."""
    for candidate in (_PACKAGED, _CLONE, Path.cwd() / "notebooks"):
        if (candidate / QUICKSTART).exists():
            return candidate
    raise SystemExit(
        "cannot find the example notebooks: reinstall owui-notebook (pip install owui-notebook), "
        "or run this from a clone"
    )


def copy_notebooks(
    dest: Path | str, *, names: list[str] | None = None, force: bool = False
) -> list[Path]:
    """Copy the shipped notebooks (or only `names`) into `dest`, created if missing.

    A notebook already in `dest` is kept unless `force` (it may hold the user's own edits and
    outputs); returns the paths written.
    """
    source = notebooks_dir()
    dest = Path(dest).expanduser()
    dest.mkdir(parents=True, exist_ok=True)
    wanted = names if names is not None else sorted(p.name for p in source.glob("*.ipynb"))
    written = []
    for name in wanted:
        target = dest / name
        if (source / name).exists() and (force or not target.exists()):
            shutil.copyfile(source / name, target)
            written.append(target)
    return written
