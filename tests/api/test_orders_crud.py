"""/orders and /orders/{id}: WooCommerce fields, create/read/update/trash/delete, list
filters and pagination, permissions, and bad input answered in WordPress's shape with
nothing written."""

from __future__ import annotations

import pytest
from orders_support import BASE, US, configure, coupon, lines, post_order, product

from service import catalog


@pytest.fixture
async def shop(ctx):
    await configure(ctx, tax={"calc_taxes": False})
    return {
        "mug": await product(ctx, "ماگ سرامیکی", "10", sku="MUG-1"),
        "pen": await product(ctx, "Pen", "2.5", manage_stock=True, stock_quantity=5),
    }


async def test_create_returns_201_location_and_woocommerce_fields(
    client, admin, shop, settings, customer
):
    resp = await client.post(
        f"{BASE}/orders",
        json={
            "customer_id": customer.user.id,
            "billing": {**US, "phone": "+1 555"},
            "shipping": {"first_name": "Ada", "country": "us"},
            "line_items": lines((shop["mug"], 2), (shop["pen"], 1)),
            "payment_method": "bacs",
            "customer_note": "Leave it at the door",
            "total": "0.01",  # read-only: the server prices the order
            "line_items_total": "1",
        },
        headers=admin.auth,
    )
    assert resp.status == 201, await resp.text()
    order = await resp.json()
    assert resp.headers["Location"] == f"{settings.base_url}{BASE}/orders/{order['id']}"
    assert order["number"] == str(order["id"]) and order["order_key"].startswith("wc_order_")
    assert order["status"] == "pending" and order["currency"] == "USD"
    assert order["customer_id"] == customer.user.id
    assert order["total"] == "22.50" and order["discount_total"] == "0.00"
    assert order["billing"]["phone"] == "+1 555" and order["billing"]["company"] == ""
    assert order["shipping"]["country"] == "US"
    assert order["payment_method_title"] == "Direct bank transfer"
    assert order["customer_note"] == "Leave it at the door"
    assert order["date_paid"] is None and order["date_completed"] is None
    assert order["is_editable"] is True and order["needs_payment"] is True
    mug = order["line_items"][0]
    assert (mug["name"], mug["sku"], mug["quantity"], mug["price"]) == (
        "ماگ سرامیکی",
        "MUG-1",
        2,
        10.0,
    )
    assert (mug["subtotal"], mug["total"]) == ("20.00", "20.00")
    assert order["fee_lines"] == [] and order["refunds"] == []
    fetched = await client.get(f"{BASE}/orders/{order['id']}", headers=admin.auth)
    assert await fetched.json() == order


async def test_line_items_keep_their_prices_when_the_catalog_changes(ctx, client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)), set_paid=True)
    await catalog.update_product(ctx, shop["mug"], {"regular_price": "99", "name": "Renamed"})
    fetched = await (await client.get(f"{BASE}/orders/{order['id']}", headers=admin.auth)).json()
    assert fetched["line_items"][0]["total"] == "10.00"
    assert fetched["line_items"][0]["name"] == "ماگ سرامیکی"
    assert fetched["total"] == "10.00"


async def test_permissions(client, shop, customer):
    assert (await client.get(f"{BASE}/orders")).status == 401
    forbidden = await client.get(f"{BASE}/orders", headers=customer.auth)
    assert forbidden.status == 403
    assert (await forbidden.json())["code"] == "woocommerce_rest_cannot_view"
    created = await client.post(f"{BASE}/orders", json={}, headers=customer.auth)
    assert created.status == 403
    for path in ("/orders/preview", "/coupons/validate", "/analytics/overview"):
        method = client.get if path.startswith("/analytics") else client.post
        assert (await method(f"{BASE}{path}", json={})).status == 401


async def test_manager_can_manage_orders(client, manager, shop):
    order = await post_order(client, manager, line_items=lines((shop["pen"], 1)))
    assert order["total"] == "2.50"


async def test_unknown_order_is_404(client, admin):
    for method, path in (
        ("get", "/orders/999"),
        ("put", "/orders/999"),
        ("delete", "/orders/999"),
        ("get", "/orders/999/notes"),
        ("get", "/orders/99999999999999999999999"),
    ):
        resp = await getattr(client, method)(f"{BASE}{path}", json={}, headers=admin.auth)
        assert resp.status == 404, path
        assert (await resp.json())["code"] == "woocommerce_rest_shop_order_invalid_id"


