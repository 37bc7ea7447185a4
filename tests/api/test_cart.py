"""The cart: items keyed and merged, WooCommerce's errors, coupons, shipping, totals."""

from __future__ import annotations

from storefront_support import (
    ADDRESS,
    W,
    coupon,
    setup_shop,
    simple,
    variable,
    variation_id,
)

from service import catalog


class Shopper:
    """A client that keeps its Cart-Token, as a storefront does."""

    def __init__(self, client, auth: dict[str, str] | None = None) -> None:
        self.client = client
        self.token: str | None = None
        self.auth = auth or {}

    def headers(self) -> dict[str, str]:
        return {**self.auth, **({"Cart-Token": self.token} if self.token else {})}

    async def get(self):
        resp = await self.client.get(f"{W}/cart", headers=self.headers())
        self.token = resp.headers.get("Cart-Token", self.token)
        return resp

    async def post(self, action: str, body: dict):
        resp = await self.client.post(f"{W}/cart/{action}", json=body, headers=self.headers())
        self.token = resp.headers.get("Cart-Token", self.token)
        return resp


async def _ok(resp, status=200):
    body = await resp.json()
    assert resp.status == status, body
    return body


async def _error(resp, status, code):
    """An error in WordPress's shape; one about the cart carries its token (a request
    refused for its parameters never reached the cart, and the old token stays good)."""
    body = await resp.json()
    assert resp.status == status, body
    assert set(body) == {"code", "message", "data"}
    assert body["code"] == code, body
    assert body["data"]["status"] == status
    if not code.startswith("rest_"):
        assert "Cart-Token" in resp.headers, code
    return body


async def test_first_request_starts_a_cart_with_a_token(client, ctx):
    shopper = Shopper(client)
    cart = await _ok(await shopper.get())
    assert shopper.token and cart["items"] == [] and cart["items_count"] == 0
    assert cart["totals"]["total_price"] == "0"
    assert cart["totals"]["currency_code"] == "USD"


async def test_add_merges_the_same_product_into_one_line(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "12.00")
    shopper = Shopper(client)
    first = await _ok(await shopper.post("add", {"id": mug["id"], "quantity": 2}), 201)
    again = await _ok(await shopper.post("add", {"product_id": mug["id"]}), 201)
    assert len(again["items"]) == 1
    line = again["items"][0]
    assert line["key"] == first["items"][0]["key"] and len(line["key"]) == 32
    assert line["quantity"] == 3 and line["name"] == "Mug"
    assert line["prices"]["price"] == "1200"
    assert line["totals"]["line_subtotal"] == "3600"
    assert again["totals"]["total_items"] == "3600"


async def test_variations_by_attributes_or_by_id(client, ctx):
    await setup_shop(ctx)
    tee = await variable(ctx, "Tee", "20.00", ["S", "M"], ["Red", "Blue"])
    shopper = Shopper(client)
    by_attrs = {
        "id": tee["id"],
        "variation": [{"attribute": "size", "value": "m"}, {"attribute": "Color", "value": "Red"}],
    }
    cart = await _ok(await shopper.post("add", by_attrs), 201)
    line = cart["items"][0]
    assert line["variation_id"] == variation_id(tee, size="M", color="Red")
    assert line["variation"] == [
        {"attribute": "Size", "value": "M"},
        {"attribute": "Color", "value": "Red"},
    ]
    # the same variation by its own id (WooCommerce's form style too) merges into the line
    by_id = {"id": line["variation_id"], "variation": {"attribute_size": "M"}}
    cart = await _ok(await shopper.post("add", by_id), 201)
    assert [i["quantity"] for i in cart["items"]] == [2]
    parent_and_id = {"id": tee["id"], "variation_id": variation_id(tee, size="S", color="Blue")}
    cart = await _ok(await shopper.post("add", parent_and_id), 201)
    assert len(cart["items"]) == 2


