"""Searches answered from kept matches (store/search_cache.py, SQLite) are never stale:
after each kind of write the very next request answers what the index answers, pages
and X-WP-Total equal the answers without the cache, and a write by another connection
to the same database (the CLI, a second process) is seen at once."""

from __future__ import annotations

from typing import Any

import pytest
from orders_support import BASE, US, configure, lines, post_order, product

from service import catalog
from service.app.context import Context
from service.common.clock import FrozenClock
from store import catalog as catalog_sql
from store import orders as order_sql


@pytest.fixture
def clock():
    return FrozenClock()


async def found(client, account, path: str) -> tuple[list[int], int]:
    resp = await client.get(f"{BASE}{path}", headers=account.auth)
    assert resp.status == 200, await resp.text()
    return [item["id"] for item in await resp.json()], int(resp.headers["X-WP-Total"])


async def make(ctx, clock, name: str, **fields: Any) -> int:
    clock.advance(seconds=1)
    return int((await catalog.create_product(ctx, {"name": name, **fields}))["id"])


async def put(client, account, path: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = await client.put(f"{BASE}{path}", json=body, headers=account.auth)
    assert resp.status == 200, await resp.text()
    data: dict[str, Any] = await resp.json()
    return data


WALNUT = "/products?search=walnut&per_page=50"


async def test_a_product_search_follows_every_kind_of_product_write(client, ctx, clock, manager):
    mug = await make(ctx, clock, "Walnut mug", sku="MUG-1")
    cup = await make(ctx, clock, "Plain cup")
    lamp = await make(ctx, clock, "Lamp", description="A lamp on a walnut base")
    shirt = await make(
        ctx,
        clock,
        "Shirt",
        type="variable",
        attributes=[{"name": "Size", "variation": True, "options": ["S", "M"]}],
        variations=[{"sku": "TS-S", "attributes": [{"name": "Size", "option": "S"}]}],
    )
    assert await found(client, manager, WALNUT) == ([lamp, mug], 2)
    assert await found(client, manager, WALNUT) == ([lamp, mug], 2)  # asked again

    await put(client, manager, f"/products/{cup}", {"name": "Walnut cup"})
    assert await found(client, manager, WALNUT) == ([lamp, cup, mug], 3)

    await put(client, manager, f"/products/{lamp}", {"description": "A lamp on a steel base"})
    assert await found(client, manager, WALNUT) == ([cup, mug], 2)

    await put(client, manager, f"/products/{cup}", {"stock_quantity": 3, "manage_stock": True})
    await put(client, manager, f"/products/{cup}", {"status": "draft"})
    assert await found(client, manager, WALNUT) == ([cup, mug], 2)
    assert await found(client, manager, WALNUT + "&status=publish") == ([mug], 1)

    resp = await client.delete(f"{BASE}/products/{cup}", headers=manager.auth)  # the trash
    assert resp.status == 200
    assert await found(client, manager, WALNUT) == ([mug], 1)

    variation = (await catalog.get_product(ctx, shirt))["variations"][0]
    await put(client, manager, f"/products/{shirt}", {"variations": [
        {"id": variation["id"], "sku": "WALNUT-S"}
    ]})  # fmt: skip
    assert await found(client, manager, WALNUT) == ([shirt, mug], 2)

    resp = await client.delete(f"{BASE}/products/{mug}?force=true", headers=manager.auth)
    assert resp.status == 200
    assert await found(client, manager, WALNUT) == ([shirt], 1)
    assert await found(client, manager, "/shop/products?search=walnut") == ([], 0)
    await put(client, manager, f"/products/{shirt}", {"name": "Walnut shirt"})
    assert await found(client, manager, "/shop/products?search=walnut") == ([shirt], 1)


@pytest.fixture
async def goods(ctx):
    await configure(ctx, tax={"calc_taxes": False})
    return {
        "mug": await product(ctx, "Mug", "10", sku="MUG-1"),
        "kamali": await product(ctx, "Kamali rug", "90", sku="RUG-1"),
    }


KAMALI = "/orders?search=kamali&per_page=50"


async def test_an_order_search_follows_every_kind_of_order_write(client, admin, goods):
    mug = lines((goods["mug"], 1))
    ada = await post_order(client, admin, line_items=mug, billing=US)
    assert await found(client, admin, KAMALI) == ([], 0)
    assert await found(client, admin, KAMALI) == ([], 0)  # asked again

    sara = await post_order(
        client, admin, line_items=mug, billing={**US, "first_name": "Sara", "last_name": "Kamali"}
    )
    assert await found(client, admin, KAMALI) == ([sara["id"]], 1)

    await put(client, admin, f"/orders/{ada['id']}", {"billing": {"last_name": "Kamali"}})
    assert await found(client, admin, KAMALI) == ([sara["id"], ada["id"]], 2)
    await put(client, admin, f"/orders/{ada['id']}", {"billing": {"last_name": "Lovelace"}})
    assert await found(client, admin, KAMALI) == ([sara["id"]], 1)

    await put(client, admin, f"/orders/{ada['id']}", {
        "line_items": lines((goods["mug"], 1), (goods["kamali"], 1))
    })  # fmt: skip
    assert await found(client, admin, KAMALI) == ([sara["id"], ada["id"]], 2)

    processing = KAMALI + "&status=processing"
    assert await found(client, admin, processing) == ([], 0)
    await put(client, admin, f"/orders/{sara['id']}", {"status": "processing"})
    assert await found(client, admin, processing) == ([sara["id"]], 1)

    resp = await client.delete(f"{BASE}/orders/{sara['id']}", headers=admin.auth)  # the trash
    assert resp.status == 200
    assert await found(client, admin, KAMALI) == ([ada["id"]], 1)
    assert await found(client, admin, processing) == ([], 0)


async def test_a_write_by_another_connection_is_seen_on_the_next_request(
    client, ctx, clock, manager, settings
):
    mug = await make(ctx, clock, "Walnut mug")
    cup = await make(ctx, clock, "Plain cup")
    assert await found(client, manager, WALNUT) == ([mug], 1)
    other = await Context.open(settings, clock)  # as `run.py` opens the shop's database
    try:
        await catalog.update_product(other, cup, {"name": "Walnut cup"})
        assert await found(client, manager, WALNUT) == ([cup, mug], 2)
        await catalog.delete_product(other, mug, force=True)
    finally:
        await other.close()
    assert await found(client, manager, WALNUT) == ([cup], 1)


@pytest.mark.parametrize("walked", [False, True], ids=["few-sorted", "many-walked"])
async def test_pages_and_totals_equal_the_answers_without_the_cache(
    client, ctx, clock, admin, goods, monkeypatch, walked
):
    if walked:  # every search counts as matching many: the pages walk the dates
        monkeypatch.setattr(catalog_sql, "WALK_PAST", 1)
        monkeypatch.setattr(order_sql, "DENSE", 1)
    for n in range(13):
        status = "draft" if n % 5 == 0 else "publish"
        await make(ctx, clock, f"Walnut {n:02d}", regular_price=str(50 - n), status=status)
        await make(ctx, clock, f"Oak {n:02d}", description="not walnut" if n % 3 else "")
    for n in range(9):
        name = "Kamali" if n % 2 else "Lovelace"
        clock.advance(seconds=1)
        await post_order(
            client, admin, line_items=lines((goods["mug"], 1)), billing={**US, "last_name": name}
        )
    paths = [
        f"/products?search=walnut&per_page=4&page={page}&orderby={orderby}&order={order}"
        for page in (1, 2, 3, 4, 9)
        for orderby, order in (("date", "desc"), ("date", "asc"), ("title", "asc"),
                               ("price", "desc"), ("id", "asc"))
    ] + [
        "/products?search=walnut&per_page=3&offset=5",
        "/products?search=walnut&status=draft",
        "/products?search=nothing-like-it",
        "/shop/products?search=walnut&per_page=4&page=2",
        "/shop/products?search=walnut&per_page=4&page=9&orderby=price&order=asc",
    ] + [
        f"/orders?search=kamali&per_page=2&page={page}&order={order}"
        for page in (1, 2, 3, 7) for order in ("desc", "asc")
    ] + [
        "/orders?search=kamali&per_page=3&offset=1",
        "/orders?search=ada&orderby=id",
        "/orders?search=kamali&status=pending,processing",
        "/orders?search=nobody",
    ]  # fmt: skip
    cached = {path: await found(client, admin, path) for path in paths}
    again = {path: await found(client, admin, path) for path in paths}
    monkeypatch.setattr(ctx.store, "search_cache", None)
    uncached = {path: await found(client, admin, path) for path in paths}
    assert cached == again == uncached
    assert any(total > 8 and len(ids) == 4 for ids, total in cached.values())


async def test_a_repeated_search_is_answered_from_the_cache(client, ctx, clock, manager, backend):
    """The one look inside: a repeated search is a hit, and a write that leaves the
    searched text alone (stock, price, status) keeps it one."""
    if backend != "sqlite":
        pytest.skip("only a SQLite store keeps searches' matches")
    cache = ctx.store.search_cache
    mug = await make(ctx, clock, "Walnut mug", manage_stock=True, stock_quantity=5)
    assert await found(client, manager, WALNUT) == ([mug], 1)
    served, filled = cache.served, cache.filled
    assert await found(client, manager, WALNUT) == ([mug], 1)
    await put(client, manager, f"/products/{mug}", {"stock_quantity": 4, "regular_price": "9"})
    await put(client, manager, f"/products/{mug}", {"status": "private"})
    assert await found(client, manager, WALNUT) == ([mug], 1)
    assert (cache.served - served, cache.filled - filled) == (2, 0)
