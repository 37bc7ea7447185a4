"""Reading the console's tables in tests (``from table_support import ...``): each row as
``{column label: the text shown}``, so a test names the column it means and does not
depend on the columns' order. Right-to-left values are wrapped in isolation marks
(FSI ... PDI, ``tui/text.py``); ``shown`` leaves them out, as a terminal shows nothing
for them."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tui.text import FSI, PDI

_MARKS = str.maketrans("", "", FSI + PDI)


def shown(value: Any) -> str:
    """A cell's visible text."""
    return str(value).translate(_MARKS)


def records(widget: Any, selector: str = "DataTable") -> list[dict[str, str]]:
    """The rows of the table ``selector`` in ``widget`` (a screen, a tab, the table)."""
    table = widget if isinstance(widget, DataTable) else widget.query_one(selector, DataTable)
    labels = [str(column.label) for column in table.ordered_columns]
    return [
        {label: shown(value) for label, value in zip(labels, table.get_row_at(i), strict=True)}
        for i in range(table.row_count)
    ]


def column(widget: Any, label: str, selector: str = "DataTable") -> list[str]:
    """One column of that table, top to bottom."""
    return [row[label] for row in records(widget, selector)]


def column_index(table: DataTable[Any], label: str) -> int:
    """Where the column ``label`` is now."""
    for index, col in enumerate(table.ordered_columns):
        if str(col.label) == label:
            return index
    raise KeyError(f"no column {label!r} in {[str(c.label) for c in table.ordered_columns]}")


def cell_text(table: DataTable[Any], row: int, label: str) -> str:
    """The visible text of row ``row`` in the column ``label``."""
    return shown(table.get_row_at(row)[column_index(table, label)])
