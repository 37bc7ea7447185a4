"""Products (with variations and stock), categories and customers."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from service.accounts import customers
from service.catalog import products as catalog_products
from service.catalog import terms as catalog_terms
from tui.failures import Guarded
from tui.host import UsesContext
from tui.screens.store.base import PAGE, TableTab
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog


def stock_text(item: dict[str, Any]) -> str:
    if item.get("manage_stock") and item.get("stock_quantity") is not None:
        return f"{item['stock_quantity']} ({item['stock_status']})"
    return item.get("stock_status", "")


def price_text(item: dict[str, Any]) -> str:
    price = item.get("price") or "—"
    if item.get("on_sale") and item.get("regular_price"):
        return f"{price} (was {item['regular_price']})"
    return price


class ProductsTab(TableTab):
    COLUMNS = ("id", "name", "sku", "type", "status", "price", "stock", "categories")
    PLACEHOLDER = "search products by name, sku or description"
    NOUN = "products"
    BINDINGS = [Binding("enter", "details", "Details", id="store.product")]

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        filters = catalog_products.ProductFilters(search=search, page=page, per_page=PAGE)
        return await catalog_products.list_products(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        cats = ", ".join(c["name"] for c in item.get("categories", []))
        return (
            str(item["id"]),
            cell(item["name"]),
            cell(item.get("sku") or ""),
            cell(item["type"]),
            cell(item["status"]),
            cell(price_text(item)),
            cell(stock_text(item)),
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
    COLUMNS = ("id", "name", "slug", "parent", "products")
    PLACEHOLDER = "search categories"
    NOUN = "categories"

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        filters = catalog_terms.TermFilters(search=search, page=page, per_page=PAGE)
        return await catalog_terms.list_categories(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        return (
            str(item["id"]),
            cell(item["name"]),
            cell(item["slug"]),
            str(item.get("parent") or "—"),
            str(item.get("count", 0)),
        )


class CustomersTab(TableTab):
    COLUMNS = ("id", "name", "email", "city", "country", "orders", "spent")
    PLACEHOLDER = "search customers by name or email"
    NOUN = "customers"

    async def fetch(self, search: str, page: int) -> tuple[list[dict[str, Any]], int]:
        filters = customers.CustomerFilters(search=search, page=page, per_page=PAGE)
        return await customers.list_customers(self.ctx, filters)

    def row(self, item: dict[str, Any]) -> tuple[Any, ...]:
        billing = item.get("billing") or {}
        name = f"{item.get('first_name', '')} {item.get('last_name', '')}".strip()
        return (
            str(item["id"]),
            cell(name),
            cell(item["email"]),
            cell(billing.get("city", "")),
            cell(billing.get("country", "")),
            str(item.get("orders_count", 0)),
            cell(item.get("total_spent", "0")),
        )


class ProductModal(Guarded, UsesContext, Dialog[None]):
    """One product: prices, stock, licensing, and its variations."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="product.close")]

    def __init__(self, product_id: int) -> None:
        super().__init__()
        self.product_id = product_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box", id="product-detail"):
            yield Static("loading...", id="product-facts")
            yield Static("[b]Variations[/b]", id="variations-title")
            table: DataTable[Cell] = DataTable(id="product-variations", cursor_type="row")
            table.add_columns("id", "attributes", "sku", "price", "stock")
            yield table

    async def on_mount(self) -> None:
        ctx = self.ctx
        p = await catalog_products.get_product(ctx, self.product_id)
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
                price=price_text(p),
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
                cell(attrs),
                cell(v.get("sku") or ""),
                cell(price_text(v)),
                cell(stock_text(v)),
            )
        if not table.row_count:
            table.add_row("—", "simple product" if p["type"] == "simple" else "none", "", "", "")

    def action_close(self) -> None:
        self.dismiss(None)
