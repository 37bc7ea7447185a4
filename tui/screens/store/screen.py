"""Store: browse the catalog and customers (and, as they arrive, orders and carts).
Adding a tab is one line in STORE_TABS."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane

from tui.messages import DataChanged
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.screens.store.analytics import AnalyticsTab
from tui.screens.store.base import TableTab
from tui.screens.store.carts import CartModal, CartsTab
from tui.screens.store.catalog import CategoriesTab, CustomersTab, ProductModal, ProductsTab
from tui.screens.store.orders import OrderModal, OrdersTab, StatusModal
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar

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
    HELP_DIALOGS = (ProductModal, CartModal, OrderModal, StatusModal)
    PALETTE = (
        ScreenCommand(
            "Change an order's status",
            "open the selected order and choose its next status",
            "change_status",
            "#store-orders",
        ),
        *(
            ScreenCommand(f"Store: {title}", f"the {title.lower()} tab", "", f"#store-{tab_id}")
            for tab_id, title, _ in STORE_TABS
        ),
    )
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="store.search", priority=True),
        Binding("ctrl+r", "reload", "Reload", id="store.reload"),
    ]

    def __init__(self) -> None:
        super().__init__(id="store")

    def compose(self) -> ComposeResult:
        yield NavBar()
        with TabbedContent(id="store-tabs"):
            for tab_id, title, tab in STORE_TABS:
                with TabPane(title, id=f"tab-{tab_id}"):
                    yield tab(id=f"store-{tab_id}")
        yield KeyFooter()

    def _active_tab(self) -> TableTab | AnalyticsTab | None:
        pane = self.query_one("#store-tabs", TabbedContent).active_pane
        tab = pane.children[0] if pane and pane.children else None
        return tab if isinstance(tab, TableTab | AnalyticsTab) else None

    def action_search(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            self.set_focus(tab.query_one(".tab-search"))

    def action_reload(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            tab.reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_data_changed(self, _: DataChanged) -> None:
        """Reload the tab on view; the others load when they are next shown."""
        self.action_reload()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_table)

    def on_tabbed_content_tab_activated(self, _: TabbedContent.TabActivated) -> None:
        self.action_reload()  # a tab loads when shown: a first visit loads one tab, not six
        self.call_after_refresh(self._focus_table)

    def _focus_table(self) -> None:
        tab = self._active_tab()
        if tab is not None:
            tab.query_one(".tab-table").focus()
