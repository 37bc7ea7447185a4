"""--demo for orders: 150+ orders over 90 days in every status, coupons of every type,
notes; seeded once; the analytics agree with the orders."""

from __future__ import annotations

from datetime import timedelta

from service import analytics
from service.common.clock import parse_iso
from service.demo.catalog import seed_catalog
from service.demo.orders import seed_orders
from service.orders import coupons
from service.orders import crud as orders
from service.orders.input import ORDER_STATUSES
from service.orders.notes import list_notes


async def test_demo_orders_look_real_and_are_seeded_once(ctx):
    await seed_catalog(ctx)
    shown = await seed_orders(ctx)
    assert shown and shown[0].startswith("demo orders:")

    every, total = await orders.list_orders(ctx, orders.OrderFilters(per_page=100))
    assert total >= 150
    rest, _ = await orders.list_orders(ctx, orders.OrderFilters(per_page=100, page=2))
    every += rest
    assert {o["status"] for o in every} == set(ORDER_STATUSES)
    now = ctx.clock.now()
    created = [parse_iso(o["date_created"] + "Z") for o in every]
    assert all(now - timedelta(days=90) <= c <= now for c in created)
    assert max(created) - min(created) > timedelta(days=60)
    assert sum(o["customer_id"] == 0 for o in every) >= 10  # guests too
    assert sum(o["customer_note"] != "" for o in every) >= 5
    paid = [o for o in every if o["status"] in ("processing", "completed")]
    assert all(o["date_paid"] for o in paid)
    assert all(float(o["total"]) > 0 for o in paid)

    used_types = {c["discount_type"] for o in every for c in o["coupon_lines"]}
    assert used_types == {"percent", "fixed_cart", "fixed_product"}
    listed, _ = await coupons.list_coupons(ctx, coupons.CouponFilters(per_page=100))
    assert {c["discount_type"] for c in listed} == {"percent", "fixed_cart", "fixed_product"}
    assert any(c["free_shipping"] for c in listed) and any(c["date_expires"] for c in listed)
    assert any(c["usage_count"] for c in listed)

    notes = [n for o in every[:60] for n in await list_notes(ctx, o["id"])]
    assert any(n["author"] == "system" for n in notes)
    assert any(n["added_by_user"] for n in notes) or any(n["customer_note"] for n in notes)

    window = analytics.read_window({"period": "90d"}, now)
    overview = await analytics.overview(ctx, window)
    assert overview["orders"] == len(paid)
    assert overview["revenue"] == str(sum(int(o["total"]) for o in paid))

    assert await seed_orders(ctx) == []
    assert (await orders.list_orders(ctx))[1] == total
