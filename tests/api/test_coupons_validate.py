"""/coupons/validate and /orders/validate-coupon: the discount a valid coupon gives, or
WooCommerce's error (code and message) for the first rule that fails, in its order."""

from __future__ import annotations

import pytest
from orders_support import BASE, configure, coupon, lines, post_order, product

from service import catalog


@pytest.fixture
async def shop(ctx):
    await configure(ctx, tax={"calc_taxes": False})
    mugs = await catalog.create_category(ctx, {"name": "Mugs"})
    books = await catalog.create_category(ctx, {"name": "Books"})
    return {
        "mugs": mugs["id"],
        "books": books["id"],
        "mug": await product(ctx, "Mug", "10", categories=[{"id": mugs["id"]}]),
        "book": await product(ctx, "Novel", "20", categories=[{"id": books["id"]}]),
        "sale": await product(ctx, "Sale mug", "10", sale_price="8"),
    }


async def check(client, account, code, items, path="/coupons/validate", **extra):
    resp = await client.post(
        f"{BASE}{path}", json={"code": code, "line_items": items, **extra}, headers=account.auth
    )
    return resp.status, await resp.json()


async def refused(client, account, code, items, **extra):
    status, body = await check(client, account, code, items, **extra)
    assert status == 400, body
    assert body["code"] == "invalid_coupon"
    return body["data"]["coupon_error_code"], body["message"]


async def test_a_valid_coupon_says_what_it_takes_off(client, ctx, admin, shop):
    await coupon(ctx, "TEN", "percent", "10", free_shipping=True)
    for path in ("/coupons/validate", "/orders/validate-coupon"):
        status, body = await check(client, admin, "ten", lines((shop["mug"], 3)), path=path)
        assert status == 200, body
        assert body["valid"] is True and body["code"] == "ten"
        assert body["discount"] == "3.00" and body["discount_type"] == "percent"
        assert body["free_shipping"] is True
        assert body["totals"]["total"] == "27.00"
    assert await (await client.get(f"{BASE}/orders?status=any", headers=admin.auth)).json() == []


async def test_validate_against_an_existing_order(client, ctx, admin, shop):
    await coupon(ctx, "FIVE", "fixed_cart", "5")
    order = await post_order(client, admin, line_items=lines((shop["book"], 2)))
    status, body = await check(client, admin, "FIVE", [], order_id=order["id"])
    assert status == 200 and body["discount"] == "5.00" and body["totals"]["total"] == "35.00"


