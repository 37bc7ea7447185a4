"""Checkout: the cart becomes a pending order with the same totals, atomically."""

from __future__ import annotations

import asyncio

from storefront_support import ADDRESS, W, coupon, setup_shop, simple, token_of

from service import catalog
from service.orders import crud as orders

GUEST = {"billing_address": {**ADDRESS, "email": "guest@example.com"}}


async def _add(client, product_id, token=None, auth=None, quantity=1):
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    resp = await client.post(
        f"{W}/cart/add", json={"id": product_id, "quantity": quantity}, headers=headers
    )
    assert resp.status == 201, await resp.text()
    return token_of(resp)


async def _post(client, action, body, token=None, auth=None):
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    resp = await client.post(f"{W}/cart/{action}", json=body, headers=headers)
    return resp, await resp.json()


async def test_guest_checkout_places_a_pending_order_with_the_cart_totals(client, ctx, admin):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "12.00")
    token = await _add(client, mug["id"], quantity=2)
    _, cart = await _post(client, "update-customer", GUEST, token)
    resp, placed = await _post(
        client, "checkout", {"payment_method": "cod", "customer_note": "ring twice"}, token
    )
    assert resp.status == 200, placed
    order = placed["order"]
    assert placed["status"] == order["status"] == "pending"
    assert order["created_via"] == "checkout" and order["customer_id"] == 0
    assert order["billing"]["email"] == "guest@example.com"
    assert order["payment_method"] == "cod" and order["customer_note"] == "ring twice"
    assert order["total"] == "31.90"  # 24.00 + 5.00 shipping + 10% tax on both
    assert int(cart["totals"]["total_price"]) == 3190
    assert [(i["name"], i["quantity"]) for i in order["line_items"]] == [("Mug", 2)]
    assert order["shipping_lines"][0]["method_title"] == "Courier"
    admin_view = await client.get(f"{W}/orders/{order['id']}", headers=admin.auth)
    assert (await admin_view.json())["total"] == "31.90"
    _, emptied = await _post(client, "update-customer", {}, token)
    assert emptied["items"] == [] and emptied["coupons"] == []


async def test_empty_cart_missing_email_and_bad_payment_method(client, ctx):
    await setup_shop(ctx)
    resp, body = await _post(client, "checkout", GUEST)
    assert resp.status == 400 and body["code"] == "woocommerce_rest_cart_empty"
    mug = await simple(ctx, "Mug", "12.00")
    token = await _add(client, mug["id"])
    resp, body = await _post(client, "checkout", {"payment_method": "cod"}, token)
    assert resp.status == 400 and body["code"] == "rest_invalid_param"
    assert "billing_address" in body["data"]["params"]
    resp, body = await _post(client, "checkout", {**GUEST, "payment_method": "bitcoin"}, token)
    assert resp.status == 400
    assert body["code"] == "woocommerce_rest_checkout_invalid_payment_method"
    resp, body = await _post(client, "checkout", GUEST, token)
    assert resp.status == 400
    assert body["code"] == "woocommerce_rest_checkout_missing_payment_method"
    _, cart = await _post(client, "update-customer", {}, token)
    assert len(cart["items"]) == 1  # nothing was placed


async def test_stock_gone_since_adding_refuses_the_order(client, ctx):
    await setup_shop(ctx)
    few = await simple(ctx, "Few", "5.00", manage_stock=True, stock_quantity=3)
    token = await _add(client, few["id"], quantity=3)
    await catalog.update_product(ctx, few["id"], {"stock_quantity": 1})
    resp, body = await _post(client, "checkout", {**GUEST, "payment_method": "cod"}, token)
    assert resp.status == 409, body
    assert body["code"] == "woocommerce_stock_availability_error"
    assert body["data"]["cart"]["errors"][0]["code"] == "woocommerce_rest_product_out_of_stock"
    assert (await orders.list_orders(ctx))[1] == 0


async def test_a_coupon_used_up_by_another_checkout_is_taken_off(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "20.00")
    await coupon(ctx, "ONCE", usage_limit=1)
    tokens = []
    for _ in range(2):
        token = await _add(client, mug["id"])
        resp, _ = await _post(client, "apply-coupon", {"code": "once"}, token)
        assert resp.status == 200
        tokens.append(token)
    body = {**GUEST, "payment_method": "cod"}
    results = await asyncio.gather(*[_post(client, "checkout", body, t) for t in tokens])
    statuses = sorted(r.status for r, _ in results)
    assert statuses == [200, 409]
    refused = next(b for r, b in results if r.status == 409)
    assert refused["code"] == "woocommerce_coupons_error"
    assert refused["data"]["cart"]["coupons"] == []
    assert "usage limit" in refused["message"]
