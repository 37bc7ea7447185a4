"""Licenses follow an order through the orders API: paid -> issued, refunded -> disabled."""

from __future__ import annotations

import pytest
from license_support import BASE, licensed_product, post

from service.app.assembly import build_registry


def orders_api() -> bool:
    return build_registry().match("/woonoow/v1/orders", "POST") is not None


# The orders capability is built alongside; until POST /orders exists this waits.
pytestmark = pytest.mark.skipif(not orders_api(), reason="the orders API has not landed yet")


async def test_paying_an_order_issues_licenses_and_a_refund_disables_them(
    client, ctx, manager, customer
):
    plugin = await licensed_product(ctx, limit=1, days=365)
    status, order = await post(
        client,
        "/orders",
        {
            "customer_id": customer.user.id,
            "billing": {"email": "alice@example.com", "country": "US"},
            "line_items": [{"product_id": plugin["id"], "quantity": 2}],
        },
        manager.auth,
    )
    assert status == 201, order
    assert order["status"] == "pending"

    async def order_licenses():
        resp = await client.get(
            f"{BASE}/licenses", params={"order_id": order["id"]}, headers=manager.auth
        )
        return await resp.json()

    assert await order_licenses() == []
    for _ in range(2):  # a repeated update issues nothing more
        resp = await client.put(
            f"{BASE}/orders/{order['id']}", json={"status": "processing"}, headers=manager.auth
        )
        assert resp.status == 200, await resp.text()
    issued = await order_licenses()
    assert len(issued) == 2
    assert {i["customer_id"] for i in issued} == {customer.user.id}
    assert all(i["status"] == "inactive" and i["activation_limit"] == 1 for i in issued)
    key = issued[0]["license_key"]
    status, _ = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    assert status == 201

    resp = await client.put(
        f"{BASE}/orders/{order['id']}", json={"status": "refunded"}, headers=manager.auth
    )
    assert resp.status == 200, await resp.text()
    assert {i["status"] for i in await order_licenses()} == {"disabled"}
    _, verdict = await post(client, "/licenses/validate", {"license_key": key, "domain": "a.com"})
    assert verdict["code"] == "license_disabled"
