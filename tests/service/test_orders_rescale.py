"""A change of the currency's decimals rescales stored orders, as it does prices."""

from __future__ import annotations

from orders_support import US, flat_rate_shop, lines, product

from service.orders import crud as orders
from service.settings import shop_settings as store_settings


async def test_orders_follow_the_currency_decimals(ctx):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10.25")
    order = await orders.create_order(ctx, {"line_items": lines((mug, 2)), "billing": US})
    # 20.50 + 2.05 tax + 5.00 + 0.50 shipping tax
    assert (order["total"], order["line_items"][0]["taxes"][0]["total"]) == ("28.05", "2.05")
    await store_settings.update_settings(ctx, {"store": {"decimals": 0}})
    again = await orders.get_order(ctx, order["id"])
    assert (again["total"], again["cart_tax"], again["shipping_total"]) == ("28", "2", "5")
    line = again["line_items"][0]
    assert (line["subtotal"], line["total_tax"], line["taxes"][0]["total"]) == ("21", "2", "2")
    await store_settings.update_settings(ctx, {"store": {"decimals": 3}})
    assert (await orders.get_order(ctx, order["id"]))["total"] == "28.000"
