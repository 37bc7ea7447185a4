"""GET /products: pagination headers and Link, filters, ordering."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from service import catalog
from service.common.clock import FrozenClock

BASE = "/wp-json/woonoow/v1"


@pytest.fixture
def clock():
    return FrozenClock()


async def make(ctx, clock, name, **fields):
    clock.advance(minutes=1)
    return await catalog.create_product(ctx, {"name": name, **fields})


def links(resp) -> dict[str, dict[str, list[str]]]:
    out = {}
    for part in resp.headers.get("Link", "").split(", "):
        if not part:
            continue
        url, rel = part.split("; ")
        parsed = urlparse(url.strip("<>"))
        out[rel.split('"')[1]] = {"path": parsed.path, **parse_qs(parsed.query)}
    return out


async def test_pagination_headers_and_link(client, ctx, clock, manager):
    for i in range(12):
        await make(ctx, clock, f"Item {i:02d}")
    resp = await client.get(f"{BASE}/products?per_page=5&search=Item", headers=manager.auth)
    assert resp.status == 200
    assert resp.headers["X-WP-Total"] == "12"
    assert resp.headers["X-WP-TotalPages"] == "3"
    first = await resp.json()
    assert [p["name"] for p in first] == [f"Item {i:02d}" for i in (11, 10, 9, 8, 7)]
    rels = links(resp)
    assert set(rels) == {"next"}
    assert rels["next"]["path"] == f"{BASE}/products"
    assert rels["next"]["page"] == ["2"]
    assert rels["next"]["per_page"] == ["5"] and rels["next"]["search"] == ["Item"]

    resp = await client.get(f"{BASE}/products?per_page=5&page=2", headers=manager.auth)
    assert set(links(resp)) == {"prev", "next"}
    assert links(resp)["prev"]["page"] == ["1"]
    resp = await client.get(f"{BASE}/products?per_page=5&page=3", headers=manager.auth)
    assert len(await resp.json()) == 2
    assert set(links(resp)) == {"prev"}

    # A page past the end is an empty list with the same totals (WooCommerce).
    resp = await client.get(f"{BASE}/products?per_page=5&page=9", headers=manager.auth)
    assert resp.status == 200 and await resp.json() == []
    assert resp.headers["X-WP-Total"] == "12"
    assert links(resp)["prev"]["page"] == ["3"]


async def test_empty_collection_has_headers(client, manager):
    resp = await client.get(f"{BASE}/products", headers=manager.auth)
    assert await resp.json() == []
    assert resp.headers["X-WP-Total"] == "0"
    assert resp.headers["X-WP-TotalPages"] == "0"
    assert "api.w.org" in resp.headers["Link"]  # no paging links: only discovery


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("orderby=rating", "orderby"),
        ("order=sideways", "order"),
        ("status=gone", "status"),
        ("type=external", "type"),
        ("stock_status=none", "stock_status"),
        ("on_sale=maybe", "on_sale"),
        ("include=1,x", "include"),
        ("min_price=cheap", "min_price"),
        ("category=kitchen", "category"),
    ],
)
async def test_bad_list_params_are_400(client, manager, query, param):
    resp = await client.get(f"{BASE}/products?{query}", headers=manager.auth)
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "rest_invalid_param"
    assert param in body["data"]["params"]


async def test_per_page_message_matches_wordpress(client, manager):
    resp = await client.get(f"{BASE}/products?per_page=101", headers=manager.auth)
    body = await resp.json()
    assert body["message"] == "Invalid parameter(s): per_page"
    assert body["data"]["params"]["per_page"] == (
        "per_page must be between 1 (inclusive) and 100 (inclusive)"
    )


async def names(client, account, query):
    resp = await client.get(f"{BASE}/products?{query}", headers=account.auth)
    assert resp.status == 200, await resp.text()
    return [p["name"] for p in await resp.json()]


async def test_filters(client, ctx, clock, manager):
    kitchen = await catalog.create_category(ctx, {"name": "Kitchen"})
    cups = await catalog.create_category(ctx, {"name": "Cups", "parent": kitchen["id"]})
    garden = await catalog.create_category(ctx, {"name": "Garden"})
    sale = await catalog.create_tag(ctx, {"name": "Sale"})
    await make(
        ctx, clock, "Mug", sku="MUG", regular_price="10", sale_price="8",
        categories=[{"id": cups["id"]}], tags=[{"id": sale["id"]}],
    )  # fmt: skip
    await make(ctx, clock, "Pan", sku="PAN", regular_price="30", categories=[{"id": kitchen["id"]}])
    await make(
        ctx, clock, "Rake", sku="RAKE", regular_price="20", categories=[{"id": garden["id"]}],
        manage_stock=True, stock_quantity=0, featured=True,
    )  # fmt: skip
    await make(ctx, clock, "Draft", status="draft", regular_price="5")
    shirt = await make(
        ctx, clock, "Shirt", type="variable",
        attributes=[{"name": "Size", "variation": True, "options": ["S", "L"]}],
        variations=[
            {"regular_price": "15", "sku": "SHIRT-S",
             "attributes": [{"name": "Size", "option": "S"}]},
            {"regular_price": "25", "attributes": [{"name": "Size", "option": "L"}]},
        ],
    )  # fmt: skip
    trashed = await make(ctx, clock, "Gone", regular_price="1")
    await catalog.delete_product(ctx, trashed["id"])

    assert await names(client, manager, "category=" + str(kitchen["id"])) == ["Pan", "Mug"]
    assert await names(client, manager, f"category={cups['id']},{garden['id']}") == ["Rake", "Mug"]
    assert await names(client, manager, f"tag={sale['id']}") == ["Mug"]
    assert await names(client, manager, "sku=mug,rake") == ["Rake", "Mug"]
    assert await names(client, manager, "search=shirt-s") == ["Shirt"]
    assert await names(client, manager, "status=draft") == ["Draft"]
    assert await names(client, manager, "status=trash") == ["Gone"]
    assert "Gone" not in await names(client, manager, "per_page=100")
    assert await names(client, manager, "type=variable") == ["Shirt"]
    assert await names(client, manager, "stock_status=outofstock") == ["Rake"]
    assert await names(client, manager, "on_sale=true") == ["Mug"]
    assert "Mug" not in await names(client, manager, "on_sale=false")
    assert await names(client, manager, "featured=true") == ["Rake"]
    # Mug sells at 8 on sale; a variable product at its cheapest variation (15).
    assert await names(client, manager, "min_price=8&max_price=20&orderby=price&order=asc") == [
        "Mug",
        "Shirt",
        "Rake",
    ]
    assert await names(client, manager, f"include={shirt['id']}") == ["Shirt"]
    assert "Shirt" not in await names(client, manager, f"exclude={shirt['id']}")
    assert await names(client, manager, "category=999999") == []


async def test_orderby(client, ctx, clock, manager):
    for name, price in (("Banana", "3"), ("apple", "9"), ("Cherry", "1")):
        await make(ctx, clock, name, regular_price=price)
    assert await names(client, manager, "orderby=title&order=asc") == ["apple", "Banana", "Cherry"]
    assert await names(client, manager, "orderby=price&order=desc") == ["apple", "Banana", "Cherry"]
    assert await names(client, manager, "orderby=id&order=asc") == ["Banana", "apple", "Cherry"]
    assert await names(client, manager, "orderby=slug&order=desc") == ["Cherry", "Banana", "apple"]
    assert await names(client, manager, "") == ["Cherry", "apple", "Banana"]
    items, total = await catalog.list_products(ctx, catalog.ProductFilters(per_page=2))
    assert total == 3 and len(items) == 2


async def test_offset(client, ctx, clock, manager):
    for i in range(4):
        await make(ctx, clock, f"P{i}")
    assert await names(client, manager, "offset=1&per_page=2&orderby=id&order=asc") == ["P1", "P2"]