async def test_variation_errors(client, ctx):
    await setup_shop(ctx)
    tee = await variable(ctx, "Tee", "20.00", ["S", "M"], ["Red"])
    shopper = Shopper(client)
    missing = await shopper.post(
        "add", {"id": tee["id"], "variation": [{"attribute": "Size", "value": "S"}]}
    )
    body = await _error(missing, 400, "woocommerce_rest_missing_variation_data")
    assert "Color" in body["message"]
    wrong = await shopper.post(
        "add", {"id": tee["id"], "variation": {"size": "XXL", "color": "Red"}}
    )
    body = await _error(wrong, 400, "woocommerce_rest_invalid_variation_data")
    assert "Allowed values: S, M" in body["message"]
    await catalog.update_product(
        ctx,
        tee["id"],
        {"variations": [{"id": variation_id(tee, size="M", color="Red"), "status": "private"}]},
    )
    none = await shopper.post("add", {"id": tee["id"], "variation": {"size": "M", "color": "Red"}})
    await _error(none, 400, "woocommerce_rest_variation_id_from_variation_data")
    other = await simple(ctx, "Other", "1.00")
    mismatched = await shopper.post(
        "add", {"id": other["id"], "variation_id": variation_id(tee, size="S", color="Red")}
    )
    await _error(mismatched, 400, "woocommerce_rest_cart_invalid_product")


async def test_product_errors_with_woocommerce_codes(client, ctx):
    await setup_shop(ctx)
    draft = await simple(ctx, "Draft", "5.00", status="draft")
    private = await simple(ctx, "Private", "5.00", status="private")
    trashed = await simple(ctx, "Trashed", "5.00")
    await catalog.delete_product(ctx, trashed["id"])
    free = await catalog.create_product(ctx, {"name": "No price", "status": "publish"})
    shopper = Shopper(client)
    for product_id in (999999, draft["id"], private["id"], trashed["id"]):
        body = await _error(
            await shopper.post("add", {"id": product_id}),
            400,
            "woocommerce_rest_cart_invalid_product",
        )
        assert f'"{product_id}"' in body["message"]
    await _error(
        await shopper.post("add", {"id": free["id"]}),
        400,
        "woocommerce_rest_product_not_purchasable",
    )
    mug = await simple(ctx, "Mug", "5.00")
    for quantity in (0, -3):
        await _error(
            await shopper.post("add", {"id": mug["id"], "quantity": quantity}),
            400,
            "woocommerce_rest_product_invalid_quantity",
        )
    missing = await shopper.post("add", {"quantity": 1})
    await _error(missing, 400, "rest_missing_callback_param")
    assert (await _ok(await shopper.get()))["items"] == []


async def test_stock_limits(client, ctx):
    await setup_shop(ctx)
    few = await simple(ctx, "Few", "5.00", manage_stock=True, stock_quantity=3)
    gone = await simple(ctx, "Gone", "5.00", manage_stock=True, stock_quantity=0)
    single = await simple(ctx, "Single", "5.00", sold_individually=True)
    shopper = Shopper(client)
    await _error(
        await shopper.post("add", {"id": gone["id"]}), 400, "woocommerce_rest_product_out_of_stock"
    )
    cart = await _ok(await shopper.post("add", {"id": few["id"], "quantity": 2}), 201)
    assert cart["items"][0]["quantity_limits"]["maximum"] == 3
    body = await _error(
        await shopper.post("add", {"id": few["id"], "quantity": 2}),
        400,
        "woocommerce_rest_product_partially_out_of_stock",
    )
    assert "(3 remaining)" in body["message"]
    await _ok(await shopper.post("add", {"id": single["id"]}), 201)
    await _error(
        await shopper.post("add", {"id": single["id"]}),
        400,
        "woocommerce_rest_cart_product_sold_individually",
    )
    cart = await _ok(await shopper.get())
    assert {i["name"]: i["quantity"] for i in cart["items"]} == {"Few": 2, "Single": 1}
    limits = next(i for i in cart["items"] if i["name"] == "Single")["quantity_limits"]
    assert limits == {"minimum": 1, "maximum": 1, "multiple_of": 1, "editable": False}


async def test_update_and_remove(client, ctx):
    await setup_shop(ctx)
    few = await simple(ctx, "Few", "5.00", manage_stock=True, stock_quantity=4)
    shopper = Shopper(client)
    cart = await _ok(await shopper.post("add", {"id": few["id"]}), 201)
    key = cart["items"][0]["key"]
    cart = await _ok(await shopper.post("update", {"key": key, "quantity": 4}))
    assert cart["items"][0]["quantity"] == 4
    body = await _error(
        await shopper.post("update", {"cart_item_key": key, "quantity": 5}), 400, "invalid_quantity"
    )
    assert "maximum quantity" in body["message"] and "is 4" in body["message"]
    body = await _error(
        await shopper.post("update", {"key": "nope", "quantity": 1}),
        409,
        "woocommerce_rest_cart_invalid_key",
    )
    assert body["data"]["cart"]["items"][0]["quantity"] == 4
    body = await _error(
        await shopper.post("remove", {"key": "nope"}), 409, "woocommerce_rest_cart_invalid_key"
    )
    assert body["data"]["cart"]["items_count"] == 4
    cart = await _ok(await shopper.post("update", {"key": key, "quantity": 0}))
    assert cart["items"] == []
    cart = await _ok(await shopper.post("add", {"id": few["id"]}), 201)
    cart = await _ok(await shopper.post("remove", {"key": cart["items"][0]["key"]}))
    assert cart["items"] == []
    await _error(await shopper.post("update", {"key": key}), 400, "rest_missing_callback_param")


