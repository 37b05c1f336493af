"""Filling ``{name}`` in a cell from the notebook's variables, strictly."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError

_MAX_PROMPT_CHARS = 1_000_000


class _Strict(string.Formatter):
    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace = namespace

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int) or key == "":
            raise UsageError(
                "the cell has an empty {} placeholder: name a variable, e.g. {data}, "
                "or write {{}} for literal braces"
            )
        if key not in self.namespace:
            raise UsageError(
                f"the cell uses {{{key}}} but the notebook has no variable {key!r}: "
                f"define it first, or write {{{{{key}}}}} for literal braces"
            )
        return self.namespace[key]


def fill(template: str, namespace: Mapping[str, Any]) -> str:
    """`template` with each ``{name}`` (``{obj.attr}``, ``{x[0]}``, ``{x:.2f}``) filled in.

    An unknown name or a stray brace is a `UsageError` that says how to fix the cell; a
    value is never silently left blank.
    """
    formatter = _Strict(namespace)
    try:
        text = formatter.vformat(template, (), {})
    except UsageError:
        raise
    except (ValueError, IndexError) as exc:
        raise UsageError(
            f"the cell's braces do not parse ({exc}): write {{{{ and }}}} for literal braces"
        ) from None
    except (AttributeError, KeyError, TypeError) as exc:
        raise UsageError(f"a {{...}} placeholder in the cell failed: {exc}") from None
    if len(text) > _MAX_PROMPT_CHARS:
        raise UsageError(
            f"the prompt is {len(text):,} characters long (limit {_MAX_PROMPT_CHARS:,}): "
            "send a summary or attach the data as a file with --file"
        )
    return text
