"""Products (with variations and stock), categories and customers."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from service.accounts import customers
from service.catalog import products as catalog_products
from service.catalog import terms as catalog_terms
from service.pricing import DEFAULT_STORE, StoreMoney
from service.settings import shop_settings as store_settings
from tui.failures import Guarded
from tui.format import money
from tui.host import UsesContext
from tui.modals.text_view import TextModal
from tui.screens.store.base import PAGE, TableTab
from tui.text import Cell, block, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table

DESCRIPTION_PREVIEW = 400  # characters under the facts; v shows the whole text


def stock_text(item: dict[str, Any]) -> str:
    if item.get("manage_stock") and item.get("stock_quantity") is not None:
        return f"{item['stock_quantity']} ({item['stock_status']})"
    return item.get("stock_status", "")


def price_text(item: dict[str, Any], store: StoreMoney) -> str:
    price = money(item.get("price"), store)
    if item.get("on_sale") and item.get("regular_price"):
        return f"{price} (was {money(item['regular_price'], store)})"
    return price


def list_price(item: dict[str, Any], store: StoreMoney) -> str:
    """The price a customer pays now, marked when on sale (the regular price is in the
    product's detail): the table's column stays narrow."""
    price = money(item.get("price"), store)
    return f"{price} sale" if item.get("on_sale") and item.get("regular_price") else price


def description_text(item: dict[str, Any]) -> str:
    """A product's description as text: WordPress's HTML tags dropped, paragraphs kept."""
    html = item.get("description") or item.get("short_description") or ""
    text = _TAG.sub("", _BREAK.sub("\n", html))
    return "\n".join(line.strip() for line in unescape(text).strip().splitlines())


_BREAK = re.compile(r"<br\s*/?>|</p>|</li>|</h[1-6]>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


class ProductsTab(TableTab):
    # The id and name stay put when the table scrolls sideways; price and stock first.
    COLUMNS = ("id", "name", "price", "stock", "status", "type", "sku", "categories")
    FIXED_COLUMNS = 2
    PLACEHOLDER = "search products by name, sku or description"
    NOUN = "products"
    BINDINGS = [Binding("enter", "details", "Details", id="store.product")]

    shop_money: StoreMoney = DEFAULT_STORE

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        self.shop_money = await store_settings.store_money(self.ctx)
        filters = catalog_products.ProductFilters(search=search, page=page, per_page=PAGE)
        return await catalog_products.list_products(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        cats = ", ".join(c["name"] for c in item.get("categories", []))
        return (
            str(item["id"]),
            cell(item["name"], 30),
            cell(list_price(item, self.shop_money), justify="right"),
            cell(stock_text(item)),
            cell(item["status"]),
            cell(item["type"]),
            cell(item.get("sku") or ""),
            cell(cats),
        )

    def action_details(self) -> None:
        item = self.selected()
        if item is not None:
            self.app.push_screen(ProductModal(item["id"]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()


class CategoriesTab(TableTab):
    COLUMNS = ("id", "name", "products", "parent", "slug")
    FIXED_COLUMNS = 2
    PLACEHOLDER = "search categories"
    NOUN = "categories"

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        filters = catalog_terms.TermFilters(search=search, page=page, per_page=PAGE)
        return await catalog_terms.list_categories(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        return (
            str(item["id"]),
            cell(item["name"], 30),
            str(item.get("count", 0)),
            str(item.get("parent") or "—"),
            cell(item["slug"]),
        )


class CustomersTab(TableTab):
    COLUMNS = ("id", "name", "orders", "spent", "email", "city", "country")
    FIXED_COLUMNS = 2
    PLACEHOLDER = "search customers by name or email"
    NOUN = "customers"
    shop_money: StoreMoney = DEFAULT_STORE

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        self.shop_money = await store_settings.store_money(self.ctx)
        filters = customers.CustomerFilters(search=search, page=page, per_page=PAGE)
        return await customers.list_customers(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        billing = item.get("billing") or {}
        name = f"{item.get('first_name', '')} {item.get('last_name', '')}".strip()
        return (
            str(item["id"]),
            cell(name, 24),
            str(item.get("orders_count", 0)),
            cell(money(item.get("total_spent", "0"), self.shop_money), justify="right"),
            cell(item["email"], 30),
            cell(billing.get("city", ""), 20),
            cell(billing.get("country", "")),
        )


class ProductModal(Guarded, UsesContext, Dialog[None]):
    """One product: prices, stock, licensing, and its variations."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="product.close"),
        Binding("v", "read_description", "Read description", id="product.description"),
    ]

    def __init__(self, product_id: int) -> None:
        super().__init__()
        self.product_id = product_id
        self.product: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box modal-wide", id="product-detail"):
            yield Static("loading...", id="product-facts")
            yield Static("[b]Variations[/b]", id="variations-title")
            table: DataTable[Cell] = Table(
                id="product-variations", cursor_type="row", fixed_columns=2
            )
            table.add_columns("id", "attributes", "price", "stock", "sku")
            yield table
            yield Static("[b]Description[/b]  (v: read it in full)", id="description-title")
            yield Static("", id="product-description")

    async def on_mount(self) -> None:
        ctx = self.ctx
        p = self.product = await catalog_products.get_product(ctx, self.product_id)
        store = await store_settings.store_money(ctx)
        cats = ", ".join(c["name"] for c in p.get("categories", [])) or "—"
        tags = ", ".join(t["name"] for t in p.get("tags", [])) or "—"
        licensing = ""
        if p.get("license_activation_method"):
            licensing = (
                f"{p['license_activation_method']}, limit "
                f"{p.get('license_activation_limit') or 'unlimited'}, valid "
                f"{p.get('license_validity_days') or 'for life'} days"
            )
        self.query_one("#product-facts", Static).update(
            markup(
                "[b]$name[/b]  #$id · $type · $status\n"
                "sku         $sku\n"
                "price       $price$sale\n"
                "stock       $stock\n"
                "categories  $cats\ntags        $tags\n"
                "permalink   $permalink" + ("\nlicensing   $licensing" if licensing else ""),
                name=p["name"],
                id=p["id"],
                type=p["type"],
                status=p["status"],
                sku=p.get("sku") or "—",
                price=price_text(p, store),
                sale="  on sale" if p.get("on_sale") else "",
                stock=stock_text(p),
                cats=cats,
                tags=tags,
                permalink=p.get("permalink", ""),
                licensing=licensing,
            )
        )
        table = self.query_one("#product-variations", DataTable)
        variations = p.get("variations") or []
        for v in variations:
            if not isinstance(v, dict):
                continue
            attrs = ", ".join(f"{a['name']}: {a['option']}" for a in v.get("attributes", []))
            table.add_row(
                str(v["id"]),
                cell(attrs, 32),
                cell(price_text(v, store)),
                cell(stock_text(v)),
                cell(v.get("sku") or ""),
            )
        if not table.row_count:
            table.add_row("—", "simple product" if p["type"] == "simple" else "none", "", "", "")
        self.query_one("#product-description", Static).update(
            block(description_text(p) or "—", limit=DESCRIPTION_PREVIEW)
        )

    def action_read_description(self) -> None:
        if self.product:
            self.app.push_screen(
                TextModal(self.product["name"], description_text(self.product) or "—")
            )

    def action_close(self) -> None:
        self.dismiss(None)
