"""Golden order totals through the API: every coupon type, several coupons, individual use,
cent-exact rounding, sale items, spend limits, inclusive/exclusive/compound tax, free
shipping by coupon and by minimum. The arithmetic behind each figure is in the comments.
Preview prices the same body to the same figures without saving."""

from __future__ import annotations

import pytest
from orders_support import BASE, US, configure, coupon, flat_rate_shop, lines, post_order, product

NO_TAX = {"tax": {"calc_taxes": False}}


def money(order, *keys):
    return tuple(order[k] for k in keys)


def line_totals(order):
    return [line["total"] for line in order["line_items"]]


def discounts(order):
    return {c["code"]: c["discount"] for c in order["coupon_lines"]}


async def test_percent_coupon(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "TEN", "percent", "10")
    order = await post_order(
        client, admin, line_items=lines((mug, 2)), coupon_lines=[{"code": "ten"}]
    )
    # 2 x 10.00 = 20.00; 10% = 2.00
    assert money(order, "discount_total", "total") == ("2.00", "18.00")
    assert order["line_items"][0]["subtotal"] == "20.00"
    assert line_totals(order) == ["18.00"]
    assert discounts(order) == {"ten": "2.00"}
    assert order["coupon_lines"][0]["discount_type"] == "percent"


async def test_fixed_product_coupon_only_on_its_products_and_capped_at_the_price(
    client, ctx, admin
):
    await configure(ctx, **NO_TAX)
    mug = await product(ctx, "Mug", "10")
    pin = await product(ctx, "Pin", "2")
    await coupon(ctx, "THREE", "fixed_product", "3", product_ids=[mug, pin])
    other = await product(ctx, "Book", "5")
    order = await post_order(
        client, admin, line_items=lines((mug, 2), (pin, 1), (other, 1)),
        coupon_lines=[{"code": "THREE"}],
    )  # fmt: skip
    # mug: 3.00 x 2 = 6.00; pin: 3.00 capped at its 2.00; the book is not listed
    assert line_totals(order) == ["14.00", "0.00", "5.00"]
    assert money(order, "discount_total", "total") == ("8.00", "19.00")


