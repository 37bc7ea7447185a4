"""/products/categories, /products/tags, /products/attributes, and the order-form
searches /products/search and /customers/search (OrdersController)."""

from __future__ import annotations

import pytest

from service import catalog
from service.accounts import customers
from service.common.errors import ServiceError

BASE = "/wp-json/woonoow/v1"


async def post(client, account, path, payload):
    return await client.post(f"{BASE}{path}", json=payload, headers=account.auth)


async def test_create_category_fields_and_201(client, manager):
    resp = await post(
        client,
        manager,
        "/products/categories",
        {
            "name": "لوازم آشپزخانه",
            "description": "همه چیز برای آشپزخانه",
            "image": {"src": "https://cdn.example.com/kitchen.png"},
        },
    )
    assert resp.status == 201
    category = await resp.json()
    assert category["name"] == "لوازم آشپزخانه"
    assert category["slug"] == "لوازم-آشپزخانه"
    assert category["parent"] == 0 and category["count"] == 0
    assert category["display"] == "default"
    assert category["image"]["src"] == "https://cdn.example.com/kitchen.png"
    assert "collection" in category["_links"]


async def test_category_parent_must_exist(client, manager):
    resp = await post(client, manager, "/products/categories", {"name": "Orphan", "parent": 9999})
    assert resp.status == 404
    body = await resp.json()
    assert body["code"] == "woocommerce_rest_term_invalid"
    assert body["message"] == "Parent resource does not exist."


async def test_a_tag_is_not_a_parent_category(client, manager):
    tag = await (await post(client, manager, "/products/tags", {"name": "Hot"})).json()
    resp = await post(client, manager, "/products/categories", {"name": "X", "parent": tag["id"]})
    assert resp.status == 404


async def test_duplicate_name_under_same_parent_is_term_exists(client, manager):
    parent = await (await post(client, manager, "/products/categories", {"name": "Tea"})).json()
    first = await (
        await post(
            client, manager, "/products/categories", {"name": "Green", "parent": parent["id"]}
        )
    ).json()
    resp = await post(
        client, manager, "/products/categories", {"name": "green", "parent": parent["id"]}
    )
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "term_exists"
    assert body["data"]["resource_id"] == first["id"]
    # The same name elsewhere is fine; its slug gets a suffix.
    other = await post(client, manager, "/products/categories", {"name": "Green"})
    assert other.status == 201
    assert (await other.json())["slug"] == "green-2"


async def test_explicit_slug_must_be_free(client, manager):
    await post(client, manager, "/products/categories", {"name": "Coffee"})
    resp = await post(client, manager, "/products/categories", {"name": "Beans", "slug": "coffee"})
    assert resp.status == 400
    assert (await resp.json())["code"] == "duplicate_term_slug"


async def test_category_parent_cannot_make_a_cycle(ctx):
    top = await catalog.create_category(ctx, {"name": "Top"})
    mid = await catalog.create_category(ctx, {"name": "Mid", "parent": top["id"]})
    low = await catalog.create_category(ctx, {"name": "Low", "parent": mid["id"]})
    for parent in (top["id"], low["id"]):
        with pytest.raises(ServiceError) as err:
            await catalog.update_category(ctx, top["id"], {"parent": parent})
        assert err.value.code == "rest_invalid_param"
        assert "parent" in err.value.data["params"]
    moved = await catalog.update_category(ctx, low["id"], {"parent": 0})
    assert moved["parent"] == 0


