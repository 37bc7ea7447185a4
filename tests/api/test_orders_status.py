"""Order status: transitions, stock taken when paid and given back on cancel or refund,
never negative, total_sales, dates, system notes, order hooks; notes; order coupons."""

from __future__ import annotations

import pytest
from orders_support import BASE, configure, coupon, lines, post_order, product

from service import catalog
from service.orders import events as order_hooks


@pytest.fixture
async def shop(ctx):
    await configure(ctx, tax={"calc_taxes": False})
    return {
        "mug": await product(ctx, "Mug", "10", manage_stock=True, stock_quantity=5),
        "ebook": await product(ctx, "E-book", "4", virtual=True),
        "late": await product(
            ctx, "Backordered", "3", manage_stock=True, stock_quantity=1, backorders="yes"
        ),
    }


async def put(client, account, order_id, expect=200, **body):
    resp = await client.put(f"{BASE}/orders/{order_id}", json=body, headers=account.auth)
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def stock(ctx, product_id):
    product = await catalog.get_product(ctx, product_id)
    return product["stock_quantity"], product["total_sales"]


async def test_stock_is_taken_when_paid_and_given_back_on_cancel(client, ctx, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 2)))
    assert await stock(ctx, shop["mug"]) == (5, 0)  # pending: nothing taken yet
    paid = await put(client, admin, order["id"], status="processing")
    assert paid["date_paid"] is not None
    assert await stock(ctx, shop["mug"]) == (3, 2)
    done = await put(client, admin, order["id"], status="completed")
    assert done["date_completed"] is not None and done["date_paid"] == paid["date_paid"]
    assert await stock(ctx, shop["mug"]) == (3, 2)
    await put(client, admin, order["id"], status="refunded")
    assert await stock(ctx, shop["mug"]) == (5, 0)


async def test_cancel_before_payment_gives_nothing_back(client, ctx, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 2)))
    await put(client, admin, order["id"], status="cancelled")
    assert await stock(ctx, shop["mug"]) == (5, 0)


async def test_created_paid_takes_stock_at_once(client, ctx, admin, shop):
    await post_order(client, admin, line_items=lines((shop["mug"], 5)), status="completed")
    assert await stock(ctx, shop["mug"]) == (0, 5)
    mug = await catalog.get_product(ctx, shop["mug"])
    assert mug["stock_status"] == "outofstock"


async def test_stock_never_goes_negative_without_backorders(client, ctx, admin, shop):
    first = await post_order(client, admin, line_items=lines((shop["mug"], 4)))
    second = await post_order(client, admin, line_items=lines((shop["mug"], 3)))
    await put(client, admin, first["id"], set_paid=True)
    refused = await put(client, admin, second["id"], 400, status="processing")
    assert refused["code"] == "woocommerce_rest_product_partially_out_of_stock"
    assert refused["data"]["remaining"] == 1
    assert await stock(ctx, shop["mug"]) == (1, 4)
    still = await (await client.get(f"{BASE}/orders/{second['id']}", headers=admin.auth)).json()
    assert still["status"] == "pending" and still["date_paid"] is None
    too_many = await post_order(client, admin, 400, line_items=lines((shop["mug"], 2)))
    assert too_many["code"] == "woocommerce_rest_product_partially_out_of_stock"
    # two lines of the same product add up
    split = await post_order(
        client, admin, 400, line_items=lines((shop["mug"], 1), (shop["mug"], 1))
    )
    assert split["code"] == "woocommerce_rest_product_partially_out_of_stock"


async def test_backorders_may_go_below_zero(client, ctx, admin, shop):
    await post_order(client, admin, line_items=lines((shop["late"], 3)), set_paid=True)
    assert await stock(ctx, shop["late"]) == (-2, 3)


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (["processing"], "pending"),
        (["completed"], "processing"),
        (["completed"], "cancelled"),
        (["cancelled"], "processing"),
        (["processing", "refunded"], "completed"),
        (["failed"], "refunded"),
    ],
)
async def test_invalid_transitions_are_400_and_change_nothing(client, ctx, admin, shop, path, bad):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)))
    for status in path:
        await put(client, admin, order["id"], status=status)
    before = await stock(ctx, shop["mug"])
    error = await put(client, admin, order["id"], 400, status=bad, customer_note="changed?")
    assert error["code"] == "woocommerce_rest_invalid_order_status"
    assert error["data"]["from"] == path[-1] and error["data"]["to"] == bad
    fetched = await (await client.get(f"{BASE}/orders/{order['id']}", headers=admin.auth)).json()
    assert fetched["status"] == path[-1] and fetched["customer_note"] == ""
    assert await stock(ctx, shop["mug"]) == before


