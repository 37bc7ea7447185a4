"""Products as the storefront shows them to customers.

Built from the catalog's WooCommerce REST dict: no admin fields (status, stock
settings, licensing limits, meta), prices as WooCommerce decimal strings plus the
Store API's ``prices`` object (integer strings in minor units with the currency
fields) and a display string.

Tax display: this store has no separate "display prices" setting, so prices are
shown the way they are entered, as WooCommerce's setup does (``tax_display`` is
``incl`` when prices include tax, else ``excl``); the cart and checkout use the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.pricing.model import StoreMoney
from service.pricing.money import display_price, parse_amount
from service.pricing.results import store_api_currency


@dataclass(frozen=True)
class Display:
    money: StoreMoney
    tax_display: str  # "incl" | "excl"

    def minor(self, text: str) -> int | None:
        return None if text in ("", None) else parse_amount(text, self.money.decimals)

    def prices(
        self, item: dict[str, Any], price_range: tuple[int, int] | None = None
    ) -> dict[str, Any]:
        price, regular, sale = (
            self.minor(item[k]) for k in ("price", "regular_price", "sale_price")
        )
        return {
            "price": _str(price),
            "regular_price": _str(regular if regular is not None else price),
            "sale_price": _str(sale if item.get("on_sale") else price),
            "price_range": None
            if price_range is None
            else {"min_amount": str(price_range[0]), "max_amount": str(price_range[1])},
            **store_api_currency(self.money),
        }

    def html(self, minor: int | None, price_range: tuple[int, int] | None = None) -> str:
        """Plain text, escaped by whoever puts it in markup."""
        if price_range and price_range[0] != price_range[1]:
            low, high = price_range
            return f"{display_price(low, self.money)} – {display_price(high, self.money)}"
        return "" if minor is None else display_price(minor, self.money)


def _str(minor: int | None) -> str | None:
    return None if minor is None else str(minor)


def _price_range(display: Display, product: dict[str, Any]) -> tuple[int, int] | None:
    if product["type"] != "variable":
        return None
    found = [
        minor
        for v in product["variations"]
        if v["status"] == "publish" and (minor := display.minor(v["price"])) is not None
    ]
    return (min(found), max(found)) if found else None


def _attributes(product: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": a["id"],
            "name": a["name"],
            "slug": a.get("slug", ""),
            "variation": a["variation"],
            "options": a["options"],
        }
        for a in product["attributes"]
        if a["visible"] or a["variation"]
    ]


def _stock(item: dict[str, Any]) -> dict[str, Any]:
    quantity = item["stock_quantity"] if item["manage_stock"] else None
    return {
        "stock_status": item["stock_status"],
        "is_in_stock": item["stock_status"] != "outofstock",
        "stock_quantity": quantity,
        "low_stock_remaining": quantity if quantity is not None and 0 < quantity <= 10 else None,
        "backorders_allowed": item["backorders_allowed"],
    }


def shop_product(product: dict[str, Any], display: Display) -> dict[str, Any]:
    """A product in a shop listing."""
    price_range = _price_range(display, product)
    price = display.minor(product["price"])
    return {
        "id": product["id"],
        "name": product["name"],
        "slug": product["slug"],
        "permalink": product["permalink"],
        "type": product["type"],
        "featured": product["featured"],
        "sku": product["sku"],
        "short_description": product["short_description"],
        "price": product["price"],
        "regular_price": product["regular_price"],
        "sale_price": product["sale_price"],
        "on_sale": product["on_sale"],
        "price_html": display.html(price, price_range),
        "prices": display.prices(product, price_range),
        "tax_display": display.tax_display,
        "purchasable": product["purchasable"],
        **_stock(product),
        "sold_individually": product["sold_individually"],
        "virtual": product["virtual"],
        "downloadable": product["downloadable"],
        "categories": product["categories"],
        "tags": product["tags"],
        "image": product["images"][0] if product["images"] else None,
        "images": product["images"],
        "attributes": _attributes(product),
        "default_attributes": product["default_attributes"],
        "average_rating": "0.00",
        "rating_count": 0,
    }


def shop_variation(variation: dict[str, Any], display: Display) -> dict[str, Any]:
    return {
        "id": variation["id"],
        "sku": variation["sku"],
        "description": variation["description"],
        "attributes": [
            {"id": a.get("id", 0), "name": a["name"], "option": a["option"]}
            for a in variation["attributes"]
        ],
        "price": variation["price"],
        "regular_price": variation["regular_price"],
        "sale_price": variation["sale_price"],
        "on_sale": variation["on_sale"],
        "price_html": display.html(display.minor(variation["price"])),
        "prices": display.prices(variation),
        "purchasable": variation["purchasable"],
        **_stock(variation),
        "image": variation["image"],
    }


def shop_product_detail(
    product: dict[str, Any], display: Display, related: list[dict[str, Any]]
) -> dict[str, Any]:
    """A product page: description, gallery, enabled variations and related products."""
    return {**shop_product_detail_base(product, display), "related": related}


def shop_product_detail_base(product: dict[str, Any], display: Display) -> dict[str, Any]:
    """A product page without its related products (they change on their own)."""
    return {
        **shop_product(product, display),
        "description": product["description"],
        "gallery": product["images"],
        "weight": product["weight"],
        "dimensions": product["dimensions"],
        "variations": [
            shop_variation(v, display) for v in product["variations"] if v["status"] == "publish"
        ],
    }


def search_hit(product: dict[str, Any], display: Display) -> dict[str, Any]:
    """What a search box shows for one product."""
    full = shop_product(product, display)
    return {
        key: full[key]
        for key in (
            "id", "name", "slug", "permalink", "type", "sku", "price", "price_html", "prices",
            "on_sale", "is_in_stock", "image",
        )
    }  # fmt: skip
