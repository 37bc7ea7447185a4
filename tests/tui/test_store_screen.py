"""The Store screen: products with variations and stock, categories, customers."""

from __future__ import annotations

from textual.widgets import DataTable, Input, TabbedContent
from wait_support import settled

from tui.app import ConsoleApp
from tui.screens.store.catalog import ProductModal


def rows(widget, selector="DataTable"):
    table = widget.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_browse_products_variations_categories_and_customers(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await settled(pilot)
        products = app.screen.query_one("#store-products")
        listed = rows(products, ".tab-table")
        assert len(listed) >= 60
        assert any(r[3] == "variable" for r in listed)
        assert any("was" in r[5] for r in listed), "no product on sale is listed"

        # Search narrows the list, then a variable product shows its variations.
        products.query_one(".tab-search", Input).value = "HOD-001"
        await settled(pilot)
        found = rows(products, ".tab-table")
        assert [r[2] for r in found] == ["HOD-001"]
        products.query_one(".tab-table", DataTable).focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, ProductModal)
        variations = rows(app.screen, "#product-variations")
        assert len(variations) >= 2 and all(v[1] for v in variations)
        await pilot.press("escape")
        await settled(pilot)

        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-categories"
        await settled(pilot)
        names = [r[1] for r in rows(app.screen.query_one("#store-categories"), ".tab-table")]
        assert any(any("\u0600" <= ch <= "\u06ff" for ch in n) for n in names)  # Persian
        assert any(n.isascii() for n in names)

        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-customers"
        await settled(pilot)
        customers = rows(app.screen.query_one("#store-customers"), ".tab-table")
        assert len(customers) >= 25
        assert all("@" in r[2] for r in customers)


async def test_brackets_switch_tabs_and_focus_the_table(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await settled(pilot)
        tabs = app.screen.query_one("#store-tabs", TabbedContent)
        assert tabs.active == "tab-products"
        await pilot.press("right_square_bracket")
        await settled(pilot)
        assert tabs.active == "tab-categories"
        assert app.focused is app.screen.query_one("#store-categories .tab-table")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settled(pilot)
        assert tabs.active == tabs.query("TabPane").last().id
