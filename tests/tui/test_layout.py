"""Every screen and main dialog at 80x24 and at 120x40 over the demo shop: the columns
an admin decides on are on screen without scrolling, the identifying column stays when
a table scrolls sideways, dialogs fit the terminal with their buttons in view, and a
long note is readable in full."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from license_support import issue, licensed_product
from support import OPERATOR
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Static, TabbedContent
from wait_support import settled, until

from service.accounts import users as accounts
from service.catalog import products as catalog_products
from service.common.stats import HISTORY
from service.integrations import tokens
from service.licensing import activation as license_activation
from service.licensing import admin as licenses
from service.orders import crud as orders
from service.orders import notes as order_notes
from service.storefront import cart_support
from tui.app import ConsoleApp
from tui.modals.api_key_form import ApiKeyFormModal
from tui.modals.api_keys import ApiKeysModal
from tui.modals.confirm import ConfirmModal
from tui.modals.license_activate import ActivateDomainModal
from tui.modals.license_detail import LicenseDetailModal
from tui.modals.license_form import ExtendLicenseModal, IssueLicenseModal
from tui.modals.reveal import RevealSecretModal
from tui.modals.route_detail import RouteDetailModal
from tui.modals.text_view import TextModal
from tui.modals.token_detail import TokenDetailModal
from tui.modals.token_form import GenerateTokenModal
from tui.modals.user_form import CreateUserModal, RoleModal
from tui.screens.store.carts import CartModal
from tui.screens.store.catalog import ProductModal
from tui.screens.store.orders import NoteModal, OrderModal, StatusModal
from tui.widgets.request_log import RequestLog

SMALL, LARGE = (80, 24), (120, 40)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])

# (mode, store tab, table, the columns shown whole at 80x24, and more at 120x40)
TABLES = [
    ("tokens", None, "#token-table", {"name", "status", "owner"}, {"type", "last used"}),
    ("users", None, "#user-table", {"email", "role", "status"}, {"name", "created"}),
    ("routes", None, "#route-table", {"#", "route", "findings"}, {"methods"}),
    ("store", "products", "#store-products .tab-table", {"id", "name", "price"}, {"stock"}),
    ("store", "categories", "#store-categories .tab-table", {"id", "name", "products"}, set()),
    ("store", "customers", "#store-customers .tab-table", {"id", "name", "orders", "spent"}, set()),
    ("store", "carts", "#store-carts .tab-table", {"id", "customer", "age"}, {"lines"}),
    ("store", "orders", "#store-orders .tab-table", {"order", "status", "total"}, {"date"}),
    ("store", "analytics", "#store-analytics .tab-table", {"top products", "net revenue"}, set()),
    (
        "licenses",
        None,
        "#license-table",
        {"key", "status", "expires", "sites"},
        {"product", "customer"},
    ),
    ("licenses", "pending", "#pending-table", {"domain", "expires in"}, {"product", "license"}),
]


def whole_columns(table: DataTable) -> set[str]:
    """The columns shown whole with the table at its left edge."""
    room, x, shown = table.scrollable_content_region.width, 0, set()
    for column in table.ordered_columns:
        x += column.get_render_width(table)
        if x <= room:
            shown.add(str(column.label))
    return shown


def on_screen(widget: Widget) -> bool:
    """Inside the terminal, and what the terminal shows at its centre (not covered)."""
    screen = widget.screen
    if not widget.region or not screen.region.contains_region(widget.region):
        return False
    x, y = widget.region.center
    return screen.get_widget_at(x, y)[0] is widget


async def pending_request(ctx: Any) -> None:
    """An OAuth activation waiting for its owner's approval (the demo's have expired)."""
    owner = await accounts.create_user(ctx, "owner@example.com", "owner-password", "customer")
    product = await licensed_product(ctx, method="oauth", name="افزونه پیامک ووکامرس")
    lic = await issue(ctx, product, customer_id=owner.id)
    await license_activation.activate(
        ctx, lic["license_key"], "shop.example.ir", return_url="https://shop.example.ir/cb"
    )


async def show(app: ConsoleApp, pilot: Any, mode: str, tab: str | None) -> None:
    await app.switch_mode(mode)
    await settled(pilot)
    if tab is not None:
        tabs = "#license-tabs" if mode == "licenses" else "#store-tabs"
        app.screen.query_one(tabs, TabbedContent).active = f"tab-{tab}"
        await settled(pilot)


@SIZES
async def test_every_screen_shows_its_key_columns(demo_runtime, size):
    await pending_request(demo_runtime.ctx)
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=size) as pilot:
        app.clear_notifications()
        for mode, tab, selector, key_columns, more in TABLES:
            await show(app, pilot, mode, tab)
            table = app.screen.query_one(selector, DataTable)
            await until(lambda t=table: t.row_count, pilot, what=f"{selector} has rows")
            where = f"{selector} at {size}"
            assert app.screen.region.contains_region(table.region), where
            assert table.region.height >= 3, where  # the header and at least two rows
            expected = key_columns | (more if size == LARGE else set())
            assert expected <= whole_columns(table), (where, whole_columns(table))
            assert table.fixed_columns >= 1, where


@SIZES
async def test_the_dashboard_shows_each_request_whole(runtime, size):
    """Time, method, status and ms of the last requests, and their paths at 120 columns."""
    app = ConsoleApp(runtime)
    async with app.run_test(size=size) as pilot:
        async with aiohttp.ClientSession() as http:
            for _ in range(60):
                async with http.get(f"{runtime.url}/wp-json/{'x' * 60}") as resp:
                    assert resp.status == 404
        log = app.screen.query_one("#requests", RequestLog)
        await until(lambda: log.row_count == HISTORY, pilot)  # the last 50 of 60
        await settled(pilot)
        assert app.screen.region.contains_region(log.region)
        lines = [line.rstrip() for line in log.render().plain.split("\n")]
        assert len(lines) == log.region.height >= 3  # the header and at least two requests
        assert lines[0].split() == ["time", "(UTC)", "method", "status", "ms", "path"]
        assert all(" GET " in line and " 404 " in line for line in lines[1:])
        if size == LARGE:
            assert all(len(line) <= log.region.width for line in lines)
            assert all(line.endswith("/wp-json/" + "x" * 60) for line in lines[1:])


async def test_the_identifying_column_stays_when_a_table_scrolls_sideways(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=SMALL) as pilot:
        await show(app, pilot, "licenses", None)
        table = app.screen.query_one("#license-table", DataTable)
        await until(lambda: table.row_count, pilot)
        key = str(table.get_row_at(0)[0])
        table.scroll_x = table.max_scroll_x
        await settled(pilot)
        assert table.max_scroll_x > 0  # 80 columns do not hold them all
        assert table.render_line(1).text.lstrip().startswith(key)


async def test_the_routes_filter_box_has_room_at_80_columns(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=SMALL) as pilot:
        await show(app, pilot, "routes", None)
        assert app.screen.query_one("#route-filter", Input).region.width >= 20


async def dialogs(ctx: Any) -> list[tuple[str, Any]]:
    """The main dialogs, built over the demo shop's data."""
    users = await accounts.list_users(ctx)
    token = (
        await tokens.list_tokens(ctx, OPERATOR, tokens.TokenFilters(), page=1, page_size=1)
    ).items[0]
    products, _ = await catalog_products.list_products(
        ctx, catalog_products.ProductFilters(search="HOD-001")
    )
    carts, _ = await cart_support.list_open_carts(ctx)
    order = (await orders.list_orders(ctx, orders.OrderFilters(per_page=1)))[0][0]
    lics, _ = await licenses.list_licenses(ctx, licenses.LicenseFilters(per_page=100))
    lic = next(row for row in lics if row["expires_at"] and row["activations"])
    route = ctx.routes.all_routes()[8]
    return [
        ("generate token", GenerateTokenModal(users)),
        ("token detail", TokenDetailModal(token)),
        ("confirm", ConfirmModal("Revoke Main store (wc_sk...abc123)?\n" + "x " * 300)),
        ("reveal", RevealSecretModal("Token created: فروشگاه اصلی", "wc_sk_live_" + "a" * 40)),
        ("new user", CreateUserModal()),
        ("role", RoleModal(users[0])),
        ("api key", ApiKeyFormModal(users[0])),
        ("api keys", ApiKeysModal(users[0])),
        ("route detail", RouteDetailModal(route, [])),
        ("product", ProductModal(products[0]["id"])),
        ("cart", CartModal(carts[0]["id"])),
        ("order", OrderModal(order["id"])),
        ("order status", StatusModal("processing", ("completed", "cancelled", "refunded"))),
        ("order note", NoteModal(order["id"])),
        ("text", TextModal("Note on order #1", "line\n" * 200)),
        ("issue license", IssueLicenseModal(await licenses.licensed_products(ctx))),
        ("activate", ActivateDomainModal(lic)),
        ("extend", ExtendLicenseModal(lic)),
        ("license detail", LicenseDetailModal(lic)),
    ]


