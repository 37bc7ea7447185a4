"""``?``: every key the console answers to, for the app and the screen on view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.failures import Guarded
from tui.text import Cell, cell


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__(id="help")
        self._rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(
                "[b]Keys[/b]   (escape closes; ctrl+p opens the command palette)", classes="title"
            )
            table: DataTable[Cell] = DataTable(id="help-keys", cursor_type="row")
            table.add_columns("key", "does", "where")
            for key, description, where in self._rows:
                table.add_row(cell(key), cell(description), cell(where))
            yield table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
