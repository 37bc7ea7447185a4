"""What orders use: sellable_item, change_stock, record_sale; sale dates follow the clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service import catalog
from service.common.clock import FrozenClock
from service.common.errors import ServiceError


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


SHIRT = {
    "name": "Shirt",
    "type": "variable",
    "attributes": [{"name": "Size", "variation": True, "options": ["S", "M"]}],
    "variations": [
        {"sku": "SH-S", "regular_price": "10", "manage_stock": True, "stock_quantity": 2,
         "attributes": [{"name": "Size", "option": "S"}]},
        {"sku": "SH-M", "regular_price": "12", "attributes": [{"name": "Size", "option": "M"}]},
    ],
}  # fmt: skip


async def test_sale_window_follows_the_clock(ctx, clock):
    product = await catalog.create_product(
        ctx,
        {
            "name": "Lamp",
            "regular_price": "20",
            "sale_price": "15",
            "date_on_sale_from": "2026-03-10",
            "date_on_sale_to": "2026-03-12",
        },
    )
    assert (product["price"], product["on_sale"]) == ("20.00", False)
    clock.at = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    got = await catalog.get_product(ctx, product["id"])
    assert (got["price"], got["on_sale"]) == ("15.00", True)
    items, _ = await catalog.list_products(ctx, catalog.ProductFilters(on_sale=True))
    assert [p["id"] for p in items] == [product["id"]]
    clock.at = datetime(2026, 3, 12, 23, 59, 59, tzinfo=UTC)
    assert (await catalog.get_product(ctx, product["id"]))["on_sale"] is True
    clock.advance(seconds=1)
    assert (await catalog.get_product(ctx, product["id"]))["price"] == "20.00"


async def test_sellable_item_for_simple_and_variation(ctx, clock):
    cat = await catalog.create_category(ctx, {"name": "Tops"})
    product = await catalog.create_product(ctx, {**SHIRT, "categories": [{"id": cat["id"]}]})
    small, medium = product["variations"]
    item = await catalog.sellable_item(ctx.store, product["id"], small["id"], now=clock.now())
    assert (item.name, item.sku, item.price, item.stock_quantity) == ("Shirt - S", "SH-S", 1000, 2)
    assert item.category_ids == (cat["id"],) and item.purchasable
    assert item.can_buy(2) and not item.can_buy(3)
    line = item.line_input(2)
    assert (line.product_id, line.variation_id, line.unit_price_minor) == (
        product["id"],
        small["id"],
        1000,
    )
    parent = await catalog.sellable_item(ctx.store, product["id"], now=clock.now())
    assert not parent.purchasable  # a variable product is bought through a variation
    with pytest.raises(ServiceError) as err:
        await catalog.sellable_item(ctx.store, medium["id"], small["id"], now=clock.now())
    assert err.value.status == 404


async def test_change_stock_updates_statuses(ctx, clock):
    product = await catalog.create_product(ctx, SHIRT)
    small = product["variations"][0]
    async with ctx.store.transaction() as tx:
        assert await catalog.change_stock(tx, product["id"], small["id"], -2, now=clock.now()) == 0
        await catalog.record_sale(tx, product["id"], small["id"], 2)
    got = await catalog.get_product(ctx, product["id"])
    assert got["variations"][0]["stock_status"] == "outofstock"
    assert got["stock_status"] == "instock"  # M is not stock-managed and in stock
    assert got["total_sales"] == 2
    async with ctx.store.transaction() as tx:
        medium = product["variations"][1]
        assert (
            await catalog.change_stock(tx, product["id"], medium["id"], -1, now=clock.now()) is None
        )


async def test_change_stock_rolls_back_with_the_transaction(ctx, clock):
    product = await catalog.create_product(
        ctx, {"name": "Pen", "manage_stock": True, "stock_quantity": 5}
    )
    with pytest.raises(RuntimeError):
        async with ctx.store.transaction() as tx:
            await catalog.change_stock(tx, product["id"], 0, -5, now=clock.now())
            raise RuntimeError("order failed")
    assert (await catalog.get_product(ctx, product["id"]))["stock_quantity"] == 5


async def test_parent_managed_stock_is_drawn_from_the_parent(ctx, clock):
    product = await catalog.create_product(
        ctx,
        {
            **SHIRT,
            "manage_stock": True,
            "stock_quantity": 1,
            "variations": [SHIRT["variations"][1]],
        },
    )
    medium = product["variations"][0]
    async with ctx.store.transaction() as tx:
        assert await catalog.change_stock(tx, product["id"], medium["id"], -1, now=clock.now()) == 0
    got = await catalog.get_product(ctx, product["id"])
    assert got["stock_quantity"] == 0 and got["stock_status"] == "outofstock"
    assert got["variations"][0]["stock_status"] == "outofstock"
