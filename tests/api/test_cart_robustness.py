"""Bad input on every storefront route is a 4xx in WordPress's shape, never a 500;
abandoned anonymous carts are purged; new lines are clamped into their limits."""

from __future__ import annotations

import pytest
from storefront_support import W, setup_shop, simple, token_of, variable
from support import answered_or_refused

from service.common.clock import FrozenClock
from service.storefront import cart_support

HUGE = 10**30


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def _wp_error(body, status):
    assert set(body) == {"code", "message", "data"}, body
    assert body["data"]["status"] == status
    assert isinstance(body["message"], str) and body["message"]


async def test_garbage_never_breaks_a_storefront_route(client, ctx, customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    tee = await variable(ctx, "Tee", "9.00", ["S"], ["Red"])
    cases = [
        ("GET", "/shop/products", {"page": "0"}, None),
        ("GET", "/shop/products", {"category": "'; DROP TABLE products; --"}, None),
        ("GET", "/shop/products", {"search": "%_\\"}, None),
        ("GET", f"/shop/products/{HUGE}", None, None),
        ("GET", "/shop/categories", {"parent": "-1"}, None),
        ("GET", "/shop/search", {"s": "x" * 5000}, None),
        ("POST", "/cart/add", None, {"id": HUGE}),
        ("POST", "/cart/add", None, {"id": mug["id"], "variation_id": HUGE}),
        ("POST", "/cart/add", None, {"id": "mug"}),
        ("POST", "/cart/add", None, {"id": mug["id"], "quantity": "lots"}),
        ("POST", "/cart/add", None, {"id": tee["id"], "variation": "Size"}),
        ("POST", "/cart/add", None, {"id": tee["id"], "variation": [1, None, {"value": "S"}]}),
        ("POST", "/cart/add", None, {"id": tee["id"], "variation": {"size": ["S"]}}),
        ("POST", "/cart/update", None, {"key": "k", "quantity": HUGE}),
        ("POST", "/cart/update", None, {"key": "k", "quantity": -1}),
        ("POST", "/cart/remove", None, {"key": {"a": 1}}),
        ("POST", "/cart/apply-coupon", None, {"code": ["a"]}),
        ("POST", "/cart/apply-coupon", None, {"code": "x" * 5000}),
        ("POST", "/cart/update-customer", None, {"billing_address": "here"}),
        ("POST", "/cart/update-customer", None, {"shipping_address": {"country": 7}}),
        ("POST", "/cart/select-shipping-rate", None, {"rate_id": "none"}),
        ("POST", "/cart/checkout", None, {"payment_method": {"x": 1}}),
        ("GET", f"/account/orders/{HUGE}", None, None),
        ("GET", "/account/orders", {"per_page": "1000"}, None),
        ("POST", "/account/profile", None, {"email": "not-an-email"}),
        ("POST", "/account/addresses", None, {"billing": []}),
        ("POST", "/account/password", None, {"current_password": 1}),
        ("GET", "/hooks/shop", {"product_id": str(HUGE)}, None),
        ("GET", "/hooks/<script>", None, None),
    ]
    for method, path, query, body in cases:
        headers = customer.auth if path.startswith("/account") else {}
        resp = await client.request(method, f"{W}{path}", params=query, json=body, headers=headers)
        await answered_or_refused(resp, {200, 201, 400, 404}, path, query, body)
    raw = await client.post(
        f"{W}/cart/add", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert raw.status == 400 and (await raw.json())["code"] == "rest_invalid_json"


async def test_new_lines_are_clamped_merges_are_checked(client, ctx):
    await setup_shop(ctx)
    single = await simple(ctx, "Single", "5.00", sold_individually=True)
    many = await simple(ctx, "Many", "1.00")
    resp = await client.post(f"{W}/cart/add", json={"id": single["id"], "quantity": 5})
    token = token_of(resp)
    resp = await client.post(
        f"{W}/cart/add", json={"id": many["id"], "quantity": 20000}, headers={"Cart-Token": token}
    )
    cart = await resp.json()
    assert {i["name"]: i["quantity"] for i in cart["items"]} == {"Single": 1, "Many": 9999}
    resp = await client.post(
        f"{W}/cart/add", json={"id": many["id"]}, headers={"Cart-Token": token}
    )
    body = await resp.json()
    assert resp.status == 400 and body["code"] == "invalid_quantity"


async def test_abandoned_anonymous_carts_are_purged(client, ctx, clock, customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    await client.post(f"{W}/cart/add", json={"id": mug["id"]})
    await client.post(f"{W}/cart/add", json={"id": mug["id"]}, headers=customer.auth)
    assert (await cart_support.list_open_carts(ctx))[1] == 2
    clock.advance(hours=50)
    await client.post(f"{W}/cart/add", json={"id": mug["id"]})  # a new visitor's cart
    carts, total = await cart_support.list_open_carts(ctx)
    assert total == 2  # the old anonymous cart is gone; the customer's stays
    assert sorted(c["customer"] for c in carts) == ["alice@example.com", "anonymous"]
    assert {c["age"] for c in carts} == {"0s", "2d"}
