"""``{df}`` in a cell: DataFrames and Series as compact Markdown tables, cuts always said."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError

from owui_notebook.magics.prompt import fill
from owui_notebook.magics.tables import MAX_ROWS, TableLimits, markdown_table


def lines(text):
    return [line for line in text.strip().splitlines() if line]


def test_small_frame_is_a_whole_markdown_table_on_its_own_lines():
    df = pd.DataFrame({"city": ["Paris", "Lima"], "temp": [21.5, 18.0]})
    text = fill("Compare:\n{df}\nWhich is warmer?", {"df": df})
    assert text == (
        "Compare:\n\n| city | temp |\n|---|---|\n| Paris | 21.5 |\n| Lima | 18 |\n\n"
        "Which is warmer?"
    )
    assert "not shown" not in text


def test_long_frame_is_cut_with_a_note_never_silently():
    df = pd.DataFrame({"n": range(1254), "sq": [i * i for i in range(1254)]})
    table = lines(fill("{df}", {"df": df}))
    rows = [line for line in table if line.startswith("| ") and line != "| n | sq |"]
    assert len(rows) == MAX_ROWS and rows[0] == "| 0 | 0 |" and rows[-1] == "| 19 | 361 |"
    assert table[-1] == "… 1,234 more rows not shown (1,254 rows × 2 columns in all)"


def test_row_count_and_all_in_the_placeholder():
    df = pd.DataFrame({"n": range(100)})
    five = lines(fill("{df:5}", {"df": df}))
    assert len([line for line in five if line.startswith("| ")]) == 6  # header + 5 rows
    assert five[-1].startswith("… 95 more rows not shown")
    every = fill("{df:all}", {"df": df})
    assert "not shown" not in every and "| 99 |" in every
    with pytest.raises(UsageError, match="row count or 'all'"):
        fill("{df:.2f}", {"df": df})


def test_wide_frame_names_the_columns_left_out():
    wide = pd.DataFrame(np.zeros((1, 25)), columns=[f"c{i}" for i in range(25)])
    table = lines(markdown_table(wide))
    assert table[0].count("|") == 21  # 20 columns shown
    assert table[-1] == "… 5 more columns not shown: c20, c21, c22, c23, c24"


def test_size_budget_cuts_rows_and_says_so():
    df = pd.DataFrame({"text": ["x" * 50] * 40})
    table = markdown_table(df, TableLimits(rows=40, table_chars=500))
    assert len(table) < 700
    assert "more rows not shown (40 rows × 1 columns in all)" in table


def test_series_index_cells_and_missing_values():
    s = pd.Series([1.0, np.nan, 2 / 3], index=pd.Index(["a", "b|c", "d"], name="key"))
    assert lines(fill("{s}", {"s": s})) == [
        "| key | value |",
        "|---|---|",
        "| a | 1 |",
        "| b\\|c | NA |",
        "| d | 0.666667 |",
    ]
    named = pd.Series([3], name="count")
    assert lines(fill("{s}", {"s": named}))[0] == "| count |"


def test_long_cells_are_visibly_shortened_and_newlines_flattened():
    df = pd.DataFrame({"note": ["line one\nline two " + "y" * 100]})
    row = lines(markdown_table(df))[2]
    assert row.startswith("| line one line two y") and row.endswith("… |")
    assert len(row) < 70


def test_column_of_a_frame_and_method_results_work_in_placeholders():
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    assert "| a | b |" in fill("{df}", {"df": df})
    assert lines(fill("{df[b]}", {"df": df}))[0] == "| b |"
    described = fill("{stats}", {"stats": df.describe()})
    assert described.strip().startswith("|  | a | b |") and "| mean | 1.5 | 3.5 |" in described


def test_other_values_format_as_before():
    assert fill("{x:.2f} and {name}", {"x": 3.14159, "name": "Ada"}) == "3.14 and Ada"