@SIZES
async def test_every_dialog_fits_with_its_buttons_in_view(demo_runtime, size):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=size) as pilot:
        app.clear_notifications()
        await settled(pilot)
        for name, dialog in await dialogs(demo_runtime.ctx):
            app.push_screen(dialog)
            await settled(pilot)
            where = f"{name} at {size}"
            box = dialog.query_one(".modal-box")
            assert dialog.region.contains_region(box.region), where
            assert box.region.width >= min(size[0] - 4, 70), where  # no narrow column
            for button in dialog.query(Button):
                assert on_screen(button), (where, str(button.label))
                assert box.region.contains_region(button.region), (where, str(button.label))
            dialog.dismiss(None)
            await settled(pilot)


async def test_a_long_note_is_readable_in_full(demo_runtime):
    ctx = demo_runtime.ctx
    order = (await orders.list_orders(ctx, orders.OrderFilters(per_page=1)))[0][0]
    paragraphs = [f"{i}. تماس با مشتری درباره‌ی ارسال، بسته دوباره فرستاده شد." for i in range(60)]
    text = "\n".join(paragraphs) + "\nthe end"
    await order_notes.add_note(ctx, order["id"], {"note": text}, OPERATOR)
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(OrderModal(order["id"]))
        await settled(pilot)
        notes = app.screen.query_one("#order-notes", DataTable)
        assert str(notes.get_row_at(0)[0]).endswith("…\u2069")  # cut in the table
        notes.focus()
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, TextModal)
        shown = str(app.screen.query_one("#text-content", Static).render())
        assert shown == text
        body = app.screen.query_one("#text-body", VerticalScroll)
        assert body.max_scroll_y > 0 and app.focused is body  # the keys scroll it
        await pilot.press("end")
        await settled(pilot)
        assert body.scroll_y == body.max_scroll_y
        assert on_screen(app.screen.query_one("#close", Button))
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, OrderModal)
