"""The Store screen's orders and analytics tabs over the demo shop: list and filter orders,
open one, change its status, add a note; revenue chart and top products."""

from __future__ import annotations

from support import OPERATOR
from table_support import records
from textual.widgets import DataTable, Input, OptionList, Select, Sparkline, Static, TabbedContent
from wait_support import settled

from service.orders import crud as orders
from service.orders import notes as order_notes
from service.settings import shop_settings as store_settings
from tui.app import ConsoleApp
from tui.format import money
from tui.modals.confirm import ConfirmModal
from tui.modals.text_view import TextModal
from tui.screens.store.analytics import bar_chart
from tui.screens.store.orders import NoteModal, OrderModal, StatusModal


def rows(widget, selector="DataTable"):
    return records(widget, selector)


async def open_tab(app, pilot, tab):
    await pilot.press("5")
    await settled(pilot)
    app.screen.query_one("#store-tabs", TabbedContent).active = f"tab-{tab}"
    await settled(pilot)
    return app.screen.query_one(f"#store-{tab}")


def test_bar_chart_scales_to_the_highest_value():
    assert bar_chart([0, 4, 8], height=2) == ["  █", " ██"]
    assert bar_chart([1, 2], height=1) == ["▄█"]
    assert bar_chart([], height=2) == [" ", " "]


async def test_orders_list_filter_detail_status_and_note(demo_runtime):
    runtime, ctx = demo_runtime, demo_runtime.ctx
    pending, total = await orders.list_orders(
        ctx, orders.OrderFilters(statuses=("pending",), per_page=100)
    )
    app = ConsoleApp(runtime, actor=OPERATOR)
    async with app.run_test(size=(170, 50)) as pilot:
        tab = await open_tab(app, pilot, "orders")
        listed = rows(tab, ".tab-table")
        assert len(listed) == 100  # one page of the 150+ demo orders
        assert {r["status"] for r in listed} >= {"Completed", "Processing"}

        tab.query_one("#order-status", Select).value = "pending"
        await settled(pilot)
        filtered = rows(tab, ".tab-table")
        assert len(filtered) == total
        assert {r["status"] for r in filtered} == {"Pending payment"}

        target = pending[0]
        tab.query_one(".tab-search", Input).value = f"#{target['id']}"
        await settled(pilot)
        assert [r["order"] for r in rows(tab, ".tab-table")] == [f"#{target['id']}"]
        tab.query_one(".tab-table", DataTable).focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
        lines = rows(app.screen, "#order-lines")
        assert len(lines) == len(target["line_items"])
        facts = str(app.screen.query_one("#order-facts", Static).render())
        assert f"Order #{target['id']}" in facts and "Pending payment" in facts
        totals = str(app.screen.query_one("#order-totals", Static).render())
        assert money(target["total"], await store_settings.store_money(ctx)) in totals

        await pilot.press("s")
        await settled(pilot)
        assert isinstance(app.screen, StatusModal)
        options = app.screen.query_one(OptionList)
        choices = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert choices == ["processing", "on-hold", "completed", "cancelled", "failed"]
        options.highlighted = choices.index("cancelled")
        await pilot.press("enter")  # picking is not applying: a confirmation names it
        await settled(pilot)
        assert isinstance(app.screen, ConfirmModal)
        question = str(app.screen.query_one("#question", Static).render())
        assert f"Change order #{target['number']} from Pending payment to Cancelled?" in question
        assert "This is final" in question
        await pilot.press("enter")  # the focused button is No
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
        assert (await orders.get_order(ctx, target["id"]))["status"] == "pending"
        before = await order_notes.list_notes(ctx, target["id"])

        await pilot.press("s")
        await settled(pilot)
        app.screen.query_one(OptionList).highlighted = choices.index("cancelled")
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("y")
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
        assert (await orders.get_order(ctx, target["id"]))["status"] == "cancelled"
        notes = rows(app.screen, "#order-notes")
        assert any(n["note"].startswith("Order status changed from Pending") for n in notes)
        changed = [n for n in await order_notes.list_notes(ctx, target["id"]) if n not in before]
        status_note = next(n for n in changed if "to Cancelled" in n["note"])
        assert status_note["author"] == OPERATOR.display_name  # the operator, not "system"
        await pilot.press("v")  # the newest note, in full
        await settled(pilot)
        assert isinstance(app.screen, TextModal)
        full = str(app.screen.query_one("#text-content", Static).render())
        assert full == "Order status changed from Pending payment to Cancelled."
        await pilot.press("escape")
        await settled(pilot)

        await pilot.press("n")
        await settled(pilot)
        assert isinstance(app.screen, NoteModal)
        app.screen.query_one("#note-text", Input).value = "با مشتری تماس گرفته شد"
        await pilot.click("#add")
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
        saved = await order_notes.list_notes(ctx, target["id"])
        assert saved[0]["note"] == "با مشتری تماس گرفته شد"
        assert saved[0]["author"] == OPERATOR.display_name
        assert rows(app.screen, "#order-notes")[0]["note"] == "با مشتری تماس گرفته شد"

        await pilot.press("s")  # cancelled is final
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
        await pilot.press("escape")
        await settled(pilot)


async def test_analytics_tab_draws_revenue_and_lists_top_products(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(170, 50)) as pilot:
        tab = await open_tab(app, pilot, "analytics")
        summary = str(tab.query_one("#analytics-summary", Static).render())
        assert "paid orders" in summary and "revenue" in summary
        chart = str(tab.query_one("#analytics-chart", Static).render())
        assert "revenue per day" in chart and "█" in chart
        assert len(tab.query_one(Sparkline).data) == 30
        top = rows(tab, ".tab-table")
        assert 1 <= len(top) <= 10
        units = [int(r["units"]) for r in top]
        assert units == sorted(units, reverse=True)

        tab.query_one(Select).value = "7d"
        await settled(pilot)
        assert len(tab.query_one(Sparkline).data) == 7


async def test_orders_page_through_all_demo_orders(demo_runtime):
    _, total = await orders.list_orders(demo_runtime.ctx, orders.OrderFilters(per_page=1))
    assert total > 100
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        tab = await open_tab(app, pilot, "orders")
        table = tab.query_one(".tab-table", DataTable)
        assert table.row_count == 100
        count = str(tab.query_one(".tab-count", Static).render())
        assert f"100 of {total} orders" in count
        await pilot.press("ctrl+end")  # onto the last row loaded: the next page follows
        await settled(pilot)
        assert table.row_count == total
        assert len({r["order"] for r in rows(tab, ".tab-table")}) == total
        assert str(tab.query_one(".tab-count", Static).render()) == f"{total} orders"
        await pilot.press("ctrl+end")
        await settled(pilot)
        assert table.cursor_row == total - 1
