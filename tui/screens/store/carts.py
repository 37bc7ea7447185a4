"""Open carts: who (a customer or anonymous), how much, how old; enter shows the items."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from service.pricing.money import format_amount
from service.storefront import cart_support
from tui.failures import Guarded
from tui.host import UsesContext
from tui.screens.store.base import PAGE, TableTab
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog


class CartsTab(TableTab):
    COLUMNS = ("id", "customer", "lines", "units", "coupons", "age")
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
            cell(who),
            str(item["lines"]),
            str(item["quantity"]),
            cell(item["coupons"] or "—"),
            cell(item["age"]),
        )

    def action_details(self) -> None:
        item = self.selected()
        if item is not None:
            self.app.push_screen(CartModal(item["id"]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()


def _money(minor: str | None, decimals: int) -> str:
    return "—" if minor is None else format_amount(int(minor), decimals)


class CartModal(Guarded, UsesContext, Dialog[None]):
    """One cart: its items with prices, its coupons and its totals."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="cart.close")]

    def __init__(self, cart_id: int) -> None:
        super().__init__()
        self.cart_id = cart_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box", id="cart-detail"):
            yield Static("loading...", id="cart-facts")
            table: DataTable[Cell] = DataTable(id="cart-items", cursor_type="row")
            table.add_columns("product", "variation", "qty", "price", "line total")
            yield table
            yield Static("", id="cart-totals")

    async def on_mount(self) -> None:
        ctx = self.ctx
        detail = await cart_support.cart_detail(ctx, self.cart_id)
        cart = detail["cart"]
        totals = cart["totals"]
        dp = totals["currency_minor_unit"]
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
                cell(item["name"]),
                cell(chosen or "—"),
                str(item["quantity"]),
                _money(item["prices"]["price"], dp),
                _money(item["totals"]["line_total"], dp),
            )
        summary = markup(
            f"items       {_money(totals['total_items'], dp)}\n"
            f"discount    {_money(totals['total_discount'], dp)}\n"
            f"shipping    {_money(totals['total_shipping'], dp)}\n"
            f"tax         {_money(totals['total_tax'], dp)}\n"
            f"[b]total       {_money(totals['total_price'], dp)} $currency[/b]",
            currency=totals["currency_code"],
        )
        for problem in cart["errors"]:
            summary += markup("\n! $message", message=problem["message"])
        self.query_one("#cart-totals", Static).update(summary)

    def action_close(self) -> None:
        self.dismiss(None)
