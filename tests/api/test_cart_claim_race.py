"""Two logged-in customers sending the same guest Cart-Token at once: exactly one of
them gets the guest's items, the other keeps a cart of their own; nothing is lost
or counted twice."""

from __future__ import annotations

import asyncio

import pytest
from storefront_support import W, setup_shop, simple, token_of
from support import make_account

ROUNDS = 4


async def _add(client, product_id: int, token: str | None = None, auth=None, quantity=1):
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    resp = await client.post(
        f"{W}/cart/add", json={"id": product_id, "quantity": quantity}, headers=headers
    )
    assert resp.status == 201, await resp.text()
    return resp


async def _cart(client, token: str | None = None, auth=None) -> dict:
    headers = {**(auth or {}), **({"Cart-Token": token} if token else {})}
    resp = await client.get(f"{W}/cart", headers=headers)
    assert resp.status == 200, await resp.text()
    return await resp.json()


def _names(cart: dict) -> dict[str, int]:
    return {item["name"]: item["quantity"] for item in cart["items"]}


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_one_guest_cart_goes_to_exactly_one_of_two_new_customers(client, ctx, round_):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    guest = token_of(await _add(client, mug["id"], quantity=3))
    alice = await make_account(ctx, "alice@example.com", "customer", "Alice")
    bob = await make_account(ctx, "bob@example.com", "customer", "Bob")

    carts = await asyncio.gather(_cart(client, guest, alice.auth), _cart(client, guest, bob.auth))

    assert sorted(len(cart["items"]) for cart in carts) == [0, 1]
    winner = next(cart for cart in carts if cart["items"])
    assert _names(winner) == {"Mug": 3}
    # what each customer sees afterwards, without the guest token, is what they got
    after = [await _cart(client, auth=alice.auth), await _cart(client, auth=bob.auth)]
    assert [_names(cart) for cart in after] == [_names(cart) for cart in carts]
    assert (await _cart(client, guest))["items"] == []  # the guest token opens nothing now
    rows = await ctx.store.fetchall("SELECT cart_id, quantity FROM cart_items")
    assert [row["quantity"] for row in rows] == [3]


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_one_guest_cart_merges_into_exactly_one_existing_cart(client, ctx, round_):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "5.00")
    cup = await simple(ctx, "Cup", "2.00")
    plate = await simple(ctx, "Plate", "3.00")
    alice = await make_account(ctx, "alice@example.com", "customer", "Alice")
    bob = await make_account(ctx, "bob@example.com", "customer", "Bob")
    await _add(client, cup["id"], auth=alice.auth)
    await _add(client, plate["id"], auth=bob.auth)
    guest = token_of(await _add(client, mug["id"], quantity=2))

    carts = await asyncio.gather(_cart(client, guest, alice.auth), _cart(client, guest, bob.auth))

    got = [_names(cart) for cart in carts]
    assert got in (
        [{"Cup": 1, "Mug": 2}, {"Plate": 1}],
        [{"Cup": 1}, {"Plate": 1, "Mug": 2}],
    ), got
    after = [await _cart(client, auth=alice.auth), await _cart(client, auth=bob.auth)]
    assert [_names(cart) for cart in after] == got
    total = await ctx.store.fetchval("SELECT SUM(quantity) FROM cart_items")
    assert total == 4
    assert await ctx.store.fetchval("SELECT COUNT(*) FROM carts") == 2
