"""Issue 14's live data: every screen follows one change signal, whoever wrote (the API
in this process, another process on the same database), with no key pressed; the
Dashboard's latency is the whole request's; --no-api says what it cannot see; the
demo accounts come in a dialog that Escape closes."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from support import make_account
from table_support import column_index
from textual.widgets import DataTable, Static, TabbedContent
from wait_support import settled, until

from service.accounts import users as accounts
from service.app.context import Context
from service.app.runtime import Runtime
from service.http import middlewares
from service.orders import crud as orders
from service.orders.status import TRANSITIONS
from service.orders.view import STATUS_LABELS
from tui.app import ConsoleApp
from tui.modals.demo_accounts import DemoAccountsModal
from tui.widgets.request_log import RequestLog

SLOW_S = 0.25


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def users_table(pilot) -> DataTable:
    await pilot.press("3")
    await until(lambda: pilot.app.screen.query_one("#user-table", DataTable).row_count, pilot)
    return pilot.app.screen.query_one("#user-table", DataTable)


async def test_a_customer_created_through_the_api_appears_on_the_users_screen(runtime):
    admin = await make_account(runtime.ctx, "admin@example.com", "administrator")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await users_table(pilot)
        assert column(table, 0) == ["admin@example.com"]
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{runtime.url}/wp-json/woonoow/v1/customers",
                json={"email": "new@example.com", "first_name": "New"},
                headers=admin.auth,
            ) as resp:
                assert resp.status == 201, await resp.text()
        await until(lambda: "new@example.com" in column(table, 0), pilot, what="no key pressed")


async def test_another_process_writing_is_picked_up(runtime):
    await accounts.create_user(runtime.ctx, "here@example.com", "long enough", "customer")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await users_table(pilot)
        other = await Context.open(runtime.settings)  # a second Store on the same file
        try:
            await accounts.create_user(other, "there@example.com", "long enough", "customer")
        finally:
            await other.close()
        await until(lambda: "there@example.com" in column(table, 0), pilot, what="polled")


async def test_an_order_status_changed_elsewhere_shows_on_the_orders_tab(demo_runtime):
    ctx = demo_runtime.ctx
    [order], _ = await orders.list_orders(ctx, orders.OrderFilters(per_page=1))  # the newest
    target = TRANSITIONS[order["status"]][0]
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settled(pilot)
        app.screen.query_one("#store-tabs", TabbedContent).active = "tab-orders"
        await settled(pilot)
        tab = app.screen.query_one("#store-orders")
        table = tab.query_one(".tab-table", DataTable)
        key = str(order["id"])
        await until(lambda: table.get_row_index(key) >= 0, pilot)
        status = column_index(table, "status")
        assert str(table.get_row(key)[status]) == STATUS_LABELS[order["status"]]
        await orders.update_order(ctx, order["id"], {"status": target})
        await until(lambda: str(table.get_row(key)[status]) == STATUS_LABELS[target], pilot)


@pytest.fixture
async def slow_runtime(settings, monkeypatch):
    """The API with every answer slowed while it is prepared, outside any handler."""
    prepare = middlewares.add_surface_headers

    async def slow_prepare(request, response):
        await asyncio.sleep(SLOW_S)
        await prepare(request, response)

    monkeypatch.setattr(middlewares, "add_surface_headers", slow_prepare)
    settings.port = 0
    rt = Runtime(settings)
    await rt.open()
    await rt.start_api()
    yield rt
    await rt.close()


async def test_the_dashboard_latency_is_the_whole_request(slow_runtime):
    app = ConsoleApp(slow_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{slow_runtime.url}/wp-json/definitely/missing") as resp:
                assert resp.status == 404
        log = app.screen.query_one("#requests", RequestLog)
        await until(lambda: log.row_count, pilot, what="the request is listed")
        last = log.records()[-1]
        method, path, status, ms = (last[label] for label in ("method", "path", "status", "ms"))
        assert (method, path, status) == ("GET", "/wp-json/definitely/missing", "404")
        assert float(ms) >= SLOW_S * 1000  # the handler alone took a fraction of a ms


def column_row(table: DataTable, index: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(index)]


async def test_without_the_api_the_dashboard_says_it_cannot_see_traffic(settings):
    runtime = Runtime(settings)
    await runtime.open()  # console --no-api: no API in this process
    try:
        app = ConsoleApp(runtime)
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            note = str(app.screen.query_one("#no-traffic", Static).render())
            assert "--no-api" in note and "not visible here" in note
            assert "not visible here" in str(app.screen.query_one("#total", Static).render())
            assert not app.screen.query_one("#requests", RequestLog).display
    finally:
        await runtime.close()


async def test_the_demo_accounts_come_in_a_dialog_escape_closes(runtime):
    runtime.notices = ["demo administrator: admin@demo.test / s3cret-pass"]
    app = ConsoleApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(lambda: isinstance(app.screen, DemoAccountsModal), pilot)
        shown = str(app.screen.query_one("#demo-notices", Static).render())
        assert "admin@demo.test / s3cret-pass" in shown
        assert not app._notifications  # no long notification over the screens
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, DemoAccountsModal)
        await pilot.press("3")
        await settled(pilot)
        assert app.current_mode == "users"
        assert not isinstance(app.screen, DemoAccountsModal)
