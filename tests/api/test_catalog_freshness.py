"""A product is served fresh on the very next request after a write is acknowledged, on
every read path (shop list, shop product page, admin list, admin product), whether the
write came through this API or from a second Context on the same database file (the
console with ``--no-api``, another process): the render cache (service/catalog/cache.py)
checks the versions the write bumped in its own transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from storefront_support import W, setup_shop, simple, variable

from service import catalog
from service.app.context import Context
from service.common.clock import FrozenClock
from service.common.config import Settings
from service.orders import crud as orders
from service.settings import shop_settings

VIEWS = ("shop list", "shop product", "admin list", "admin product")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
async def shop(ctx) -> dict[str, Any]:
    await setup_shop(ctx)
    mugs = await catalog.create_category(ctx, {"name": "Mugs"})
    in_mugs = [{"id": mugs["id"]}]
    mug = await simple(
        ctx, "Blue Mug", "12.00", manage_stock=True, stock_quantity=5, categories=in_mugs
    )
    tee = await variable(ctx, "Logo Tee", "20.00", ["S", "M"], ["Red"], categories=in_mugs)
    return {"mugs": mugs["id"], "mug": mug["id"], "tee": tee["id"], "tee_variations": tee}


@pytest.fixture
async def other(settings: Settings, ctx) -> AsyncIterator[Context]:
    """A second Context on the same database file, as the console with --no-api."""
    second = await Context.open(settings, ctx.clock)
    yield second
    await second.close()


class Writer:
    """The same writes through this API (or this process's services where the API has
    no route) or through a second Context's services."""

    def __init__(self, via: str, client: Any, admin: Any, ctx: Context, other: Context):
        self.via, self.client, self.admin = via, client, admin
        self.ctx = ctx if via == "api" else other

    async def _put(self, path: str, body: dict[str, Any]) -> None:
        resp = await self.client.put(f"{W}{path}", json=body, headers=self.admin.auth)
        assert resp.status == 200, await resp.text()

    async def update_product(self, product_id: int, body: dict[str, Any]) -> None:
        if self.via == "api":
            await self._put(f"/products/{product_id}", body)
        else:
            await catalog.update_product(self.ctx, product_id, body)

    async def order(self, body: dict[str, Any]) -> None:
        if self.via == "api":
            resp = await self.client.post(f"{W}/orders", json=body, headers=self.admin.auth)
            assert resp.status == 201, await resp.text()
        else:
            await orders.create_order(self.ctx, body)

    async def rename_category(self, term_id: int, name: str) -> None:
        # The API has no category update route: the console's service call.
        await catalog.update_category(self.ctx, term_id, {"name": name})

    async def settings(self, patch: dict[str, Any]) -> None:
        if self.via == "api":
            await self._put("/settings", patch)
        else:
            await shop_settings.update_settings(self.ctx, patch)


@pytest.fixture(params=["api", "second_context"])
def writer(request, client, admin, ctx, other) -> Writer:
    return Writer(request.param, client, admin, ctx, other)


async def _json(resp: Any) -> Any:
    body = await resp.json()
    assert resp.status == 200, body
    return body


async def views(client, admin, product_id: int) -> dict[str, dict[str, Any]]:
    """The product as each read path serves it, one request each."""
    shop_list = await _json(await client.get(f"{W}/shop/products", params={"per_page": 100}))
    admin_list = await _json(
        await client.get(f"{W}/products", params={"per_page": 100}, headers=admin.auth)
    )
    return {
        "shop list": next(p for p in shop_list if p["id"] == product_id),
        "shop product": await _json(await client.get(f"{W}/shop/products/{product_id}")),
        "admin list": next(p for p in admin_list if p["id"] == product_id),
        "admin product": await _json(
            await client.get(f"{W}/products/{product_id}", headers=admin.auth)
        ),
    }


async def warm(client, admin, ctx, *product_ids: int) -> None:
    """Every path read twice: every render below is served from the cache until a write."""
    for product_id in product_ids:
        await views(client, admin, product_id)
        await views(client, admin, product_id)
    assert len(ctx.catalog_cache) >= len(product_ids)


async def test_a_product_update(client, admin, ctx, shop, writer):
    await warm(client, admin, ctx, shop["mug"])
    await writer.update_product(shop["mug"], {"name": "Green Mug", "regular_price": "15.00"})
    for name, product in (await views(client, admin, shop["mug"])).items():
        assert (product["name"], product["price"]) == ("Green Mug", "15.00"), name


