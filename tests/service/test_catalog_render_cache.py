"""The render cache changes no byte: for every demo product, in the admin and the shop
views, what is served from the cache is what a fresh render (the code path without the
cache) gives, and the fast JSON encoder writes what the json module wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from db_support import build_template, copy_database

from service import catalog
from service.app.context import Context
from service.catalog.products import ProductFilters, view_for
from service.catalog.rules import PRODUCT_STATUSES
from service.catalog.view import render_products
from service.common.config import Settings
from service.demo import seed as demo
from service.http import responses
from service.storefront import shop
from service.storefront.shop_view import shop_product, shop_product_detail
from store import catalog as catalog_sql
from store import shop as shop_sql
from store.catalog import ProductQuery
from store.shop import ShopQuery


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("demo") / "demo.db", demo.seed)


@pytest.fixture
def demo_copied(settings: Settings, backend: str, request: pytest.FixtureRequest) -> bool:
    """The demo template copied into the test's SQLite file (PostgreSQL: seeded below)."""
    if backend == "sqlite":
        copy_database(request.getfixturevalue("demo_template"), Path(settings.db))
    return backend == "sqlite"


@pytest.fixture
async def demo_ctx(settings: Settings, backend: str, demo_copied: bool):
    context = await Context.open(settings)
    if backend != "sqlite":
        await demo.seed(context)
    yield context
    await context.close()


def same_bytes(served: Any, fresh: Any) -> None:
    assert responses.dumps(served) == responses.dumps(fresh)
    assert responses.dumps(fresh) == responses._encoder.encode(fresh)


async def fresh_products(ctx: Context, rows: list[Any]) -> list[dict[str, Any]]:
    return await render_products(ctx.store, rows, await view_for(ctx))


async def every_product_row(ctx: Context) -> list[Any]:
    query = ProductQuery(now="", limit=10_000, statuses=PRODUCT_STATUSES, orderby="id")
    rows, total = await catalog_sql.list_products(ctx.store, query)
    assert len(rows) == total
    return rows


async def test_every_demo_product_is_served_from_the_cache_as_rendered_fresh(demo_ctx):
    ctx = demo_ctx
    rows = await every_product_row(ctx)
    assert len(rows) > 50 and {r["type"] for r in rows} == {"simple", "variable"}
    display = await shop.display_of(ctx)
    published = 0
    for row in rows:
        fresh = (await fresh_products(ctx, [row]))[0]
        first = await catalog.get_product(ctx, row["id"])  # rendered and kept
        again = await catalog.get_product(ctx, row["id"])  # served from the cache
        assert again is first
        same_bytes(again, fresh)
        if row["status"] != "publish":
            continue
        published += 1
        related_ids = await shop_sql.related(ctx.store, row["id"], shop.LISTED, shop.RELATED_LIMIT)
        related_rows = [await catalog_sql.by_id(ctx.store, r["id"]) for r in related_ids]
        related = [shop_product(p, display) for p in await fresh_products(ctx, related_rows)]
        fresh_page = shop_product_detail(fresh, display, related)
        await shop.get_shop_product(ctx, row["id"])
        same_bytes(await shop.get_shop_product(ctx, row["id"]), fresh_page)
    assert published > 40


async def test_every_list_page_is_served_from_the_cache_as_rendered_fresh(demo_ctx):
    ctx = demo_ctx
    now = (await view_for(ctx)).now
    display = await shop.display_of(ctx)
    for page in (1, 2, 3):
        filters = ProductFilters(page=page, per_page=25, orderby="price", order="asc")
        offset = 25 * (page - 1)
        query = ProductQuery(now=now, limit=25, offset=offset, orderby="price", order="asc")
        rows, total = await catalog_sql.list_products(ctx.store, query)
        fresh = await fresh_products(ctx, rows)
        for _ in range(2):  # rendered, then from the cache
            served, served_total = await catalog.list_products(ctx, filters)
            assert served_total == total
            same_bytes(served, fresh)

        shop_filters = shop.ShopFilters(page=page, per_page=25)
        shop_query = ShopQuery(now=now, visibilities=shop.LISTED, limit=25, offset=offset)
        rows, total = await shop_sql.list_products(ctx.store, shop_query)
        fresh_shop = [shop_product(p, display) for p in await fresh_products(ctx, rows)]
        for _ in range(2):
            served, served_total = await shop.list_shop_products(ctx, shop_filters)
            assert served_total == total
            same_bytes(served, fresh_shop)
    assert len(ctx.catalog_cache) > 50


async def test_a_page_past_the_last_still_counts_the_matches(demo_ctx):
    items, total = await shop.list_shop_products(demo_ctx, shop.ShopFilters(page=50, per_page=10))
    assert items == [] and total > 50
    items, total = await catalog.list_products(demo_ctx, ProductFilters(search="no such thing"))
    assert items == [] and total == 0


async def test_a_kept_render_is_dropped_for_a_newer_one_past_the_limit(demo_ctx):
    demo_ctx.catalog_cache.limit = 10
    items, _ = await catalog.list_products(demo_ctx, ProductFilters(per_page=30))
    assert len(items) == 30 and len(demo_ctx.catalog_cache) <= 10


@pytest.mark.parametrize(
    "value",
    [
        {"big": 2**64, "name": "ok"},  # past 64 bits: orjson refuses, the json module writes it
        [1.5, {"k": "\u00e9\u2028\U0001f600"}, None, True],
        {1: "int key", None: "none key"},
    ],
)
def test_the_encoder_writes_what_the_json_module_wrote(value):
    assert responses.dumps(value) == responses._encoder.encode(value)


def test_a_lone_surrogate_still_encodes_as_before():
    assert responses.dumps({"s": "\ud800"}) == responses._encoder.encode({"s": "\ud800"})