async def test_delete_category_needs_force_and_reparents_children(ctx):
    top = await catalog.create_category(ctx, {"name": "Top"})
    mid = await catalog.create_category(ctx, {"name": "Mid", "parent": top["id"]})
    low = await catalog.create_category(ctx, {"name": "Low", "parent": mid["id"]})
    with pytest.raises(ServiceError) as err:
        await catalog.delete_category(ctx, mid["id"])
    assert (err.value.code, err.value.status) == ("woocommerce_rest_trash_not_supported", 501)
    await catalog.delete_category(ctx, mid["id"], force=True)
    assert (await catalog.get_category(ctx, low["id"]))["parent"] == top["id"]


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"name": ""}, "name"),
        ({"name": "X", "parent": -1}, "parent"),
        ({"name": "X", "parent": "top"}, "parent"),
        ({"name": "X", "display": "grid"}, "display"),
        ({"name": "X", "image": {"src": "ftp://nope"}}, "image"),
        ({"name": "X", "image": "kitchen.png"}, "image"),
        ({"name": "X" * 201}, "name"),
    ],
)
async def test_bad_category_input(client, manager, payload, param):
    resp = await post(client, manager, "/products/categories", payload)
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "rest_invalid_param"
    assert any(k.startswith(param) for k in body["data"]["params"])
    listed = await client.get(f"{BASE}/products/categories", headers=manager.auth)
    assert listed.headers["X-WP-Total"] == "0"


