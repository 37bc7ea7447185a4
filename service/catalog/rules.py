"""The catalog's derived values, as WooCommerce derives them: the current price and
``on_sale`` from the sale dates, and the stock status from a managed quantity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PRODUCT_TYPES = ("simple", "variable")
PRODUCT_STATUSES = ("publish", "draft", "pending", "private", "trash")
VARIATION_STATUSES = ("publish", "private")  # enabled / disabled
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
BACKORDERS = ("no", "notify", "yes")
CATALOG_VISIBILITY = ("visible", "catalog", "search", "hidden")
TAX_STATUSES = ("taxable", "shipping", "none")
ACTIVATION_METHODS = ("simple", "oauth", "any")  # any: the client chooses
CATEGORY_DISPLAY = ("default", "products", "subcategories", "both")


def wc_date(stored: str | None) -> str | None:
    """WooCommerce's REST dates: ``2026-01-05T10:00:00``, no zone (the site runs on UTC,
    so the local and ``_gmt`` values are the same)."""
    if not stored:
        return None
    return stored.removesuffix("Z")[:19]


@dataclass(frozen=True)
class Prices:
    regular: int | None
    sale: int | None
    sale_from: str | None  # ISO UTC, as stored
    sale_to: str | None

    def on_sale(self, now: str) -> bool:
        """WC_Product::is_on_sale: a sale price lower than the regular one, inside its dates."""
        if self.sale is None or self.regular is None or self.sale >= self.regular:
            return False
        if self.sale_from is not None and self.sale_from > now:
            return False
        return not (self.sale_to is not None and self.sale_to < now)

    def current(self, now: str) -> int | None:
        return self.sale if self.on_sale(now) else self.regular


def managed_stock_status(quantity: int | None, backorders: str) -> str:
    """A managed stock's status: none left means out of stock, unless backorders are allowed."""
    if quantity is not None and quantity > 0:
        return "instock"
    return "outofstock" if backorders == "no" else "onbackorder"


def combined_stock_status(children: Iterable[str]) -> str:
    """A variable product is in stock when one enabled variation is."""
    statuses = set(children)
    for status in ("instock", "onbackorder"):
        if status in statuses:
            return status
    return "outofstock"
