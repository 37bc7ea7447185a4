"""Helpers for the orders, coupons and analytics tests (``from orders_support import ...``)."""

from __future__ import annotations

from typing import Any

from service import catalog
from service.app.context import Context
from service.orders import coupons
from service.settings import shop_settings as store_settings

BASE = "/wp-json/woonoow/v1"
US = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "country": "US",
      "state": "CA", "postcode": "90210", "city": "Beverly Hills"}  # fmt: skip


async def configure(ctx: Context, **groups: Any) -> None:
    """Shop settings for a test: USD with 2 decimals unless said otherwise."""
    await store_settings.update_settings(ctx, groups)


async def flat_rate_shop(
    ctx: Context, *, rate: str = "10", incl: bool = False, shipping: str = "5", **tax: Any
) -> None:
    """US: one tax rate, a flat rate and a free shipping method needing a coupon or 100.00."""
    await configure(
        ctx,
        tax={
            "calc_taxes": True,
            "prices_include_tax": incl,
            "rates": [{"country": "US", "rate": rate, "name": "Tax"}] if rate else [],
            **tax,
        },
        shipping={
            "zones": [
                {
                    "name": "US",
                    "regions": ["US"],
                    "methods": [
                        {"method_id": "flat_rate", "title": "Flat", "cost": shipping},
                        {"method_id": "free_shipping", "title": "Free", "requires": "either",
                         "min_amount": "100"},
                    ],
                }
            ]
        },
    )  # fmt: skip


async def product(ctx: Context, name: str, price: str, **extra: Any) -> int:
    return (await catalog.create_product(ctx, {"name": name, "regular_price": price, **extra}))[
        "id"
    ]


async def category(ctx: Context, name: str) -> int:
    return (await catalog.create_category(ctx, {"name": name}))["id"]


async def coupon(ctx: Context, code: str, discount_type: str, amount: str, **extra: Any) -> int:
    data = {"code": code, "discount_type": discount_type, "amount": amount, **extra}
    return (await coupons.create_coupon(ctx, data))["id"]


def lines(*pairs: tuple[int, int]) -> list[dict[str, int]]:
    return [{"product_id": pid, "quantity": qty} for pid, qty in pairs]


async def post_order(client, account, expect: int = 201, **body: Any) -> dict[str, Any]:
    resp = await client.post(f"{BASE}/orders", json=body, headers=account.auth)
    data = await resp.json()
    assert resp.status == expect, data
    return data