async def test_status_changes_leave_system_notes(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["mug"], 2)))
    await put(client, admin, order["id"], status="on-hold")
    await put(client, admin, order["id"], status="processing")
    notes = await (
        await client.get(f"{BASE}/orders/{order['id']}/notes", headers=admin.auth)
    ).json()
    texts = [n["note"] for n in notes]  # newest first
    assert texts == [
        "Order status changed from On hold to Processing.",
        "Stock levels reduced: Mug (5→3)",
        "Order status changed from Pending payment to On hold.",
    ]
    assert {n["author"] for n in notes} == {"system"}
    assert not any(n["customer_note"] or n["added_by_user"] for n in notes)


async def test_notes_are_added_by_the_user(client, admin, shop):
    order = await post_order(client, admin, line_items=lines((shop["ebook"], 1)))
    url = f"{BASE}/orders/{order['id']}/notes"
    resp = await client.post(
        url, json={"note": "بسته‌بندی کادویی", "customer_note": True}, headers=admin.auth
    )
    assert resp.status == 201
    note = await resp.json()
    assert note["note"] == "بسته‌بندی کادویی" and note["customer_note"] is True
    assert note["author"] == "Admin" and note["added_by_user"] is True
    assert note["date_created"] == note["date_created_gmt"]
    private = await (await client.post(url, json={"note": "called"}, headers=admin.auth)).json()
    assert private["customer_note"] is False
    listed = await (await client.get(url, headers=admin.auth)).json()
    assert [n["id"] for n in listed] == [private["id"], note["id"]]
    missing = await client.post(url, json={}, headers=admin.auth)
    assert missing.status == 400
    assert (await missing.json())["code"] == "rest_missing_callback_param"
    empty = await client.post(url, json={"note": "  "}, headers=admin.auth)
    assert empty.status == 400 and (await empty.json())["code"] == "rest_invalid_param"
    unknown = await client.post(f"{BASE}/orders/999/notes", json={"note": "x"}, headers=admin.auth)
    assert unknown.status == 404


async def test_order_hooks_get_each_change_in_the_transaction(
    client, admin, shop, customer, monkeypatch
):
    seen = []

    async def listener(ctx, tx, change):
        seen.append(change)

    monkeypatch.setattr(order_hooks, "LISTENERS", [*order_hooks.LISTENERS, listener])
    order = await post_order(
        client, admin, customer_id=customer.user.id, billing={"email": "A@Example.com"},
        line_items=lines((shop["ebook"], 2)),
    )  # fmt: skip
    await put(client, admin, order["id"], status="completed")
    created, completed = seen
    assert (created.old_status, created.new_status, created.paid_at) == (None, "pending", None)
    assert created.customer_id == customer.user.id and created.billing_email == "a@example.com"
    assert [(line.product_id, line.quantity) for line in created.lines] == [(shop["ebook"], 2)]
    assert created.lines[0].line_item_id == order["line_items"][0]["id"]
    assert (completed.old_status, completed.new_status) == ("pending", "completed")
    assert completed.became_paid and completed.paid_at and completed.now


async def test_a_failing_listener_rolls_the_change_back(client, ctx, admin, shop, monkeypatch):
    async def broken(ctx, tx, change):
        if change.new_status == "processing":
            raise RuntimeError("license server down")

    order = await post_order(client, admin, line_items=lines((shop["mug"], 1)))
    monkeypatch.setattr(order_hooks, "LISTENERS", [broken])
    resp = await client.put(
        f"{BASE}/orders/{order['id']}", json={"status": "processing"}, headers=admin.auth
    )
    assert resp.status == 500
    fetched = await (await client.get(f"{BASE}/orders/{order['id']}", headers=admin.auth)).json()
    assert fetched["status"] == "pending"
    assert await stock(ctx, shop["mug"]) == (5, 0)


