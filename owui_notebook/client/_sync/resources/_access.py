# Generated from owui_notebook/client/_async/resources/_access.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Changing who may use a model, prompt, note, knowledge base or tool: one path for all.

0.9+ store access as grants and change it only through each resource's ``.../access/update``
(0.12's plain ``/update`` ignores grants); up to 0.8 access is a field of the resource's form.
Groups may be named by id or by name: names are resolved here, where the server is known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...access import Access
from ...errors import ConfigurationError

if TYPE_CHECKING:
    from ..client import OpenWebUI


def uses_grants(record: Mapping[str, Any]) -> bool:
    """Whether this stored record comes from a server that keeps access as grants (0.9+)."""
    return "access_grants" in record


def resolve_access(client: OpenWebUI, access: Access | str) -> Access:
    """`access` with each group named by id or name (any case) turned into its id.

    An unknown or ambiguous name is one `ConfigurationError` before anything is sent.
    """
    access = Access.of(access)
    wanted = [*access.read_groups, *access.write_groups]
    if not wanted:
        return access
    groups = client.groups.list()
    ids = {g.id for g in groups}
    by_name: dict[str, list[str]] = {}
    for group in groups:
        by_name.setdefault(group.name.strip().casefold(), []).append(group.id)

    def group_id(name: str) -> str:
        if name in ids:
            return name
        found = by_name.get(name.strip().casefold(), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ConfigurationError(
                f"{len(found)} groups are called {name!r}: name one by its id "
                f"({', '.join(found)}); nothing was changed"
            )
        known = ", ".join(repr(g.name) for g in groups[:8]) or "none you can see"
        raise ConfigurationError(f"no group called {name!r} (groups: {known}); nothing was changed")

    return dataclasses.replace(
        access,
        read_groups=tuple(dict.fromkeys(group_id(g) for g in access.read_groups)),
        write_groups=tuple(dict.fromkeys(group_id(g) for g in access.write_groups)),
    )