async def test_a_variation_change(client, admin, ctx, shop, writer):
    small, medium = (v["id"] for v in shop["tee_variations"]["variations"])
    await warm(client, admin, ctx, shop["tee"])
    await writer.update_product(
        shop["tee"], {"variations": [{"id": small}, {"id": medium, "regular_price": "26.00"}]}
    )
    seen = await views(client, admin, shop["tee"])
    for name in ("admin list", "admin product"):
        prices = [v["regular_price"] for v in seen[name]["variations"]]
        assert prices == ["20.00", "26.00"], name
    for name in ("shop list", "shop product"):
        assert seen[name]["price_html"] == "$20.00 – $26.00", name
    assert [v["price"] for v in seen["shop product"]["variations"]] == ["20.00", "26.00"]


async def test_a_stock_change_through_an_order(client, admin, ctx, shop, writer):
    await warm(client, admin, ctx, shop["mug"])
    line = {"product_id": shop["mug"], "quantity": 2}
    await writer.order({"line_items": [line], "status": "processing"})
    seen = await views(client, admin, shop["mug"])
    for name in VIEWS:
        assert seen[name]["stock_quantity"] == 3, name
    for name in ("admin list", "admin product"):
        assert seen[name]["total_sales"] == 2, name
    for name in ("shop list", "shop product"):
        assert seen[name]["low_stock_remaining"] == 3, name


async def test_a_category_rename_shows_in_its_products(client, admin, ctx, shop, writer):
    await warm(client, admin, ctx, shop["mug"], shop["tee"])
    await writer.rename_category(shop["mugs"], "Cups")
    for product_id in (shop["mug"], shop["tee"]):
        for name, product in (await views(client, admin, product_id)).items():
            assert [c["name"] for c in product["categories"]] == ["Cups"], name


async def test_a_settings_currency_and_decimals_change(client, admin, ctx, shop, writer):
    await warm(client, admin, ctx, shop["mug"], shop["tee"])
    await writer.settings({"store": {"currency": "EUR"}})
    seen = await views(client, admin, shop["mug"])
    for name in ("shop list", "shop product"):
        assert seen[name]["prices"]["currency_code"] == "EUR", name
        assert "€" in seen[name]["price_html"], name
    await writer.settings({"store": {"decimals": 3}})
    for name, product in (await views(client, admin, shop["tee"])).items():
        assert product["price"] == "20.000", name


async def test_a_trashed_product_leaves_the_shop(client, admin, ctx, shop, writer):
    await warm(client, admin, ctx, shop["mug"])
    await writer.update_product(shop["mug"], {"status": "draft"})
    shop_list = await _json(await client.get(f"{W}/shop/products", params={"per_page": 100}))
    assert shop["mug"] not in [p["id"] for p in shop_list]
    page = await client.get(f"{W}/shop/products/{shop['mug']}")
    assert page.status == 404
    assert (await page.json())["code"] == "woocommerce_rest_product_invalid_id"
    admin_view = await _json(await client.get(f"{W}/products/{shop['mug']}", headers=admin.auth))
    assert admin_view["status"] == "draft"


async def test_a_sale_starts_and_ends_when_the_clock_says(client, admin, ctx, shop, clock):
    """No write at all: the price follows the sale dates (12:00 now, a sale 12:05-12:10)."""
    sale = {"date_on_sale_from": "2026-01-01T12:05:00", "date_on_sale_to": "2026-01-01T12:10:00"}
    await catalog.update_product(ctx, shop["mug"], {"sale_price": "9.00", **sale})
    await warm(client, admin, ctx, shop["mug"])
    # Forward through both ends (each one included in the sale), then back (a clock reset).
    for minutes, expected in ((4, (False, "12.00")), (1, (True, "9.00")), (4, (True, "9.00")),
                              (1, (True, "9.00")), (1, (False, "12.00")), (-3, (True, "9.00")),
                              (-5, (False, "12.00"))):  # fmt: skip
        clock.advance(minutes=minutes)
        for name, product in (await views(client, admin, shop["mug"])).items():
            assert (product["on_sale"], product["price"]) == expected, (clock.at, name)


async def test_an_image_change_shows_in_every_product_that_uses_it(
    client, admin, ctx, shop, writer
):
    """Media are one per URL: a new alt text given on one product shows on the other."""
    image = {"src": "https://img.test/mug.png", "alt": "A mug"}
    await catalog.update_product(ctx, shop["mug"], {"images": [image]})
    await catalog.update_product(ctx, shop["tee"], {"images": [image]})
    await warm(client, admin, ctx, shop["tee"])
    await writer.update_product(shop["mug"], {"images": [{**image, "alt": "The blue mug"}]})
    for name, product in (await views(client, admin, shop["tee"])).items():
        assert product["images"][0]["alt"] == "The blue mug", name