async def test_update_addresses_note_and_payment(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)), billing=US)
    resp = await client.put(
        f"{BASE}/orders/{order['id']}",
        json={"billing": {"city": "Pasadena"}, "customer_note": "ring twice",
              "payment_method": "cod", "transaction_id": "T-1"},
        headers=admin.auth,
    )  # fmt: skip
    assert resp.status == 200
    updated = await resp.json()
    assert updated["billing"]["city"] == "Pasadena" and updated["billing"]["email"] == US["email"]
    assert updated["customer_note"] == "ring twice" and updated["transaction_id"] == "T-1"
    assert updated["payment_method_title"] == "Cash on delivery"


async def test_pending_order_items_can_be_replaced_and_are_priced_again(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)))
    resp = await client.put(
        f"{BASE}/orders/{order['id']}",
        json={"line_items": lines((shop["pen"], 2), (shop["mug"], 3))},
        headers=admin.auth,
    )
    updated = await resp.json()
    assert [(i["product_id"], i["quantity"]) for i in updated["line_items"]] == [
        (shop["pen"], 2), (shop["mug"], 3),
    ]  # fmt: skip
    assert updated["total"] == "35.00"


async def test_paid_order_items_cannot_change(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)), set_paid=True)
    assert order["status"] == "processing" and order["date_paid"] is not None
    resp = await client.put(
        f"{BASE}/orders/{order['id']}", json={"line_items": lines((shop["mug"], 5))},
        headers=admin.auth,
    )  # fmt: skip
    assert resp.status == 400
    assert (await resp.json())["code"] == "woocommerce_rest_order_not_editable"


async def test_trash_then_410_then_force_delete(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)))
    url = f"{BASE}/orders/{order['id']}"
    trashed = await client.delete(url, headers=admin.auth)
    assert trashed.status == 200 and (await trashed.json())["status"] == "trash"
    listed = await (await client.get(f"{BASE}/orders", headers=admin.auth)).json()
    assert listed == []
    in_trash = await client.get(f"{BASE}/orders?status=trash", headers=admin.auth)
    assert [o["id"] for o in await in_trash.json()] == [order["id"]]
    again = await client.delete(url, headers=admin.auth)
    assert again.status == 410
    assert (await again.json())["code"] == "woocommerce_rest_already_trashed"
    edit = await client.put(url, json={"status": "processing"}, headers=admin.auth)
    assert edit.status == 400
    gone = await client.delete(f"{url}?force=true", headers=admin.auth)
    assert gone.status == 200 and (await gone.json())["id"] == order["id"]
    assert (await client.get(url, headers=admin.auth)).status == 404


async def test_list_filters_and_pagination(client, ctx, admin, shop, customer):
    made = []
    for i in range(5):
        body = {"line_items": lines((shop["mug"] if i % 2 else shop["pen"], 1))}
        if i < 2:
            body["customer_id"] = customer.user.id
        if i == 4:
            body["billing"] = {"first_name": "Zhaleh", "last_name": "Karimi", "email": "z@ex.ir"}
        if i in (1, 3):
            body["set_paid"] = True
        made.append(await post_order(client, admin, **body))

    async def ids(query):
        resp = await client.get(f"{BASE}/orders?{query}", headers=admin.auth)
        assert resp.status == 200, await resp.text()
        return [o["id"] for o in await resp.json()], resp.headers

    newest_first = [o["id"] for o in reversed(made)]
    assert (await ids(""))[0] == newest_first
    assert (await ids("status=processing"))[0] == [made[3]["id"], made[1]["id"]]
    assert (await ids("status=pending,processing"))[0] == newest_first
    assert (await ids(f"customer={customer.user.id}"))[0] == [made[1]["id"], made[0]["id"]]
    assert len((await ids("customer=0"))[0]) == 3
    assert (await ids(f"product={shop['mug']}"))[0] == [made[3]["id"], made[1]["id"]]
    assert (await ids("search=zhaleh"))[0] == [made[4]["id"]]
    assert made[2]["id"] in (await ids(f"search={made[2]['id']}"))[0]
    assert (await ids(f"search=%23{made[2]['id']}"))[0] == [made[2]["id"]]
    assert (await ids("search=pen"))[0] == [made[4]["id"], made[2]["id"], made[0]["id"]]
    assert (await ids("after=2000-01-01&before=2999-01-01"))[0] == newest_first
    assert (await ids("before=2000-01-01"))[0] == []
    page, headers = await ids("per_page=2&page=2&order=asc")
    assert page == [made[2]["id"], made[3]["id"]]
    assert headers["X-WP-Total"] == "5" and headers["X-WP-TotalPages"] == "3"
    assert 'rel="prev"' in headers["Link"] and 'rel="next"' in headers["Link"]
    past, headers = await ids("page=9")
    assert past == [] and headers["X-WP-Total"] == "5"
    bad = await client.get(f"{BASE}/orders?per_page=101", headers=admin.auth)
    assert bad.status == 400 and (await bad.json())["code"] == "rest_invalid_param"
    bad = await client.get(f"{BASE}/orders?status=shipped", headers=admin.auth)
    assert bad.status == 400 and "status" in (await bad.json())["data"]["params"]


