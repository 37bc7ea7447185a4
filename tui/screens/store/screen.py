"""Store: browse the catalog and customers (and, as they arrive, orders and carts).
Adding a tab is one line in STORE_TABS."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, TabbedContent, TabPane

from tui.messages import DataChanged
from tui.screens.base import ConsoleScreen
from tui.screens.store.analytics import AnalyticsTab
from tui.screens.store.base import TableTab
from tui.screens.store.carts import CartsTab
from tui.screens.store.catalog import CategoriesTab, CustomersTab, ProductsTab
from tui.screens.store.orders import OrdersTab

STORE_TABS = [
    ("products", "Products", ProductsTab),
    ("categories", "Categories", CategoriesTab),
    ("customers", "Customers", CustomersTab),
    ("carts", "Open carts", CartsTab),
    ("orders", "Orders", OrdersTab),
    ("analytics", "Analytics", AnalyticsTab),
]


class StoreScreen(ConsoleScreen):
    TITLE_TEXT = "Store"
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="store.search"),
        Binding("ctrl+r", "reload", "Reload", id="store.reload"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="[", id="store.prev_tab"),
        Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]", id="store.next_tab"),
    ]

    def __init__(self) -> None:
        super().__init__(id="store")
        self._stale: set[str] = set()  # tabs whose data changed while hidden

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="store-tabs"):
            for tab_id, title, tab in STORE_TABS:
                with TabPane(title, id=f"tab-{tab_id}"):
                    yield tab(id=f"store-{tab_id}")
        yield Footer()

    def _active_tab(self) -> TableTab | AnalyticsTab | None:
        pane = self.query_one("#store-tabs", TabbedContent).active_pane
        tab = pane.children[0] if pane and pane.children else None
        return tab if isinstance(tab, TableTab | AnalyticsTab) else None

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#store-tabs", TabbedContent)
        ids = [f"tab-{tab_id}" for tab_id, _, _ in STORE_TABS]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(current + step) % len(ids)]

    def action_search(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            tab.query_one(".tab-search").focus()

    def action_reload(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            self._stale.discard(self.query_one("#store-tabs", TabbedContent).active)
            tab.reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_data_changed(self, _: DataChanged) -> None:
        """Reload the tab on view; the others when they are next shown."""
        self._stale = {f"tab-{tab_id}" for tab_id, _, _ in STORE_TABS}
        self.action_reload()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_table)

    def on_tabbed_content_tab_activated(self, _: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self._focus_table)
        self.call_after_refresh(self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        active = self.query_one("#store-tabs", TabbedContent).active
        if active in self._stale:
            self.action_reload()

    def _focus_table(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            tab.query_one(".tab-table").focus()
