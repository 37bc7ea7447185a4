"""A customer's whole visit over HTTP: browse, search, fill the cart (a variation too),
apply a coupon, compare with /orders/preview, check out, find the order afterwards."""

from __future__ import annotations

from storefront_support import ADDRESS, W, coupon, setup_shop, simple, variable

from service import catalog
from service.pricing import parse_amount


def minor(text: str) -> int:
    return parse_amount(text, 2)


async def test_storefront_journey(client, ctx, admin, customer):
    await setup_shop(ctx)
    mugs = await catalog.create_category(ctx, {"name": "Mugs"})
    await simple(ctx, "Blue Mug", "12.99", categories=[{"id": mugs["id"]}])
    await simple(ctx, "Draft Mug", "1.00", status="draft", categories=[{"id": mugs["id"]}])
    await variable(ctx, "Logo Tee", "19.99", ["S", "M", "L"], ["Red", "Black"])
    await coupon(ctx, "WELCOME15", amount="15")
    me = customer.auth
    await client.post(
        f"{W}/account/addresses",
        json={"billing": {**ADDRESS, "email": "alice@example.com"}},
        headers=me,
    )

    # Browse a category and search the shop, as a visitor would.
    categories = await (await client.get(f"{W}/shop/categories")).json()
    mug_category = next(c for c in categories if c["name"] == "Mugs")
    assert mug_category["count"] == 1
    listed = await (
        await client.get(f"{W}/shop/products", params={"category": mug_category["slug"]})
    ).json()
    assert [p["name"] for p in listed] == ["Blue Mug"]
    blue_mug = listed[0]
    hits = await (await client.get(f"{W}/shop/search", params={"s": "tee"})).json()
    tee = await (await client.get(f"{W}/shop/products/{hits[0]['id']}")).json()
    assert tee["name"] == "Logo Tee" and len(tee["variations"]) == 6

    # Fill the cart: a guest first, then logged in (the guest cart merges into hers).
    resp = await client.post(f"{W}/cart/add", json={"id": blue_mug["id"], "quantity": 3})
    assert resp.status == 201
    guest_token = resp.headers["Cart-Token"]
    variation = {"id": tee["id"], "variation": {"Size": "L", "Color": "Black"}, "quantity": 2}
    resp = await client.post(
        f"{W}/cart/add", json=variation, headers={**me, "Cart-Token": guest_token}
    )
    assert resp.status == 201
    resp = await client.post(f"{W}/cart/apply-coupon", json={"code": "welcome15"}, headers=me)
    cart = await resp.json()
    assert resp.status == 200, cart
    assert {i["name"]: i["quantity"] for i in cart["items"]} == {
        "Blue Mug": 3,
        "Logo Tee - L, Black": 2,
    }
    assert [c["code"] for c in cart["coupons"]] == ["welcome15"]
    chosen_rate = next(r for r in cart["shipping_rates"][0]["shipping_rates"] if r["selected"])

    # The same items, coupon and address priced by the admin's order preview.
    line_items = [
        {
            "product_id": i["product_id"],
            "variation_id": i["variation_id"],
            "quantity": i["quantity"],
        }
        for i in cart["items"]
    ]
    method, _, instance = chosen_rate["rate_id"].partition(":")
    preview_body = {
        "customer_id": customer.user.id,
        "billing": {**ADDRESS, "email": "alice@example.com"},
        "line_items": line_items,
        "coupon_lines": [{"code": "welcome15"}],
        "shipping_lines": [{"method_id": method, "instance_id": instance}],
    }
    resp = await client.post(f"{W}/orders/preview", json=preview_body, headers=admin.auth)
    preview = await resp.json()
    assert resp.status == 200, preview
    totals = cart["totals"]
    assert int(totals["total_price"]) == minor(preview["total"])
    assert int(totals["total_discount"]) == minor(preview["discount_total"])
    assert int(totals["total_shipping"]) == minor(preview["shipping_total"])
    assert int(totals["total_tax"]) == minor(preview["total_tax"])
    assert int(totals["total_items"]) == minor(preview["subtotal"])
    for item, line in zip(cart["items"], preview["line_items"], strict=True):
        assert int(item["totals"]["line_total"]) == minor(line["total"])
        assert int(item["totals"]["line_total_tax"]) == minor(line["total_tax"])
    assert int(totals["total_discount"]) > 0 and int(totals["total_tax"]) > 0

    # Check out: a pending order with exactly those totals; the cart is empty after.
    resp = await client.post(f"{W}/cart/checkout", json={"payment_method": "cod"}, headers=me)
    placed = await resp.json()
    assert resp.status == 200, placed
    order = placed["order"]
    assert order["status"] == "pending" and order["total"] == preview["total"]
    assert [c["code"] for c in order["coupon_lines"]] == ["welcome15"]
    empty = await (await client.get(f"{W}/cart", headers=me)).json()
    assert empty["items"] == [] and empty["coupons"] == []

    # The customer sees it in her account; the shop sees it in the admin orders.
    mine = await (await client.get(f"{W}/account/orders", headers=me)).json()
    assert [o["id"] for o in mine] == [order["id"]]
    detail = await client.get(f"{W}/account/orders/{order['id']}", headers=me)
    assert (await detail.json())["total"] == preview["total"]
    admin_list = await (await client.get(f"{W}/orders", headers=admin.auth)).json()
    assert order["id"] in [o["id"] for o in admin_list]
    admin_order = await (await client.get(f"{W}/orders/{order['id']}", headers=admin.auth)).json()
    assert admin_order["customer_id"] == customer.user.id
    assert admin_order["created_via"] == "checkout"