async def test_coupons_by_the_order_rules(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "50.00")
    await coupon(ctx, "TEN", amount="10")
    await coupon(ctx, "BIG", discount_type="fixed_cart", amount="5.00", minimum_amount="200.00")
    await coupon(ctx, "SOLO", discount_type="fixed_cart", amount="1.00", individual_use=True)
    shopper = Shopper(client)
    await _ok(await shopper.post("add", {"id": mug["id"], "quantity": 2}), 201)
    cart = await _ok(await shopper.post("apply-coupon", {"code": " Ten "}))
    assert [c["code"] for c in cart["coupons"]] == ["ten"]
    assert cart["coupons"][0]["totals"]["total_discount"] == "1000"
    assert cart["totals"]["total_discount"] == "1000"
    body = await _error(
        await shopper.post("apply-coupon", {"code": "TEN"}),
        400,
        "woocommerce_rest_cart_coupon_error",
    )
    assert "already been applied" in body["message"]
    body = await _error(
        await shopper.post("apply-coupon", {"code": "nothing"}),
        400,
        "woocommerce_rest_cart_coupon_error",
    )
    assert body["message"] == 'Coupon "nothing" does not exist!'
    body = await _error(
        await shopper.post("apply-coupon", {"code": "big"}),
        400,
        "woocommerce_rest_cart_coupon_error",
    )
    assert body["message"].startswith("The minimum spend for this coupon is")
    cart = await _ok(await shopper.post("apply-coupon", {"code": "solo"}))
    assert [c["code"] for c in cart["coupons"]] == ["solo"]  # individual use pushed TEN off
    await _error(
        await shopper.post("remove-coupon", {"code": "ten"}),
        409,
        "woocommerce_rest_cart_coupon_invalid_code",
    )
    cart = await _ok(await shopper.post("remove-coupon", {"code": "SOLO"}))
    assert cart["coupons"] == [] and cart["totals"]["total_discount"] == "0"
    await _error(await shopper.post("apply-coupon", {}), 400, "rest_missing_callback_param")


async def test_addresses_shipping_rates_and_tax(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "10.00")
    shopper = Shopper(client)
    cart = await _ok(await shopper.post("add", {"id": mug["id"]}), 201)
    assert cart["needs_shipping"] and cart["shipping_rates"] == []
    assert cart["totals"]["total_shipping"] is None
    cart = await _ok(await shopper.post("update-customer", {"shipping_address": ADDRESS}))
    rates = cart["shipping_rates"][0]["shipping_rates"]
    assert [r["name"] for r in rates] == ["Courier", "Pickup"]
    assert rates[0]["selected"] and rates[0]["price"] == "500"
    assert cart["totals"]["total_shipping"] == "500"
    assert cart["totals"]["total_tax"] == "150"  # 10% of 10.00 and of 5.00 shipping
    assert cart["totals"]["total_price"] == "1650"
    cart = await _ok(await shopper.post("select-shipping-rate", {"rate_id": rates[1]["rate_id"]}))
    assert cart["totals"]["total_shipping"] == "0" and cart["totals"]["total_price"] == "1100"
    await _error(
        await shopper.post("select-shipping-rate", {"rate_id": "flat_rate:99"}),
        400,
        "woocommerce_rest_cart_invalid_shipping_rate",
    )
    bad = await shopper.post("update-customer", {"billing_address": {"country": "Iran"}})
    await _error(bad, 400, "rest_invalid_param")


async def test_an_item_that_can_no_longer_be_bought_is_reported(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "10.00")
    cup = await simple(ctx, "Cup", "4.00")
    shopper = Shopper(client)
    await _ok(await shopper.post("add", {"id": mug["id"]}), 201)
    await _ok(await shopper.post("add", {"id": cup["id"]}), 201)
    await catalog.update_product(ctx, cup["id"], {"status": "draft"})
    cart = await _ok(await shopper.get())
    assert len(cart["items"]) == 2
    assert cart["totals"]["total_items"] == "1000"
    assert [e["code"] for e in cart["errors"]] == ["woocommerce_rest_cart_invalid_product"]
