"""50 orders at once over HTTP: a coupon's usage limit and managed stock hold exactly,
stock never goes negative, and refused orders leave nothing behind."""

from __future__ import annotations

import asyncio

from orders_support import BASE, configure, coupon, lines, product

from service import catalog

ATTEMPTS = 50


async def burst(client, account, bodies):
    async def one(body):
        resp = await client.post(f"{BASE}/orders", json=body, headers=account.auth)
        return resp.status, await resp.json()

    return await asyncio.gather(*(one(b) for b in bodies))


async def counts(ctx):
    return (
        await ctx.store.fetchval("SELECT COUNT(*) FROM orders"),
        await ctx.store.fetchval("SELECT COUNT(*) FROM order_items"),
        await ctx.store.fetchval("SELECT COUNT(*) FROM coupon_uses"),
        await ctx.store.fetchval("SELECT COUNT(*) FROM order_notes"),
    )


async def test_coupon_usage_limit_holds_under_concurrency(client, ctx, admin, customer):
    await configure(ctx, tax={"calc_taxes": False})
    ebook = await product(ctx, "E-book", "10", virtual=True)
    coupon_id = await coupon(ctx, "FIRST5", "percent", "50", usage_limit=5)
    bodies = [
        {"line_items": lines((ebook, 1)), "coupon_lines": [{"code": "first5"}],
         "billing": {"email": f"buyer{i}@example.com"}}
        for i in range(ATTEMPTS)
    ]  # fmt: skip
    results = await burst(client, admin, bodies)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 5 and statuses.count(400) == ATTEMPTS - 5
    refused = [body for status, body in results if status == 400]
    assert {(b["code"], b["message"]) for b in refused} == {
        ("invalid_coupon", "Coupon usage limit has been reached.")
    }
    got = await (await client.get(f"{BASE}/coupons/{coupon_id}", headers=admin.auth)).json()
    assert got["usage_count"] == 5 and len(got["used_by"]) == 5
    # one order, one line item, one coupon line, one use each: nothing half-written
    orders_n, items_n, uses_n, _ = await counts(ctx)
    assert (orders_n, items_n, uses_n) == (5, 10, 5)


async def test_per_customer_limit_holds_under_concurrency(client, ctx, admin, customer):
    await configure(ctx, tax={"calc_taxes": False})
    ebook = await product(ctx, "E-book", "10", virtual=True)
    await coupon(ctx, "TWICE", "fixed_cart", "1", usage_limit_per_user=2)
    body = {"line_items": lines((ebook, 1)), "coupon_lines": [{"code": "twice"}],
            "customer_id": customer.user.id}  # fmt: skip
    statuses = [status for status, _ in await burst(client, admin, [body] * 20)]
    assert statuses.count(201) == 2


async def test_managed_stock_holds_under_concurrency(client, ctx, admin):
    await configure(ctx, tax={"calc_taxes": False})
    lamp = await product(ctx, "Lamp", "30", manage_stock=True, stock_quantity=7)
    bodies = [{"line_items": lines((lamp, 1)), "set_paid": True}] * ATTEMPTS
    results = await burst(client, admin, bodies)
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 7 and statuses.count(400) == ATTEMPTS - 7
    assert {b["code"] for s, b in results if s == 400} == {"woocommerce_rest_product_out_of_stock"}
    found = await catalog.get_product(ctx, lamp)
    assert found["stock_quantity"] == 0 and found["total_sales"] == 7
    assert found["stock_status"] == "outofstock"
    orders_n, items_n, uses_n, notes_n = await counts(ctx)
    assert (orders_n, items_n, uses_n, notes_n) == (7, 7, 0, 7)  # one stock note each


async def test_stock_taken_by_concurrent_payments_of_pending_orders(client, ctx, admin):
    await configure(ctx, tax={"calc_taxes": False})
    lamp = await product(ctx, "Lamp", "30", manage_stock=True, stock_quantity=3)
    pending = [b for s, b in await burst(client, admin, [{"line_items": lines((lamp, 1))}] * 10)]
    assert all("id" in order for order in pending)  # pending orders take nothing yet

    async def pay(order):
        resp = await client.put(
            f"{BASE}/orders/{order['id']}", json={"status": "processing"}, headers=admin.auth
        )
        return resp.status

    statuses = await asyncio.gather(*(pay(o) for o in pending))
    assert statuses.count(200) == 3 and statuses.count(400) == 7
    assert (await catalog.get_product(ctx, lamp))["stock_quantity"] == 0
    listed = await client.get(f"{BASE}/orders?status=processing", headers=admin.auth)
    assert listed.headers["X-WP-Total"] == "3"
