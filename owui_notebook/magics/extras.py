"""``%%owui chat`` options that bring things from the kernel: ``--tool`` and ``--image``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

if TYPE_CHECKING:
    from ..client.images import Image
    from .session import Session


def tool_ids(session: Session, ids: list[str]) -> list[str]:
    """The ``--tool`` ids, checked against the server's tools before anything is sent.

    The server quietly ignores a tool id it does not know, so a typo would only show as a
    tool that never runs.
    """
    known = {t.id: t for t in session.require_client().tools.list()}
    for tool_id in ids:
        if tool_id not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise UsageError(
                f"--tool {tool_id}: no such tool on this server (tools you may use: {listed}; "
                "see %owui tools)"
            )
    return list(dict.fromkeys(ids))


def images(names: list[str], namespace: Mapping[str, Any]) -> list[Image]:
    """Each ``--image NAME``: a notebook variable (figure, PIL image, bytes, path) or a file."""
    from ..client.errors import ConfigurationError
    from ..client.images import to_image

    out = []
    for name in names:
        if name in namespace:
            source, label = namespace[name], name
        elif Path(name).expanduser().is_file():
            source, label = Path(name).expanduser(), None
        else:
            raise UsageError(
                f"--image {name}: no notebook variable or file of that name "
                f"(paths are relative to {Path.cwd()})"
            )
        if isinstance(source, (str, Path)) and label is not None:
            label = None  # a variable holding a path: name the image after the file
        try:
            out.append(to_image(source, name=label))
        except ConfigurationError as exc:
            raise UsageError(f"--image {name}: {exc}") from None
    return out