async def test_validation_order_and_messages(client, ctx, admin, shop):
    mug, book, sale = shop["mug"], shop["book"], shop["sale"]
    await coupon(ctx, "USED", "percent", "5", usage_limit=1)
    await post_order(client, admin, line_items=lines((mug, 1)), coupon_lines=[{"code": "used"}])
    await coupon(ctx, "OLD", "percent", "5", date_expires="2000-01-01", minimum_amount="999")
    await coupon(ctx, "MIN", "percent", "5", minimum_amount="50")
    await coupon(ctx, "MAX", "percent", "5", maximum_amount="15")
    await coupon(ctx, "BOOKS", "percent", "5", product_ids=[book])
    await coupon(ctx, "BOOKCAT", "fixed_cart", "1", product_categories=[shop["books"]])
    await coupon(ctx, "NOMUG", "fixed_product", "1", excluded_product_ids=[mug])
    await coupon(ctx, "NOSALE", "fixed_cart", "1", exclude_sale_items=True)
    await coupon(ctx, "CARTNOMUG", "fixed_cart", "1", excluded_product_ids=[mug])
    await coupon(ctx, "CARTNOCAT", "fixed_cart", "1", excluded_product_categories=[shop["mugs"]])
    await coupon(ctx, "STAFF", "percent", "50", email_restrictions=["*@shop.test"])

    cases = [
        ("", lines((mug, 1)), {}, 111, "Please enter a coupon code."),
        ("GHOST", lines((mug, 1)), {}, 105, 'Coupon "GHOST" does not exist!'),
        ("USED", lines((mug, 1)), {}, 106, "Coupon usage limit has been reached."),
        ("OLD", lines((mug, 1)), {}, 107, "This coupon has expired."),  # before min spend
        ("MIN", lines((mug, 1)), {}, 108, "The minimum spend for this coupon is $50.00."),
        ("MAX", lines((mug, 2)), {}, 112, "The maximum spend for this coupon is $15.00."),
        ("BOOKS", lines((mug, 1)), {}, 109,
         "Sorry, this coupon is not applicable to selected products."),
        ("BOOKCAT", lines((mug, 1)), {}, 109,
         "Sorry, this coupon is not applicable to selected products."),
        ("NOMUG", lines((mug, 1)), {}, 109,
         "Sorry, this coupon is not applicable to selected products."),
        ("NOSALE", lines((mug, 1), (sale, 1)), {}, 110,
         "Sorry, this coupon is not valid for sale items."),
        ("CARTNOMUG", lines((book, 1), (mug, 1)), {}, 113,
         "Sorry, this coupon is not applicable to the products: Mug."),
        ("CARTNOCAT", lines((book, 1), (mug, 1)), {}, 114,
         "Sorry, this coupon is not applicable to the categories: Mugs."),
        ("STAFF", lines((mug, 1)), {"email": "someone@example.com"}, 102,
         'Sorry, it seems the coupon "staff" is not yours - it has now been removed from your '
         "order."),
    ]  # fmt: skip
    for code, items, extra, error_code, message in cases:
        assert await refused(client, admin, code, items, **extra) == (error_code, message), code


async def test_email_restrictions_match_wildcards_and_billing_email(client, ctx, admin, shop):
    await coupon(ctx, "STAFF", "percent", "50", email_restrictions=["*@shop.test"])
    ok, body = await check(client, admin, "staff", lines((shop["mug"], 1)), email="Ana@Shop.test")
    assert ok == 200 and body["discount"] == "5.00"
    ok, _ = await check(
        client, admin, "staff", lines((shop["mug"], 1)), billing={"email": "bo@shop.test"}
    )
    assert ok == 200


async def test_per_user_limit_counts_the_customer_or_the_guest_email(
    client, ctx, admin, shop, customer
):
    await coupon(ctx, "ONCE", "fixed_cart", "1", usage_limit_per_user=1)
    mug = lines((shop["mug"], 1))
    await post_order(
        client, admin, line_items=mug, coupon_lines=[{"code": "once"}], customer_id=customer.user.id
    )
    await post_order(
        client, admin, line_items=mug, coupon_lines=[{"code": "once"}],
        billing={"email": "guest@example.com"},
    )  # fmt: skip
    assert (await refused(client, admin, "once", mug, customer_id=customer.user.id))[0] == 106
    assert (await refused(client, admin, "once", mug, email="GUEST@example.com"))[0] == 106
    status, _ = await check(client, admin, "once", mug, email="new@example.com")
    assert status == 200


async def test_already_applied_and_individual_use(client, ctx, admin, shop):
    await coupon(ctx, "TEN", "percent", "10")
    await coupon(ctx, "SOLO", "fixed_cart", "2", individual_use=True)
    mug = lines((shop["mug"], 2))
    code, message = await refused(client, admin, "ten", mug, coupon_lines=[{"code": "TEN"}])
    assert (code, message) == (103, 'Coupon code "ten" has already been applied.')
    status, body = await check(client, admin, "solo", mug, coupon_lines=[{"code": "TEN"}])
    assert status == 200 and body["removes"] == ["ten"] and body["totals"]["total"] == "18.00"
    code, _ = await refused(client, admin, "ten", mug, coupon_lines=[{"code": "solo"}])
    assert code == 104


async def test_code_is_required(client, admin):
    resp = await client.post(f"{BASE}/coupons/validate", json={}, headers=admin.auth)
    assert resp.status == 400
    assert (await resp.json())["code"] == "rest_missing_callback_param"
