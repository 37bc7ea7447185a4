"""Open carts: who (a customer or anonymous), how much, how old; enter shows the items."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from service.settings import shop_settings as store_settings
from service.storefront import cart_support
from tui.failures import Guarded
from tui.format import minor_money
from tui.host import UsesContext
from tui.screens.store.base import PAGE, TableTab
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table


class CartsTab(TableTab):
    COLUMNS = ("id", "customer", "age", "lines", "units", "coupons")
    FIXED_COLUMNS = 2
    PLACEHOLDER = "search carts by customer email, name or cart id"
    NOUN = "open carts"
    BINDINGS = [Binding("enter", "details", "Items", id="store.cart")]

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        carts, total = await cart_support.list_open_carts(self.ctx, search, PAGE * page)
        return carts[PAGE * (page - 1) :], total

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        who = item["customer"]
        if item["customer_name"]:
            who = f"{item['customer_name']} <{who}>"
        return (
            str(item["id"]),
            cell(who, 40),
            cell(item["age"]),
            str(item["lines"]),
            str(item["quantity"]),
            cell(item["coupons"] or "—"),
        )

    def action_details(self) -> None:
        item = self.selected()
        if item is not None:
            self.app.push_screen(CartModal(item["id"]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()


class CartModal(Guarded, UsesContext, Dialog[None]):
    """One cart: its items with prices, its coupons and its totals."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="cart.close")]

    def __init__(self, cart_id: int) -> None:
        super().__init__()
        self.cart_id = cart_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box", id="cart-detail"):
            yield Static("loading...", id="cart-facts")
            table: DataTable[Cell] = Table(id="cart-items", cursor_type="row", fixed_columns=1)
            table.add_columns("product", "qty", "line total", "price", "variation")
            yield table
            yield Static("", id="cart-totals")

    async def on_mount(self) -> None:
        ctx = self.ctx
        detail = await cart_support.cart_detail(ctx, self.cart_id)
        cart = detail["cart"]
        totals = cart["totals"]
        store = await store_settings.store_money(ctx)

        def money(minor: str | None) -> str:
            return minor_money(minor, store)

        owner = f"customer #{detail['customer_id']}" if detail["customer_id"] else "anonymous"
        address = cart["shipping_address"] or {}
        where = ", ".join(v for v in (address.get("city"), address.get("country")) if v) or "—"
        self.query_one("#cart-facts", Static).update(
            markup(
                "[b]Cart #$id[/b] · $owner · touched $age ago\nships to    $where\n"
                "coupons     $coupons",
                id=detail["id"],
                owner=owner,
                age=detail["age"],
                where=where,
                coupons=", ".join(c["code"] for c in cart["coupons"]) or "—",
            )
        )
        table = self.query_one("#cart-items", DataTable)
        for item in cart["items"]:
            chosen = ", ".join(f"{v['attribute']}: {v['value']}" for v in item["variation"])
            table.add_row(
                cell(item["name"], 32),
                str(item["quantity"]),
                cell(money(item["totals"]["line_total"])),
                cell(money(item["prices"]["price"])),
                cell(chosen or "—"),
            )
        summary = markup(
            "items       $items\ndiscount    $discount\nshipping    $shipping\n"
            "tax         $tax\n[b]total       $total[/b]",
            items=money(totals["total_items"]),
            discount=money(totals["total_discount"]),
            shipping=money(totals["total_shipping"]),
            tax=money(totals["total_tax"]),
            total=money(totals["total_price"]),
        )
        for problem in cart["errors"]:
            summary += markup("\n! $message", message=problem["message"])
        self.query_one("#cart-totals", Static).update(summary)

    def action_close(self) -> None:
        self.dismiss(None)
