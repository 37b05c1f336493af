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
    """The ``--tool`` ids, checked against the server's tools before anything is sent
    (the client's one check: the server quietly ignores a tool id it does not know)."""
    from ..client.errors import NotFoundError

    try:
        return session.require_client().tools.check_ids(ids)
    except NotFoundError as exc:
        raise UsageError(f"--tool {exc}; see %owui tools") from None


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
