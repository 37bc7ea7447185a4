"""Cart-Token sessions: missing, tampered, expired, another customer's; login merges;
concurrent adds; carts survive a restart."""

from __future__ import annotations

import asyncio
import base64
import json

import jwt
import pytest
from storefront_support import W, setup_shop, simple, token_of

from service.app.assembly import build_registry, create_app
from service.app.context import Context
from service.common.clock import FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


async def _add(client, product_id: int, token: str | None = None, auth=None, quantity=1):
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    return await client.post(
        f"{W}/cart/add", json={"id": product_id, "quantity": quantity}, headers=headers
    )


async def _cart(client, token: str | None = None, auth=None):
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    resp = await client.get(f"{W}/cart", headers=headers)
    return resp, await resp.json()


def _names(cart) -> dict[str, int]:
    return {i["name"]: i["quantity"] for i in cart["items"]}


async def test_token_is_hs256_with_cart_id_expiry_and_issuer(client, ctx, clock):
    await setup_shop(ctx)
    resp, _ = await _cart(client)
    token = token_of(resp)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert claims["iss"] == "woonoow/v1" and claims["cid"]
    assert claims["exp"] - claims["iat"] == 48 * 3600
    assert "Cart-Token" in resp.headers["Access-Control-Expose-Headers"]


async def test_a_token_keeps_the_cart_across_requests(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    resp, _ = await _cart(client)
    token = token_of(resp)  # issued before anything was added: the cart starts on first add
    resp = await _add(client, mug["id"], token)
    assert resp.status == 201
    _, cart = await _cart(client, token_of(resp))
    assert _names(cart) == {"Mug": 1}
    _, again = await _cart(client, token)  # the first token names the same cart
    assert _names(again) == {"Mug": 1}
    _, fresh = await _cart(client)  # no token: a new, empty cart
    assert fresh["items"] == []


async def test_tampered_token_is_refused_with_a_fresh_cart(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    token = token_of(await _add(client, mug["id"]))
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cid"] = "someone-elses-cart"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    unsigned = jwt.encode({**claims}, key="", algorithm="none")
    wrong_key = jwt.encode(claims, "not-the-secret-but-long-enough-for-hs256", algorithm="HS256")
    for bad in (
        f"{head}.{forged_payload}.{signature}",
        f"{head}.{payload}.{signature[:-2]}xx",
        unsigned,
        wrong_key,
        "garbage",
    ):
        resp = await _add(client, mug["id"], bad)
        body = await resp.json()
        assert resp.status == 403, bad
        assert body["code"] == "woocommerce_rest_cart_token_invalid"
        assert body["data"]["reason"] == "invalid" and body["data"]["status"] == 403
        assert body["data"]["cart"]["items"] == []
        fresh = token_of(resp)
        assert fresh != bad
        _, cart = await _cart(client, fresh)
        assert cart["items"] == []  # the add was not done, and nobody's cart was opened
    _, mine = await _cart(client, token)
    assert _names(mine) == {"Mug": 1}


async def test_expired_token_is_refused_with_a_fresh_cart(client, ctx, clock):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    token = token_of(await _add(client, mug["id"]))
    clock.advance(hours=47)
    resp, cart = await _cart(client, token)  # still good; the answer carries a renewed token
    assert resp.status == 200 and _names(cart) == {"Mug": 1}
    renewed = token_of(resp)
    clock.advance(hours=2)  # 49 hours after the first token, 2 after the renewed one
    resp, body = await _cart(client, token)
    assert resp.status == 403 and body["data"]["reason"] == "expired"
    assert "expired" in body["message"]
    fresh = token_of(resp)
    assert (await _add(client, mug["id"], fresh, quantity=2)).status == 201
    _, cart = await _cart(client, fresh)
    assert _names(cart) == {"Mug": 2}
    _, kept = await _cart(client, renewed)
    assert _names(kept) == {"Mug": 1}


async def test_another_customers_cart_is_never_opened(client, ctx, customer, other_customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    cup = await simple(ctx, "Cup", "5.00")
    alice_token = token_of(await _add(client, mug["id"], auth=customer.auth))
    resp, bob_cart = await _cart(client, alice_token, other_customer.auth)
    assert resp.status == 200 and bob_cart["items"] == []
    bob_token = token_of(resp)
    assert bob_token != alice_token
    assert (await _add(client, cup["id"], bob_token, other_customer.auth)).status == 201
    resp, anonymous = await _cart(client, alice_token)  # Alice's token without her login
    assert resp.status == 200 and anonymous["items"] == []
    assert token_of(resp) != alice_token
    _, alice = await _cart(client, auth=customer.auth)  # her cart follows her, token or not
    assert _names(alice) == {"Mug": 1} and alice["customer_id"] == customer.user.id
    _, bob = await _cart(client, auth=other_customer.auth)
    assert _names(bob) == {"Cup": 1}


async def test_logging_in_merges_the_anonymous_cart(client, ctx, customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    cup = await simple(ctx, "Cup", "5.00")
    await _add(client, mug["id"], auth=customer.auth)
    guest = token_of(await _add(client, mug["id"], quantity=2))
    guest = token_of(await _add(client, cup["id"], guest))
    _, cart = await _cart(client, guest, customer.auth)
    assert _names(cart) == {"Mug": 3, "Cup": 1}
    _, after = await _cart(client, guest)  # the guest cart is gone into hers
    assert after["items"] == []


async def test_a_customers_first_cart_adopts_the_anonymous_one(client, ctx, customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    guest = token_of(await _add(client, mug["id"]))
    _, cart = await _cart(client, guest, customer.auth)
    assert _names(cart) == {"Mug": 1} and cart["customer_id"] == customer.user.id
    _, anonymous = await _cart(client, guest)
    assert anonymous["items"] == []


async def test_concurrent_adds_lose_nothing(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00", manage_stock=True, stock_quantity=100)
    others = [await simple(ctx, f"Cup {n}", "1.00") for n in range(8)]
    resp, _ = await _cart(client)
    token = token_of(resp)  # no cart row yet: the first of the racing adds creates it
    results = await asyncio.gather(
        *[_add(client, mug["id"], token) for _ in range(12)],
        *[_add(client, cup["id"], token) for cup in others],
    )
    assert [r.status for r in results] == [201] * 20
    _, cart = await _cart(client, token)
    assert _names(cart)["Mug"] == 12
    assert len(cart["items"]) == 9 and cart["items_count"] == 20


async def test_concurrent_adds_never_pass_the_stock(client, ctx):
    await setup_shop(ctx)
    few = await simple(ctx, "Few", "5.00", manage_stock=True, stock_quantity=5)
    token = token_of((await _cart(client))[0])
    results = await asyncio.gather(*[_add(client, few["id"], token) for _ in range(8)])
    assert sorted(r.status for r in results) == [201] * 5 + [400] * 3
    _, cart = await _cart(client, token)
    assert _names(cart) == {"Few": 5}


async def test_carts_survive_a_restart(aiohttp_client, ctx, settings, clock):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    first = await aiohttp_client(create_app(ctx))
    token = token_of(await _add(first, mug["id"]))
    await first.close()
    reopened = await Context.open(settings, clock)
    reopened.registry = build_registry()
    try:
        second = await aiohttp_client(create_app(reopened))
        _, cart = await _cart(second, token)
        assert _names(cart) == {"Mug": 1}
    finally:
        await reopened.close()
