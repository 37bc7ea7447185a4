"""Licenses issued and disabled by order status changes (the order_hooks listener)."""

from __future__ import annotations

import pytest
from license_support import licensed_product
from support import OPERATOR

from service import catalog
from service.common.clock import FrozenClock
from service.licensing import admin as licenses
from service.orders.events import OrderChange, OrderLine, order_status_changed

PAID_AT = "2026-01-01T10:00:00Z"


@pytest.fixture
def clock():
    return FrozenClock()


async def change(ctx, old, new, lines, *, order_id=7, customer_id=0, email="g@example.com"):
    async with ctx.store.transaction() as tx:
        await order_status_changed(
            ctx,
            tx,
            OrderChange(
                order_id=order_id,
                customer_id=customer_id,
                billing_email=email,
                old_status=old,
                new_status=new,
                lines=tuple(lines),
                paid_at=PAID_AT,
                now="2026-01-01T10:00:05Z",
            ),
        )


async def of_order(ctx, order_id=7):
    items, _ = await licenses.list_licenses(
        ctx, licenses.LicenseFilters(order_id=order_id, per_page=100, orderby="id", order="asc")
    )
    return items


async def test_one_license_per_unit_of_each_licensed_line(ctx, customer):
    plugin = await licensed_product(ctx, limit=3, days=30)
    lifetime = await licensed_product(ctx, name="Lifetime", limit=None, days=None)
    plain = await catalog.create_product(ctx, {"name": "Mug", "regular_price": "5"})
    lines = [
        OrderLine(1, plugin["id"], 0, 2),
        OrderLine(2, plain["id"], 0, 4),
        OrderLine(3, lifetime["id"], 0, 1),
    ]
    await change(ctx, "pending", "processing", lines, customer_id=customer.user.id)
    issued = await of_order(ctx)
    assert [i["product_id"] for i in issued] == [plugin["id"], plugin["id"], lifetime["id"]]
    first = issued[0]
    assert first["expires_at"] == "2026-01-31T10:00:00Z"  # paid_at + 30 days
    assert first["activation_limit"] == 3 and first["valid_for_days"] == 30
    assert first["customer_id"] == customer.user.id and first["order_id"] == 7
    assert first["source"] == "order" and first["status"] == "inactive"
    assert issued[2]["expires_at"] is None and issued[2]["activation_limit"] is None
    assert len({i["license_key"] for i in issued}) == 3


async def test_idempotent_and_guest_orders(ctx):
    plugin = await licensed_product(ctx)
    lines = [OrderLine(1, plugin["id"], 0, 2)]
    await change(ctx, "pending", "processing", lines)
    await change(ctx, "pending", "processing", lines)  # delivered twice
    await change(ctx, "processing", "completed", lines)  # not "became paid"
    issued = await of_order(ctx)
    assert len(issued) == 2
    assert issued[0]["customer_id"] is None and issued[0]["customer_email"] == "g@example.com"


async def test_unknown_customer_and_product_do_not_break_the_order(ctx):
    plugin = await licensed_product(ctx)
    lines = [OrderLine(1, plugin["id"], 0, 1), OrderLine(2, 424242, 0, 1)]
    await change(ctx, None, "completed", lines, customer_id=999)
    issued = await of_order(ctx)
    assert len(issued) == 1 and issued[0]["customer_id"] is None


async def test_reversal_disables_and_repayment_re_enables(ctx, client):
    plugin = await licensed_product(ctx)
    lines = [OrderLine(1, plugin["id"], 0, 1)]
    await change(ctx, "pending", "processing", lines)
    key = (await of_order(ctx))[0]["license_key"]
    resp = await client.post(
        "/wp-json/woonoow/v1/licenses/activate", json={"license_key": key, "domain": "a.com"}
    )
    assert resp.status == 201
    await change(ctx, "processing", "refunded", lines)
    (lic,) = await of_order(ctx)
    assert lic["status"] == "disabled"
    assert lic["activations"][0]["status"] == "active"  # kept
    resp = await client.post(
        "/wp-json/woonoow/v1/licenses/validate", json={"license_key": key, "domain": "a.com"}
    )
    assert (await resp.json())["code"] == "license_disabled"
    await change(ctx, "cancelled", "processing", lines)
    (lic,) = await of_order(ctx)
    assert lic["status"] == "active"


async def test_a_revoked_license_stays_revoked(ctx):
    plugin = await licensed_product(ctx)
    lines = [OrderLine(1, plugin["id"], 0, 1)]
    await change(ctx, "pending", "processing", lines)
    (lic,) = await of_order(ctx)
    await licenses.update_license(ctx, OPERATOR, lic["id"], {"status": "revoked"})
    await change(ctx, "processing", "cancelled", lines)
    await change(ctx, "cancelled", "completed", lines)
    (lic,) = await of_order(ctx)
    assert lic["status"] == "revoked"


async def test_pending_to_cancelled_changes_nothing(ctx):
    plugin = await licensed_product(ctx)
    await change(ctx, "pending", "cancelled", [OrderLine(1, plugin["id"], 0, 1)])
    assert await of_order(ctx) == []


async def test_listener_rolls_back_with_the_order(ctx):
    plugin = await licensed_product(ctx)
    with pytest.raises(RuntimeError):
        async with ctx.store.transaction() as tx:
            await order_status_changed(
                ctx,
                tx,
                OrderChange(7, 0, "", "pending", "processing", (OrderLine(1, plugin["id"], 0, 1),),
                            PAID_AT, PAID_AT),
            )  # fmt: skip
            raise RuntimeError("the order failed to save")
    assert await of_order(ctx) == []
