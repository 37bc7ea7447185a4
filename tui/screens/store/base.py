"""A searchable table tab of the Store screen."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from tui.failures import Guarded
from tui.host import UsesContext
from tui.text import Cell, number_search_error

PAGE = 100


class TableTab(Guarded, UsesContext, Vertical):
    """A search box, a table and a count. Subclasses define COLUMNS, ``fetch`` and ``row``
    (data cells through ``tui.text.cell``). The first FIXED_COLUMNS (the id, the name)
    stay in view when the table scrolls sideways."""

    COLUMNS: tuple[str, ...] = ()
    FIXED_COLUMNS = 1
    PLACEHOLDER = "search"
    NOUN = "items"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Input(placeholder=self.PLACEHOLDER, classes="tab-search", compact=True)
            yield Static("", classes="bar-info tab-count")
        yield self.make_table()

    def make_table(self) -> DataTable[Cell]:
        table: DataTable[Cell] = DataTable(
            cursor_type="row",
            zebra_stripes=True,
            classes="tab-table",
            fixed_columns=self.FIXED_COLUMNS,
        )
        table.add_columns(*self.COLUMNS)
        return table

    def on_mount(self) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    async def fetch(self, search: str) -> tuple[list[dict[str, Any]], int]:
        raise NotImplementedError

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        raise NotImplementedError

    @work(exclusive=True)
    async def reload(self) -> None:
        search = self.query_one(".tab-search", Input).value.strip()
        table = self.query_one(".tab-table", DataTable)
        error = number_search_error(search)
        if error:
            table.clear()
            self.items = {}
            self.query_one(".tab-count", Static).update(error)
            return
        items, total = await self.fetch(search)
        table.clear()
        self.items = {}
        for item in items:
            key = str(item["id"])
            self.items[key] = item
            table.add_row(*self.row(item), key=key)
        shown = f"{len(items)} of {total}" if total > len(items) else str(total)
        self.query_one(".tab-count", Static).update(f"{shown} {self.NOUN}")

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one(".tab-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(key or "")
