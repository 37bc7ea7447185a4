"""Reading a DataTable by its column labels (columns move as layouts change)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


def column_index(table: DataTable[Any], label: str) -> int:
    for index, column in enumerate(table.ordered_columns):
        if str(column.label) == label:
            return index
    raise KeyError(f"no column {label!r} in {[str(c.label) for c in table.ordered_columns]}")


def cell_text(table: DataTable[Any], row: int, label: str) -> str:
    return str(table.get_row_at(row)[column_index(table, label)])
