"""The Store screen: products with variations and stock, categories, customers."""

from __future__ import annotations

from table_support import column, records
from textual.widgets import DataTable, Input, TabbedContent
from wait_support import settled

from tui.app import ConsoleApp
from tui.screens.store.catalog import ProductModal


async def test_browse_products_variations_categories_and_customers(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await settled(pilot)
        products = app.screen.query_one("#store-products")
        listed = records(products, ".tab-table")
        assert len(listed) >= 60
        assert any(r["type"] == "variable" for r in listed)
        assert any(r["price"].endswith(" sale") for r in listed), "no product on sale is listed"

        # Search narrows the list, then a variable product shows its variations.
        products.query_one(".tab-search", Input).value = "HOD-001"
        await settled(pilot)
        assert column(products, "sku", ".tab-table") == ["HOD-001"]
        products.query_one(".tab-table", DataTable).focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, ProductModal)
        variations = records(app.screen, "#product-variations")
        assert len(variations) >= 2 and all(v["attributes"] for v in variations)
        assert all(v["price"].endswith("تومان") for v in variations)  # the shop's currency
        await pilot.press("escape")
        await settled(pilot)

        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-categories"
        await settled(pilot)
        names = column(app.screen.query_one("#store-categories"), "name", ".tab-table")
        assert any(any("\u0600" <= ch <= "\u06ff" for ch in n) for n in names)  # Persian
        assert any(n.isascii() for n in names)

        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-customers"
        await settled(pilot)
        customers = records(app.screen.query_one("#store-customers"), ".tab-table")
        assert len(customers) >= 25
        assert all("@" in r["email"] for r in customers)


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