async def test_category_list_filters_counts_and_pagination(client, ctx, manager):
    kitchen = await catalog.create_category(ctx, {"name": "Kitchen"})
    await catalog.create_category(ctx, {"name": "Cups", "parent": kitchen["id"]})
    await catalog.create_category(ctx, {"name": "Bath"})
    for name, status in (("A", "publish"), ("B", "publish"), ("C", "draft")):
        await catalog.create_product(
            ctx, {"name": name, "status": status, "categories": [{"id": kitchen["id"]}]}
        )
    resp = await client.get(f"{BASE}/products/categories", headers=manager.auth)
    rows = await resp.json()
    assert [c["name"] for c in rows] == ["Bath", "Cups", "Kitchen"]
    assert {c["name"]: c["count"] for c in rows} == {"Bath": 0, "Cups": 0, "Kitchen": 2}
    resp = await client.get(f"{BASE}/products/categories?parent=0", headers=manager.auth)
    assert [c["name"] for c in await resp.json()] == ["Bath", "Kitchen"]
    resp = await client.get(f"{BASE}/products/categories?hide_empty=true", headers=manager.auth)
    assert [c["name"] for c in await resp.json()] == ["Kitchen"]
    resp = await client.get(
        f"{BASE}/products/categories?orderby=count&order=desc&per_page=1", headers=manager.auth
    )
    assert [c["name"] for c in await resp.json()] == ["Kitchen"]
    assert resp.headers["X-WP-Total"] == "3" and resp.headers["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in resp.headers["Link"]
    resp = await client.get(f"{BASE}/products/categories?search=cup", headers=manager.auth)
    assert [c["name"] for c in await resp.json()] == ["Cups"]
    resp = await client.get(f"{BASE}/products/categories?per_page=101", headers=manager.auth)
    assert resp.status == 400


async def test_tags(client, manager):
    resp = await post(client, manager, "/products/tags", {"name": "تخفیف ویژه"})
    assert resp.status == 201
    tag = await resp.json()
    assert set(tag) == {"id", "name", "slug", "description", "count", "_links"}
    assert tag["slug"] == "تخفیف-ویژه"
    dup = await post(client, manager, "/products/tags", {"name": "تخفیف ویژه"})
    assert dup.status == 400 and (await dup.json())["code"] == "term_exists"
    resp = await client.get(f"{BASE}/products/tags", headers=manager.auth)
    assert [t["name"] for t in await resp.json()] == ["تخفیف ویژه"]
    assert resp.headers["X-WP-Total"] == "1"


async def test_attributes_list_global_attributes_with_terms(client, ctx, manager):
    await catalog.create_attribute(ctx, "Color", ["Red", "Blue"])
    await catalog.create_product(
        ctx,
        {
            "name": "Shirt",
            "type": "variable",
            "attributes": [{"name": "color", "variation": True, "options": ["red", "Green"]}],
            "variations": [
                {"regular_price": "9", "attributes": [{"name": "Color", "option": "Red"}]}
            ],
        },
    )
    resp = await client.get(f"{BASE}/products/attributes", headers=manager.auth)
    assert resp.status == 200
    [color] = await resp.json()
    assert color["name"] == "Color" and color["slug"] == "pa_color"
    terms = {t["name"]: t["count"] for t in color["terms"]}
    # A new option of a global attribute becomes a term, as in WooCommerce.
    assert terms == {"Blue": 0, "Green": 1, "Red": 1}


# -- order-form searches (OrdersController) -------------------------------------------
async def test_product_search_is_owned_by_orders_controller(ctx):
    matches = [
        r for r in ctx.registry.routes("woonoow/v1") if r.pattern.endswith("/products/search")
    ]
    assert [r.owner for r in matches] == ["OrdersController"]
    order = [r.pattern.removeprefix("/woonoow/v1") for r in ctx.registry.routes("woonoow/v1")]
    assert order.index("/products") < order.index("/products/search")
    assert order.index("/products/search") < order.index("/customers")
    assert order.index("/settings") < order.index("/products")


async def test_product_search(client, ctx, manager):
    for i in range(25):
        await catalog.create_product(
            ctx, {"name": f"Widget {i}", "sku": f"W-{i}", "regular_price": "2"}
        )
    mug = await catalog.create_product(
        ctx,
        {
            "name": "Mug",
            "sku": "CUP-9",
            "regular_price": "4",
            "manage_stock": True,
            "stock_quantity": 6,
        },
    )
    resp = await client.get(f"{BASE}/products/search?s=widget", headers=manager.auth)
    assert resp.status == 200
    assert len(await resp.json()) == 20
    resp = await client.get(f"{BASE}/products/search?s=cup-9", headers=manager.auth)
    [found] = await resp.json()
    assert found["id"] == mug["id"] and found["name"] == "Mug"
    assert found["sku"] == "CUP-9" and found["price"] == "4.00" and found["stock"] == 6
    resp = await client.get(f"{BASE}/products/search?s={mug['id']}", headers=manager.auth)
    assert mug["id"] in [p["id"] for p in await resp.json()]
    resp = await client.get(f"{BASE}/products/search?s=%25", headers=manager.auth)
    assert await resp.json() == []


async def test_customer_search(client, ctx, manager):
    await customers.create_customer(
        ctx, {"email": "reza@example.com", "first_name": "رضا", "last_name": "کریمی"}
    )
    await customers.create_customer(ctx, {"email": "jane@example.com", "first_name": "Jane"})
    resp = await client.get(f"{BASE}/customers/search?s=کریمی", headers=manager.auth)
    assert resp.status == 200
    [found] = await resp.json()
    assert found["name"] == "رضا کریمی" and found["email"] == "reza@example.com"
    resp = await client.get(f"{BASE}/customers/search?s=JANE@", headers=manager.auth)
    assert [c["email"] for c in await resp.json()] == ["jane@example.com"]
    # Staff are not customers.
    resp = await client.get(f"{BASE}/customers/search?s=manager", headers=manager.auth)
    assert await resp.json() == []


async def test_namespace_index_lists_the_routes_and_their_args(client):
    resp = await client.get(f"{BASE}")
    assert resp.status == 200
    routes = (await resp.json())["routes"]
    products = routes["/woonoow/v1/products"]
    assert products["methods"] == ["GET", "POST"]
    list_args = products["endpoints"][0]["args"]
    assert list_args["per_page"] == {
        "description": "Maximum number of items to be returned in result set.",
        "default": 10,
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "required": False,
    }
    assert products["endpoints"][1]["args"]["name"]["required"] is True
    assert "/woonoow/v1/products/(?P<id>[\\d]+)" in routes
    for path in ("/settings/tax", "/products/search", "/customers/search", "/customers"):
        assert f"/woonoow/v1{path}" in routes


async def test_rest_route_query_and_head(client, manager):
    resp = await client.get("/?rest_route=/woonoow/v1/products/categories", headers=manager.auth)
    assert resp.status == 200 and resp.headers["X-WP-Total"] == "0"
    resp = await client.head(f"{BASE}/products", headers=manager.auth)
    assert resp.status == 200 and resp.headers["X-WP-Total"] == "0"
