"""The Store screen's open carts: customer or anonymous, age, items in a modal."""

from __future__ import annotations

from table_support import records
from textual.widgets import DataTable, Input, TabbedContent
from wait_support import settled

from service.common.clock import parse_iso
from service.demo import seed as demo
from service.storefront.cart_support import age_text
from tui.app import ConsoleApp
from tui.screens.store.carts import CartModal


async def test_open_carts_and_their_items(demo_runtime):
    await demo.seed(demo_runtime.ctx)  # over the seeded shop again: idempotent, still two carts
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await settled(pilot)
        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-carts"
        await settled(pilot)
        tab = app.screen.query_one("#store-carts")
        listed = records(tab, ".tab-table")
        assert len(listed) == 2
        who = sorted(r["customer"] for r in listed)
        assert who[0] == "anonymous" and "customer@shopkeep.test" in who[1]
        assert all(r["age"].endswith(("s", "m")) for r in listed)  # seeded moments ago

        tab.query_one(".tab-search", Input).value = "customer@shopkeep"
        await settled(pilot)
        found = records(tab, ".tab-table")
        assert len(found) == 1 and found[0]["lines"] == "2"
        tab.query_one(".tab-table", DataTable).focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, CartModal)
        items = records(app.screen, "#cart-items")
        assert len(items) == 2
        assert any("Navy" in r["variation"] for r in items)  # the hoodie's chosen color
        assert "total" in str(app.screen.query_one("#cart-totals").render())
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, CartModal)


def test_age_text():
    now = parse_iso("2026-01-03T00:00:00Z")
    assert age_text("2026-01-02T23:59:30Z", now) == "30s"
    assert age_text("2026-01-02T23:15:00Z", now) == "45m"
    assert age_text("2026-01-02T19:00:00Z", now) == "5h"
    assert age_text("2026-01-01T00:00:00Z", now) == "2d"
    assert age_text(None, now) == ""
