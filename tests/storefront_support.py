"""Helpers for the storefront tests (shop, cart, checkout, account, hooks)."""

from __future__ import annotations

from typing import Any

from service import catalog
from service.app.context import Context
from service.settings import shop_settings as store_settings

W = "/wp-json/woonoow/v1"

SHOP_SETTINGS: dict[str, Any] = {
    "store": {"name": "Test Shop", "country": "US", "state": "CA", "currency": "USD"},
    "tax": {
        "calc_taxes": True,
        "prices_include_tax": False,
        "rates": [{"country": "US", "rate": "10", "name": "Sales tax", "shipping": True}],
    },
    "shipping": {
        "zones": [
            {
                "name": "United States",
                "regions": ["US"],
                "methods": [
                    {"method_id": "flat_rate", "title": "Courier", "cost": "5.00"},
                    {"method_id": "local_pickup", "title": "Pickup"},
                ],
            }
        ]
    },
    "payments": {"gateways": [{"id": "cod", "enabled": True}]},
}
ADDRESS = {
    "first_name": "Alice",
    "last_name": "Doe",
    "address_1": "1 Main St",
    "city": "Los Angeles",
    "state": "CA",
    "postcode": "90001",
    "country": "US",
}


async def setup_shop(ctx: Context) -> None:
    await store_settings.update_settings(ctx, SHOP_SETTINGS)


async def simple(ctx: Context, name: str, price: str, **extra: Any) -> dict[str, Any]:
    payload = {"name": name, "type": "simple", "regular_price": price, "status": "publish"}
    return await catalog.create_product(ctx, {**payload, **extra})


async def variable(
    ctx: Context, name: str, price: str, sizes: list[str], colors: list[str], **extra: Any
) -> dict[str, Any]:
    """A variable product with one variation per size and color."""
    variations = [
        {
            "regular_price": price,
            "attributes": [{"name": "Size", "option": s}, {"name": "Color", "option": c}],
        }
        for s in sizes
        for c in colors
    ]
    payload = {
        "name": name,
        "type": "variable",
        "status": "publish",
        "attributes": [
            {"name": "Size", "options": sizes, "variation": True, "visible": True},
            {"name": "Color", "options": colors, "variation": True, "visible": True},
        ],
        "variations": variations,
    }
    return await catalog.create_product(ctx, {**payload, **extra})


async def coupon(ctx: Context, code: str, **fields: Any) -> dict[str, Any]:
    from service.orders import coupons

    data = {"code": code, "discount_type": "percent", "amount": "10", **fields}
    return await coupons.create_coupon(ctx, data)


def variation_id(product: dict[str, Any], **chosen: str) -> int:
    for v in product["variations"]:
        options = {a["name"].lower(): a["option"] for a in v["attributes"]}
        if all(options.get(k.lower()) == val for k, val in chosen.items()):
            return v["id"]
    raise AssertionError(f"no variation {chosen}")


def token_of(resp) -> str:
    token = resp.headers.get("Cart-Token")
    assert token, "no Cart-Token header"
    return token
