"""``?``: every key the console answers to: the open dialog's, the screen's (its tabs
and the dialogs it opens) and the app's, each with where it applies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from tui.failures import Guarded
from tui.text import Cell, cell
from tui.widgets.dialog import Dialog
from tui.widgets.keys import KeyRow
from tui.widgets.table import Table


class HelpScreen(Guarded, Dialog[None]):
    HELP_NAME = "Help"
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark,f1", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, rows: list[KeyRow], title: str = "Keys") -> None:
        super().__init__(id="help")
        self._rows = rows
        self._title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(cell(self._title), classes="title")
            table: DataTable[Cell] = Table(id="help-keys", cursor_type="row")
            table.add_columns("key", "does", "where")
            for row in self._rows:
                table.add_row(cell(row.key), cell(row.does), cell(row.where))
            yield table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
