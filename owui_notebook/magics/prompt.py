"""Filling ``{name}`` in a cell from the notebook's variables, strictly.

A pandas DataFrame or Series becomes a compact Markdown table (see `tables`): ``{df}``
shows at most 20 rows and 20 columns, ``{df:50}`` at most 50 rows, ``{df:all}`` every row;
a note under the table says what was cut.

Only variables the user set are filled, by the rule saved prompts follow
(`owui_notebook.client.prompt_template.refusal`): never IPython's history and helpers
(``In``, ``Out``, ``_oh``, ``_i3``, any ``_``-prefixed name or attribute), modules,
functions or classes.
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
_ATTRIBUTE = re.compile(r"\.([^.\[]+)")


class _Strict(string.Formatter):
    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace = namespace
        self.used: dict[str, Any] = {}

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
        value = self.namespace[key]
        reason = _refusal(key, value)
        if reason:
            raise UsageError(
                f"the cell uses {{{key}}}, which a prompt may not read: {reason} "
                f"(or write {{{{{key}}}}} for literal braces)"
            )
        self.used[key] = value
        return value

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        # "{x.__class__.__init__.__globals__}" would reach the whole module namespace.
        if any(part.startswith("_") for part in _ATTRIBUTE.findall(field_name)):
            raise UsageError(
                f"the cell uses {{{field_name}}}: attributes starting with _ are not read "
                "into a prompt; compute the value in a cell first"
            )
        return super().get_field(field_name, args, kwargs)

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
    reason = _unsendable(text)
    if reason:
        for key, value in formatter.used.items():
            culprit = _unsendable(_text_of(value))
            if culprit:
                raise UsageError(f"{{{key}}} in the cell {culprit.removeprefix('it ')}")
        raise UsageError(f"the cell {reason.removeprefix('it ')}")
    if len(text) > _MAX_PROMPT_CHARS:
        raise UsageError(
            f"the prompt is {len(text):,} characters long (limit {_MAX_PROMPT_CHARS:,}): "
            "send a summary or attach the data as a file with --file"
        )
    return text


_LINE_VARIABLE = re.compile(r"\$([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\}")


def expand_line(line: str, namespace: Mapping[str, Any]) -> str:
    """The magic's option line with ``$name`` and ``{name}`` replaced by notebook variables.

    IPython would do this itself, for any expression and any name (``{In}``, ``$_oh``);
    here only the variables `fill` would take are replaced, and anything else is left as it
    is, as IPython leaves a line it cannot expand.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in namespace or _refusal(name, namespace[name]):
            return match.group(0)
        text = _text_of(namespace[name])
        reason = _unsendable(text)
        if reason:
            raise UsageError(f"{match.group(0)} on the magic line {reason.removeprefix('it ')}")
        return text

    return _LINE_VARIABLE.sub(value, line)


def _refusal(name: str, value: Any) -> str | None:
    # Imported here so that %load_ext does not pay for the client (httpx, pydantic).
    from ..client.prompt_template import refusal

    return refusal(name, value, untrusted=False)


def _unsendable(text: str) -> str | None:
    from ..client.prompt_template import unsendable

    return unsendable(text)


def _text_of(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return ""
