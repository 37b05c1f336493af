"""pandas DataFrames and Series as compact Markdown tables for a prompt.

Big data is cut to a few rows and columns, and every cut is said in a note under the table
("… 1,234 more rows not shown"), never silently: the model (and whoever reads the prompt)
must know it sees part of the data. pandas is never imported here; a value is recognised
by its type's module, so a notebook without pandas pays nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MAX_ROWS = 20  # rows shown by default: ``{df:50}`` or ``{df:all}`` asks for more
MAX_COLUMNS = 20
MAX_CELL_CHARS = 60
MAX_TABLE_CHARS = 10_000  # fewer rows are shown when the table would be longer


@dataclass(frozen=True)
class TableLimits:
    rows: int | None = MAX_ROWS  # None: every row
    columns: int = MAX_COLUMNS
    cell_chars: int = MAX_CELL_CHARS
    table_chars: int | None = MAX_TABLE_CHARS

    @classmethod
    def from_spec(cls, spec: str) -> TableLimits:
        """``""`` (defaults), ``"N"`` (at most N rows) or ``"all"`` (every row, no size cut)."""
        spec = spec.strip()
        if not spec:
            return cls()
        if spec == "all":
            return cls(rows=None, table_chars=None)
        if spec.isdigit() and int(spec) > 0:
            return cls(rows=int(spec), table_chars=None)
        raise ValueError(
            f"a table placeholder takes a row count or 'all' ({{df:50}}, {{df:all}}), not {spec!r}"
        )


def is_table(value: Any) -> bool:
    """A pandas DataFrame or Series (told by its type, without importing pandas)."""
    kind = type(value)
    return kind.__module__.startswith("pandas") and kind.__name__ in ("DataFrame", "Series")


def markdown_table(value: Any, limits: TableLimits | None = None) -> str:
    """`value` (DataFrame or Series) as a Markdown table, with a note for whatever was cut."""
    limits = limits or TableLimits()
    frame = value
    if type(value).__name__ == "Series":
        frame = value.to_frame(name="value" if value.name is None else value.name)
    total_rows, total_cols = frame.shape
    shown_cols = min(total_cols, limits.columns)
    with_index = _index_is_informative(frame)
    header = [_cell(_label(c), limits.cell_chars) for c in frame.columns[:shown_cols]]
    if with_index:
        header.insert(0, _cell(_label(frame.index.name or ""), limits.cell_chars))
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    budget = limits.table_chars
    used = sum(len(line) + 1 for line in lines)
    take = total_rows if limits.rows is None else min(total_rows, limits.rows)
    shown_rows = 0
    part = frame.iloc[:take, :shown_cols]
    for label, row in zip(part.index, part.itertuples(index=False, name=None), strict=True):
        cells = [_cell(v, limits.cell_chars) for v in row]
        if with_index:
            cells.insert(0, _cell(label, limits.cell_chars))
        line = "| " + " | ".join(cells) + " |"
        if budget is not None and shown_rows and used + len(line) + 1 > budget:
            break
        lines.append(line)
        used += len(line) + 1
        shown_rows += 1
    notes = []
    if shown_rows < total_rows:
        notes.append(
            f"… {total_rows - shown_rows:,} more rows not shown "
            f"({total_rows:,} rows × {total_cols:,} columns in all)"
        )
    if shown_cols < total_cols:
        hidden = [_label(c) for c in frame.columns[shown_cols:]]
        names = ", ".join(hidden[:10]) + (", …" if len(hidden) > 10 else "")
        notes.append(f"… {len(hidden):,} more columns not shown: {names}")
    return "\n".join(lines + notes)


def _index_is_informative(frame: Any) -> bool:
    """Show the index unless it is the default 0, 1, 2, ... with no name."""
    index = frame.index
    if index.name is not None or getattr(index, "nlevels", 1) > 1:
        return True
    if type(index).__name__ != "RangeIndex":
        return True
    return not (index.start == 0 and index.step == 1)


def _label(value: Any) -> str:
    if isinstance(value, tuple):  # MultiIndex columns
        return " / ".join(str(v) for v in value)
    return str(value)


def _cell(value: Any, limit: int) -> str:
    text = _plain(value)
    text = " ".join(text.split()).replace("|", "\\|")
    if len(text) > limit:
        text = text[: limit - 1] + "…"  # a visible cut, unlike a silently shortened value
    return text


def _plain(value: Any) -> str:
    if value is None:
        return "NA"
    if isinstance(value, float):
        if math.isnan(value):
            return "NA"
        return format(value, ".6g")
    if isinstance(value, tuple):
        return _label(value)
    text = str(value)
    return "NA" if text in ("NaT", "<NA>", "nan") else text
