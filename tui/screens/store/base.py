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
from tui.widgets.table import Table

PAGE = 100


class TableTab(Guarded, UsesContext, Vertical):
    """A search box, a table and a count. Subclasses define COLUMNS, ``fetch`` and ``row``
    (data cells through ``tui.text.cell``). The first FIXED_COLUMNS (the id, the name)
    stay in view when the table scrolls sideways.

    Rows come a page (PAGE) at a time: moving the cursor onto the last row loads the
    next page, so every row can be reached; a reload (search, a change in the data)
    keeps the pages loaded and the row under the cursor."""

    COLUMNS: tuple[str, ...] = ()
    FIXED_COLUMNS = 1
    PLACEHOLDER = "search"
    NOUN = "items"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: dict[str, dict[str, Any]] = {}
        self.total = 0
        self.pages = 1

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Input(placeholder=self.PLACEHOLDER, classes="tab-search", compact=True)
            yield Static("", classes="bar-info tab-count")
        yield self.make_table()

    def make_table(self) -> DataTable[Cell]:
        table: DataTable[Cell] = Table(
            cursor_type="row",
            zebra_stripes=True,
            classes="tab-table",
            fixed_columns=self.FIXED_COLUMNS,
        )
        table.add_columns(*self.COLUMNS)
        return table

    def on_mount(self) -> None:
        # Loaded when its tab is shown (StoreScreen); scrolling to the end loads more.
        self.watch(self.query_one(".tab-table", DataTable), "scroll_y", self._scrolled, init=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.from_first_page()

    def from_first_page(self) -> None:
        """Reload from the first page (the search or a filter changed)."""
        self.pages = 1
        self.reload()

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        """One page (1-based, PAGE rows) of the items matching ``search``, and their total."""
        raise NotImplementedError

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        raise NotImplementedError

    @work(exclusive=True, group="rows")
    async def reload(self) -> None:
        search = self.query_one(".tab-search", Input).value.strip()
        table = self.query_one(".tab-table", DataTable)
        error = number_search_error(search)
        if error:
            table.clear()
            self.items, self.total = {}, 0
            self.query_one(".tab-count", Static).update(error)
            return
        items: list[dict[str, Any]] = []
        total = 0
        for page in range(1, self.pages + 1):
            chunk, total = await self.fetch(search, page)
            items.extend(chunk)
            if len(chunk) < PAGE:
                break
        selected = self.selected_key()
        table.clear()
        self.items = {}
        self._add(items)
        self.total = total
        if selected in self.items:
            table.move_cursor(row=table.get_row_index(selected))
        self._show_count()

    @work(exclusive=True, group="rows")
    async def load_more(self) -> None:
        search = self.query_one(".tab-search", Input).value.strip()
        chunk, self.total = await self.fetch(search, self.pages + 1)
        if chunk:
            self.pages += 1
            self._add(chunk)
        self._show_count()

    def _add(self, items: list[dict[str, Any]]) -> None:
        table = self.query_one(".tab-table", DataTable)
        for item in items:
            key = str(item["id"])
            if key not in self.items:  # rows shift between pages while data changes
                self.items[key] = item
                table.add_row(*self.row(item), key=key)

    def _show_count(self) -> None:
        shown = len(self.items)
        text = (
            f"{shown} of {self.total} {self.NOUN} (↓ for more)"
            if self.total > shown
            else (f"{self.total} {self.NOUN}")
        )
        self.query_one(".tab-count", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The cursor on the last row loaded (down, page down, ctrl+end): load more."""
        if event.cursor_row >= event.data_table.row_count - 1:
            self._more_if_any()

    def _scrolled(self, scroll_y: float) -> None:
        """Scrolled (the mouse wheel) to the bottom of what is loaded: load more."""
        table = self.query_one(".tab-table", DataTable)
        if table.max_scroll_y and scroll_y >= table.max_scroll_y:
            self._more_if_any()

    def _more_if_any(self) -> None:
        if len(self.items) < self.total:
            self.load_more()

    def selected_key(self) -> str | None:
        table = self.query_one(".tab-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self) -> dict[str, Any] | None:
        return self.items.get(self.selected_key() or "")
