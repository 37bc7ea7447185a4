"""Stock and what an order needs to know about a product: for the orders capability.

Call these inside your own transaction (``tx``) so that a stock change commits, or
rolls back, with the order that caused it.

Stock is WooCommerce's: a product or variation that manages stock has a quantity
and its status follows it (0 or less is ``outofstock``, or ``onbackorder`` when
backorders are allowed); a variation that does not manage stock uses its parent's
when the parent does; a variable product that does not manage stock is in stock
when one of its enabled variations is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from service.catalog.rules import Prices, combined_stock_status, managed_stock_status
from service.common.clock import iso
from service.common.wc_errors import invalid_id
from service.pricing.model import LineInput
from store import catalog as catalog_sql
from store.db import Store, Tx


@dataclass(frozen=True)
class SellableItem:
    """A product or variation as an order line sees it (money in minor units)."""

    product_id: int
    variation_id: int  # 0 for a simple product
    name: str
    sku: str
    price: int | None  # the current price; None: not for sale
    regular_price: int | None
    on_sale: bool
    status: str
    purchasable: bool
    taxable: bool
    tax_class: str
    needs_shipping: bool
    manage_stock: bool  # True when this item or its parent tracks a quantity
    stock_quantity: int | None
    stock_status: str
    backorders: str
    sold_individually: bool
    downloadable: bool
    category_ids: tuple[int, ...]
    licensing_enabled: bool
    license_activation_method: str
    license_activation_limit: int | None
    license_validity_days: int | None

    def line_input(self, quantity: int) -> LineInput:
        return LineInput(
            product_id=self.product_id,
            variation_id=self.variation_id,
            quantity=quantity,
            unit_price_minor=self.price or 0,
            regular_price_minor=self.regular_price,
            on_sale=self.on_sale,
            category_ids=self.category_ids,
            name=self.name,
            sku=self.sku,
            taxable=self.taxable,
            needs_shipping=self.needs_shipping,
            tax_class=self.tax_class,
        )

    def can_buy(self, quantity: int) -> bool:
        if not self.purchasable or self.stock_status == "outofstock":
            return False
        if self.manage_stock and self.backorders == "no":
            return (self.stock_quantity or 0) >= quantity
        return True


def _not_found() -> Exception:
    return invalid_id("woocommerce_rest_product_invalid_id", "Invalid ID.")


async def sellable_item(
    db: Store | Tx, product_id: int, variation_id: int = 0, *, now: datetime
) -> SellableItem:
    """The product (or its variation) to sell; 404 when either is unknown or trashed, or
    the variation is not the product's. A variable product without a variation is not
    purchasable itself."""
    product = await catalog_sql.by_id(db, product_id)
    if product is None or product["parent_id"] is not None or product["status"] == "trash":
        raise _not_found()
    item = product
    if variation_id:
        variation = await catalog_sql.by_id(db, variation_id)
        if variation is None or variation["parent_id"] != product_id:
            raise _not_found()
        item = variation
    stamp = iso(now)
    prices = Prices(item["regular_price"], item["sale_price"], item["sale_from"], item["sale_to"])
    price = prices.current(stamp)
    stock_row = item if item["manage_stock"] or not product["manage_stock"] else product
    categories = await catalog_sql.terms_of(db, [product_id])
    name = product["name"]
    if variation_id:
        chosen = [c["option"] for c in json.loads(item["attributes"]) if c["option"]]
        name = f"{name} - {', '.join(chosen)}" if chosen else name
    purchasable = (
        price is not None
        and product["status"] == "publish"
        and item["status"] == "publish"
        and not (product["type"] == "variable" and not variation_id)
    )
    return SellableItem(
        product_id=product_id,
        variation_id=variation_id,
        name=name,
        sku=item["sku"] or product["sku"],
        price=price,
        regular_price=item["regular_price"],
        on_sale=prices.on_sale(stamp),
        status=product["status"],
        purchasable=purchasable,
        taxable=item["tax_status"] == "taxable",
        tax_class=item["tax_class"],
        needs_shipping=not item["virtual"],
        manage_stock=bool(stock_row["manage_stock"]),
        stock_quantity=stock_row["stock_quantity"] if stock_row["manage_stock"] else None,
        stock_status=item["stock_status"],
        backorders=stock_row["backorders"],
        sold_individually=bool(product["sold_individually"]),
        downloadable=bool(item["downloadable"]),
        category_ids=tuple(c["id"] for c in categories if c["taxonomy"] == "product_cat"),
        licensing_enabled=bool(product["licensing_enabled"]),
        license_activation_method=product["license_activation_method"],
        license_activation_limit=product["license_activation_limit"],
        license_validity_days=product["license_validity_days"],
    )


async def change_stock(
    tx: Tx, product_id: int, variation_id: int, delta: int, *, now: datetime
) -> int | None:
    """Add ``delta`` (negative to reduce) to the managed stock the item draws from, as
    wc_update_product_stock; returns the new quantity, or None when stock is not managed.
    The quantity may go below zero (backorders); statuses follow."""
    item_id = variation_id or product_id
    item = await catalog_sql.by_id(tx, item_id)
    if item is None:
        raise _not_found()
    target = item
    if not item["manage_stock"] and item["parent_id"] is not None:
        parent = await catalog_sql.by_id(tx, item["parent_id"])
        if parent is not None and parent["manage_stock"]:
            target = parent
    if not target["manage_stock"]:
        return None
    quantity = await catalog_sql.change_stock(tx, target["id"], delta, iso(now))
    await catalog_sql.set_stock_status(
        tx, target["id"], managed_stock_status(quantity, target["backorders"])
    )
    parent_id = target["parent_id"] or (target["id"] if target["type"] == "variable" else None)
    if parent_id:
        await sync_variable_stock(tx, parent_id)
    return quantity


async def record_sale(tx: Tx, product_id: int, variation_id: int, quantity: int) -> None:
    """Count units sold in ``total_sales`` (negative to take a refund back)."""
    await catalog_sql.add_sales(tx, product_id, quantity)
    if variation_id:
        await catalog_sql.add_sales(tx, variation_id, quantity)


async def sync_variable_stock(tx: Tx, parent_id: int) -> None:
    """Recompute the stock statuses of a variable product and its variations."""
    parent = await catalog_sql.by_id(tx, parent_id)
    if parent is None or parent["type"] != "variable":
        return
    variations = await catalog_sql.variations_of(tx, [parent_id])
    parent_status = None
    if parent["manage_stock"]:
        parent_status = managed_stock_status(parent["stock_quantity"], parent["backorders"])
        for v in variations:
            if not v["manage_stock"] and v["stock_status"] != parent_status:
                await catalog_sql.set_stock_status(tx, v["id"], parent_status)
        variations = await catalog_sql.variations_of(tx, [parent_id])
    else:
        parent_status = combined_stock_status(
            v["stock_status"] for v in variations if v["status"] == "publish"
        )
    if parent["stock_status"] != parent_status:
        await catalog_sql.set_stock_status(tx, parent_id, parent_status)