async def test_customer_order_stats(client, ctx, admin, shop, customer):
    await post_order(
        client, admin, customer_id=customer.user.id, line_items=lines((shop["ebook"], 1))
    )
    await post_order(
        client, admin, customer_id=customer.user.id, line_items=lines((shop["ebook"], 3)),
        set_paid=True,
    )  # fmt: skip
    resp = await client.get(f"{BASE}/customers/{customer.user.id}", headers=admin.auth)
    listed = await resp.json()
    assert listed["orders_count"] == 2 and listed["total_spent"] == "12.00"
    assert listed["is_paying_customer"] is True


# -- the coupons of an order ---------------------------------------------------------------
async def test_coupons_change_while_pending_and_totals_follow(client, ctx, admin, shop):
    await coupon(ctx, "TEN", "percent", "10")
    await coupon(ctx, "ONE", "fixed_cart", "1")
    order = await post_order(client, admin, line_items=lines((shop["ebook"], 5)))
    url = f"{BASE}/orders/{order['id']}/coupons"
    applied = await client.post(url, json={"code": "TEN"}, headers=admin.auth)
    assert applied.status == 200
    assert (await applied.json())["total"] == "18.00"
    both = await (await client.post(url, json={"code": "one"}, headers=admin.auth)).json()
    assert both["total"] == "17.00"
    listed = await (await client.get(url, headers=admin.auth)).json()
    assert [(c["code"], c["discount"]) for c in listed] == [("ten", "2.00"), ("one", "1.00")]
    again = await client.post(url, json={"code": "Ten"}, headers=admin.auth)
    assert again.status == 400
    assert (await again.json())["message"] == 'Coupon code "ten" has already been applied.'
    unknown = await client.post(url, json={"code": "nope"}, headers=admin.auth)
    assert unknown.status == 400 and (await unknown.json())["data"]["coupon_error_code"] == 105
    removed = await client.delete(f"{url}/TEN", headers=admin.auth)
    assert removed.status == 200 and (await removed.json())["total"] == "19.00"
    not_there = await client.delete(f"{url}/TEN", headers=admin.auth)
    assert not_there.status == 404
    coupons = await (await client.get(f"{BASE}/coupons", headers=admin.auth)).json()
    assert {c["code"]: c["usage_count"] for c in coupons} == {"TEN": 0, "ONE": 1}


async def test_coupons_are_fixed_once_the_order_is_paid(client, ctx, admin, shop):
    await coupon(ctx, "TEN", "percent", "10")
    order = await post_order(
        client, admin, line_items=lines((shop["ebook"], 5)), coupon_lines=[{"code": "ten"}],
        set_paid=True,
    )  # fmt: skip
    url = f"{BASE}/orders/{order['id']}/coupons"
    add = await client.post(url, json={"code": "TEN"}, headers=admin.auth)
    assert add.status == 400
    remove = await client.delete(f"{url}/ten", headers=admin.auth)
    assert remove.status == 400
    assert (await remove.json())["code"] == "woocommerce_rest_order_not_editable"


async def test_cancelled_orders_give_their_coupon_use_back(client, ctx, admin, shop):
    coupon_id = await coupon(ctx, "ONCE", "fixed_cart", "1", usage_limit=1)
    order = await post_order(
        client, admin, line_items=lines((shop["ebook"], 1)), coupon_lines=[{"code": "ONCE"}]
    )
    refused = await post_order(
        client, admin, 400, line_items=lines((shop["ebook"], 1)), coupon_lines=[{"code": "ONCE"}]
    )
    assert refused["message"] == "Coupon usage limit has been reached."
    await put(client, admin, order["id"], status="cancelled")
    got = await (await client.get(f"{BASE}/coupons/{coupon_id}", headers=admin.auth)).json()
    assert got["usage_count"] == 0 and got["used_by"] == []
    await post_order(
        client, admin, line_items=lines((shop["ebook"], 1)), coupon_lines=[{"code": "ONCE"}]
    )