async def test_fixed_cart_is_split_per_unit_and_the_remainder_cent_by_cent(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    lamp = await product(ctx, "Lamp", "10")
    cup = await product(ctx, "Cup", "5")
    await coupon(ctx, "FIVE", "fixed_cart", "5")
    order = await post_order(
        client, admin, line_items=lines((lamp, 1), (cup, 2)), coupon_lines=[{"code": "five"}]
    )
    # 500 / 3 units = 166 each: lamp 166, cup 332; the 2 cents left go one per unit to the
    # line WooCommerce sorts first (price x quantity: cup 10.00 x 2 > lamp 10.00 x 1).
    assert line_totals(order) == ["8.34", "6.66"]
    assert money(order, "discount_total", "total") == ("5.00", "15.00")


async def test_fixed_cart_never_exceeds_the_items(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    pen = await product(ctx, "Pen", "3.33")
    await coupon(ctx, "TENOFF", "fixed_cart", "10")
    order = await post_order(
        client, admin, line_items=lines((pen, 3)), coupon_lines=[{"code": "tenoff"}]
    )
    assert money(order, "discount_total", "total") == ("9.99", "0.00")


async def test_percent_rounding_is_distributed_to_the_cent(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    ids = [await product(ctx, f"Item {i}", "3.33") for i in range(3)]
    await coupon(ctx, "P15", "percent", "15")
    order = await post_order(
        client, admin, line_items=lines(*((i, 1) for i in ids)), coupon_lines=[{"code": "p15"}]
    )
    # floor(3.33 x 15%) = 0.49 per line = 1.47; the order's 15% of 9.99 = 1.4985 -> 1.50:
    # the 3 missing cents go one per line.
    assert line_totals(order) == ["2.83", "2.83", "2.83"]
    assert money(order, "discount_total", "total") == ("1.50", "8.49")


async def test_several_coupons_each_discount_the_original_price(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "TEN", "percent", "10")
    await coupon(ctx, "FIVE", "fixed_cart", "5")
    order = await post_order(
        client, admin, line_items=lines((mug, 2)),
        coupon_lines=[{"code": "FIVE"}, {"code": "TEN"}],
    )  # fmt: skip
    # percent first (WooCommerce's order): 2.00; then 5.00 fixed: 7.00 off 20.00
    assert discounts(order) == {"five": "5.00", "ten": "2.00"}
    assert money(order, "discount_total", "total") == ("7.00", "13.00")


async def test_individual_use_pushes_earlier_coupons_out_and_refuses_later_ones(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "TEN", "percent", "10")
    await coupon(ctx, "SOLO", "fixed_cart", "3", individual_use=True)
    order = await post_order(
        client, admin, line_items=lines((mug, 2)), coupon_lines=[{"code": "TEN"}, {"code": "SOLO"}]
    )
    assert discounts(order) == {"solo": "3.00"}
    assert order["total"] == "17.00"

    refused = await post_order(
        client, admin, 400, line_items=lines((mug, 2)),
        coupon_lines=[{"code": "SOLO"}, {"code": "TEN"}],
    )  # fmt: skip
    assert refused["code"] == "invalid_coupon"
    assert refused["message"] == (
        '"solo" has already been applied and cannot be used in conjunction with other coupons.'
    )
    assert refused["data"]["coupon_error_code"] == 104


async def test_sale_items_are_left_out_or_refuse_a_cart_coupon(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    sale = await product(ctx, "Sale", "10", sale_price="8")
    full = await product(ctx, "Full", "10")
    await coupon(ctx, "HALF", "percent", "50", exclude_sale_items=True)
    await coupon(ctx, "CART", "fixed_cart", "1", exclude_sale_items=True)
    order = await post_order(
        client, admin, line_items=lines((sale, 1), (full, 1)), coupon_lines=[{"code": "half"}]
    )
    assert line_totals(order) == ["8.00", "5.00"]  # only the full-price line is halved
    assert order["total"] == "13.00"
    refused = await post_order(
        client, admin, 400, line_items=lines((sale, 1), (full, 1)), coupon_lines=[{"code": "cart"}]
    )
    assert refused["message"] == "Sorry, this coupon is not valid for sale items."
    assert refused["data"]["coupon_error_code"] == 110


@pytest.mark.parametrize(
    ("quantity", "price", "ok"),
    [(2, "10", True), (1, "19.99", False)],
)
async def test_minimum_spend_boundary(client, ctx, admin, quantity, price, ok):
    await configure(ctx, **NO_TAX)
    item = await product(ctx, "Thing", price)
    await coupon(ctx, "MIN20", "fixed_cart", "1", minimum_amount="20")
    body = {"line_items": lines((item, quantity)), "coupon_lines": [{"code": "min20"}]}
    result = await post_order(client, admin, 201 if ok else 400, **body)
    if ok:  # exactly 20.00 passes
        assert result["discount_total"] == "1.00"
    else:
        assert result["message"] == "The minimum spend for this coupon is $20.00."
        assert result["data"]["coupon_error_code"] == 108


@pytest.mark.parametrize(("price", "ok"), [("20", True), ("20.01", False)])
async def test_maximum_spend_boundary(client, ctx, admin, price, ok):
    await configure(ctx, **NO_TAX)
    item = await product(ctx, "Thing", price)
    await coupon(ctx, "MAX20", "percent", "10", maximum_amount="20")
    body = {"line_items": lines((item, 1)), "coupon_lines": [{"code": "max20"}]}
    result = await post_order(client, admin, 201 if ok else 400, **body)
    if ok:
        assert result["total"] == "18.00"
    else:
        assert result["message"] == "The maximum spend for this coupon is $20.00."


async def test_tax_exclusive_with_shipping(client, ctx, admin):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "TEN", "percent", "10")
    order = await post_order(
        client, admin, line_items=lines((mug, 2)), coupon_lines=[{"code": "ten"}], billing=US
    )
    # items 20.00 - 2.00 = 18.00, tax 10% = 1.80; flat rate 5.00 + 0.50 tax
    assert money(order, "discount_total", "discount_tax", "cart_tax") == ("2.00", "0.20", "1.80")
    assert money(order, "shipping_total", "shipping_tax", "total_tax") == ("5.00", "0.50", "2.30")
    assert order["total"] == "25.30"
    assert order["line_items"][0]["taxes"] == [{"id": 1, "total": "1.80", "subtotal": "2.00"}]
    tax = order["tax_lines"][0]
    assert (tax["rate_code"], tax["tax_total"], tax["shipping_tax_total"]) == (
        "US-TAX-1", "1.80", "0.50",
    )  # fmt: skip
    assert order["shipping_lines"][0]["method_id"] == "flat_rate"


async def test_tax_inclusive_prices_keep_the_price_and_take_the_tax_out(client, ctx, admin):
    await flat_rate_shop(ctx, incl=True)
    ebook = await product(ctx, "E-book", "11", virtual=True)
    await coupon(ctx, "TEN", "percent", "10")
    plain = await post_order(client, admin, line_items=lines((ebook, 1)), billing=US)
    # 11.00 includes 10%: 10.00 + 1.00 tax; nothing to ship
    assert money(plain, "total", "total_tax", "shipping_total") == ("11.00", "1.00", "0.00")
    assert plain["line_items"][0]["subtotal"] == "10.00"
    assert plain["prices_include_tax"] is True
    discounted = await post_order(
        client, admin, line_items=lines((ebook, 1)), coupon_lines=[{"code": "ten"}], billing=US
    )
    # 10% off 11.00 = 1.10 -> 9.90 paid, of which 0.90 tax
    assert money(discounted, "discount_total", "discount_tax") == ("1.00", "0.10")
    assert money(discounted, "total", "total_tax") == ("9.90", "0.90")


async def test_compound_tax(client, ctx, admin):
    await configure(
        ctx,
        tax={
            "calc_taxes": True,
            "rates": [
                {"country": "US", "rate": "10", "name": "State", "priority": 1},
                {"country": "US", "rate": "5", "name": "City", "priority": 2, "compound": True},
            ],
        },
    )
    desk = await product(ctx, "Desk", "100", virtual=True)
    order = await post_order(client, admin, line_items=lines((desk, 1)), billing=US)
    # 10.00 on 100.00, then 5% of 110.00 = 5.50
    assert [(t["label"], t["tax_total"], t["compound"]) for t in order["tax_lines"]] == [
        ("State", "10.00", False),
        ("City", "5.50", True),
    ]
    assert money(order, "total_tax", "total") == ("15.50", "115.50")


async def test_free_shipping_by_coupon(client, ctx, admin):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "SHIPFREE", "fixed_cart", "0", free_shipping=True)
    free = [{"method_id": "free_shipping"}]
    refused = await post_order(
        client, admin, 400, line_items=lines((mug, 5)), billing=US, shipping_lines=free
    )
    assert refused["code"] == "rest_invalid_param" and "shipping_lines" in refused["data"]["params"]
    order = await post_order(
        client, admin, line_items=lines((mug, 5)), billing=US, shipping_lines=free,
        coupon_lines=[{"code": "shipfree"}],
    )  # fmt: skip
    assert money(order, "shipping_total", "shipping_tax") == ("0.00", "0.00")
    assert order["shipping_lines"][0]["method_id"] == "free_shipping"
    assert order["total"] == "55.00"  # 50.00 + 5.00 tax


async def test_free_shipping_by_minimum_amount_after_discounts(client, ctx, admin):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10")
    await coupon(ctx, "TEN", "percent", "10")
    free = [{"method_id": "free_shipping"}]
    order = await post_order(
        client, admin, line_items=lines((mug, 10)), billing=US, shipping_lines=free
    )
    assert order["shipping_total"] == "0.00" and order["total"] == "110.00"
    # 100.00 less a 10.00 discount is under the minimum: free shipping is not offered
    refused = await post_order(
        client, admin, 400, line_items=lines((mug, 10)), billing=US, shipping_lines=free,
        coupon_lines=[{"code": "ten"}],
    )  # fmt: skip
    assert refused["code"] == "rest_invalid_param"


async def test_calculate_shipping_lists_the_rates_for_an_address(client, ctx, admin):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10")

    async def rates(quantity, address):
        resp = await client.post(
            f"{BASE}/orders/calculate-shipping",
            json={"line_items": lines((mug, quantity)), "shipping": address},
            headers=admin.auth,
        )
        assert resp.status == 200
        return await resp.json()

    small = await rates(1, US)
    assert [r["id"] for r in small["rates"]] == ["flat_rate:1"]
    assert small["rates"][0]["cost"] == "5.00" and small["rates"][0]["total_tax"] == "0.50"
    assert small["zone"]["name"] == "US"
    assert [r["method_id"] for r in (await rates(10, US))["rates"]] == [
        "flat_rate", "free_shipping",
    ]  # fmt: skip
    assert (await rates(1, {"country": "FR"}))["rates"] == []


async def test_preview_prices_like_the_order_and_saves_nothing(client, ctx, admin):
    await flat_rate_shop(ctx)
    mug = await product(ctx, "Mug", "10", manage_stock=True, stock_quantity=5)
    pen = await product(ctx, "Pen", "3.33")
    await coupon(ctx, "TEN", "percent", "10")
    await coupon(ctx, "ONE", "fixed_cart", "1")
    body = {
        "line_items": lines((mug, 2), (pen, 3)),
        "coupon_lines": [{"code": "TEN"}, {"code": "ONE"}],
        "billing": US,
    }
    resp = await client.post(f"{BASE}/orders/preview", json=body, headers=admin.auth)
    assert resp.status == 200
    preview = await resp.json()
    listed = await client.get(f"{BASE}/orders", headers=admin.auth)
    assert await listed.json() == []
    order = await post_order(client, admin, **body)
    keys = ("discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax",
            "total_tax", "total")  # fmt: skip
    assert money(preview, *keys) == money(order, *keys)
    assert [line["total"] for line in preview["line_items"]] == line_totals(order)
    assert preview["shipping_rates"][0]["id"] == "flat_rate:1"


async def test_preview_refuses_what_the_order_would(client, ctx, admin):
    await configure(ctx, **NO_TAX)
    mug = await product(ctx, "Mug", "10")
    resp = await client.post(
        f"{BASE}/orders/preview",
        json={"line_items": lines((mug, 1)), "coupon_lines": [{"code": "nope"}]},
        headers=admin.auth,
    )
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "invalid_coupon" and body["message"] == 'Coupon "nope" does not exist!'
