"""Filling ``{name}`` in a cell from the notebook's variables, strictly.

A pandas DataFrame or Series becomes a compact Markdown table (see `tables`): ``{df}``
shows at most 20 rows and 20 columns, ``{df:50}`` at most 50 rows, ``{df:all}`` every row;
a note under the table says what was cut.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError

from .tables import TableLimits, is_table, markdown_table

_MAX_PROMPT_CHARS = 1_000_000
_SPEC_NUMBER = re.compile(r"\d+")


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

    def format_field(self, value: Any, format_spec: str) -> Any:
        # "{x:>2000000000}" would build a 2 GB string before the length check below.
        for number in _SPEC_NUMBER.findall(format_spec):
            if len(number) > 7 or int(number) > _MAX_PROMPT_CHARS:
                raise UsageError(
                    f"the placeholder format {format_spec!r} asks for a width or precision "
                    f"over {_MAX_PROMPT_CHARS:,} characters: use a smaller one"
                )
        if is_table(value):
            try:
                limits = TableLimits.from_spec(format_spec)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            # On lines of its own, so that it is a table wherever the placeholder stood.
            return f"\n{markdown_table(value, limits)}\n"
        return super().format_field(value, format_spec)


def fill(template: str, namespace: Mapping[str, Any]) -> str:
    """`template` with each ``{name}`` (``{obj.attr}``, ``{x[0]}``, ``{x:.2f}``) filled in.

    An unknown name or a stray brace is a `UsageError` that says how to fix the cell; a
    value is never silently left blank. DataFrames and Series become Markdown tables,
    cut to a few rows with a note saying so (``{df:N}`` rows, ``{df:all}``).
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