BAD_BODIES = [
    ("unknown product", {"line_items": [{"product_id": 999, "quantity": 1}]},
     "woocommerce_rest_invalid_product_id"),
    ("quantity 0", {"line_items": [{"product_id": "MUG", "quantity": 0}]}, "rest_invalid_param"),
    ("negative quantity", {"line_items": [{"product_id": "MUG", "quantity": -2}]},
     "rest_invalid_param"),
    ("fractional quantity", {"line_items": [{"product_id": "MUG", "quantity": 1.5}]},
     "rest_invalid_param"),
    ("text quantity", {"line_items": [{"product_id": "MUG", "quantity": "two"}]},
     "rest_invalid_param"),
    ("no product", {"line_items": [{"quantity": 1}]}, "rest_invalid_param"),
    ("unknown coupon", {"line_items": [{"product_id": "MUG", "quantity": 1}],
                        "coupon_lines": [{"code": "NOPE"}]}, "invalid_coupon"),
    ("unknown status", {"status": "shipped"}, "rest_invalid_param"),
    ("other currency", {"currency": "EUR"}, "rest_invalid_param"),
    ("fees", {"fee_lines": [{"name": "Gift wrap", "total": "5"}]}, "rest_invalid_param"),
    ("unknown customer", {"customer_id": 4242}, "woocommerce_rest_invalid_customer_id"),
    ("bad email", {"billing": {"email": "not-an-email"}}, "rest_invalid_param"),
    ("two shipping lines", {"shipping_lines": [{"method_id": "a"}, {"method_id": "b"}]},
     "rest_invalid_param"),
    ("not an object", {"line_items": ["MUG"]}, "rest_invalid_param"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "body", "code"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
async def test_bad_input_is_a_clear_400_and_writes_nothing(
    client, ctx, admin, shop, label, body, code
):
    await coupon(ctx, "REAL", "percent", "10")
    for item in body.get("line_items", []):
        if isinstance(item, dict) and item.get("product_id") == "MUG":
            item["product_id"] = shop["mug"]
    resp = await client.post(f"{BASE}/orders", json=body, headers=admin.auth)
    error = await resp.json()
    assert resp.status == 400, error
    assert error["code"] == code and error["message"] and error["data"]["status"] == 400
    if code == "rest_invalid_param":
        assert error["data"]["params"]
    assert await (await client.get(f"{BASE}/orders?status=any", headers=admin.auth)).json() == []
    pen = await catalog.get_product(ctx, shop["pen"])
    assert pen["stock_quantity"] == 5


async def test_variation_lines_name_the_variation(client, ctx, admin):
    await configure(ctx, tax={"calc_taxes": False})
    shirt = await catalog.create_product(
        ctx,
        {
            "name": "Shirt",
            "type": "variable",
            "attributes": [{"name": "Size", "variation": True, "options": ["S", "M"]}],
            "variations": [
                {"sku": f"SH-{size}", "regular_price": price,
                 "attributes": [{"name": "Size", "option": size}]}
                for size, price in (("S", "10"), ("M", "12"))
            ],
        },
    )  # fmt: skip
    small = shirt["variations"][0]["id"] if isinstance(shirt["variations"][0], dict) else None
    small = small or shirt["variations"][0]
    order = await post_order(
        client,
        admin,
        line_items=[{"product_id": shirt["id"], "variation_id": small, "quantity": 2}],
    )
    line = order["line_items"][0]
    assert (line["name"], line["sku"], line["total"]) == ("Shirt - S", "SH-S", "20.00")
    whole = await post_order(
        client, admin, 400, line_items=[{"product_id": shirt["id"], "quantity": 1}]
    )
    assert whole["code"] == "woocommerce_rest_product_not_purchasable"
    wrong = await post_order(
        client,
        admin,
        400,
        line_items=[{"product_id": shirt["id"], "variation_id": 9999, "quantity": 1}],
    )
    assert wrong["code"] == "woocommerce_rest_invalid_product_id"
