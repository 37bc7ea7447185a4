"""/products and /products/{id}: fields, create/update/delete, trash and force, unique
slug and SKU, validation errors in WordPress's shape, permissions."""

from __future__ import annotations

from urllib.parse import quote

import pytest

BASE = "/wp-json/woonoow/v1"


async def create(client, account, **fields):
    resp = await client.post(f"{BASE}/products", json=fields, headers=account.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_create_returns_201_location_and_woocommerce_fields(client, manager, settings):
    resp = await client.post(
        f"{BASE}/products",
        json={
            "name": "Ceramic Mug",
            "regular_price": "12.5",
            "sku": "MUG-1",
            "description": "<p>Holds coffee</p>",
            "manage_stock": True,
            "stock_quantity": 7,
            "images": [{"src": "https://cdn.example.com/mug.jpg", "alt": "A mug"}],
        },
        headers=manager.auth,
    )
    assert resp.status == 201
    product = await resp.json()
    assert resp.headers["Location"] == f"{settings.base_url}{BASE}/products/{product['id']}"
    assert product["_links"]["self"][0]["href"] == resp.headers["Location"]
    assert product["slug"] == "ceramic-mug"
    assert product["permalink"] == f"{settings.base_url}/product/ceramic-mug/"
    assert product["type"] == "simple" and product["status"] == "publish"
    assert product["price"] == product["regular_price"] == "12.50"
    assert product["sale_price"] == "" and product["on_sale"] is False
    assert product["stock_quantity"] == 7 and product["stock_status"] == "instock"
    assert product["backorders"] == "no"
    assert product["images"][0]["src"] == "https://cdn.example.com/mug.jpg"
    assert product["images"][0]["alt"] == "A mug"
    assert product["date_created"] == product["date_created_gmt"]
    assert "Z" not in product["date_created"] and len(product["date_created"]) == 19
    assert product["license_activation_method"] == "simple"
    assert product["license_activation_limit"] is None

    fetched = await client.get(f"{BASE}/products/{product['id']}", headers=manager.auth)
    assert fetched.status == 200
    assert (await fetched.json()) == product


async def test_persian_name_round_trips_and_keeps_a_persian_slug(client, manager):
    product = await create(client, manager, name="ماگ سرامیکی قهوه", regular_price="100")
    assert product["name"] == "ماگ سرامیکی قهوه"
    assert product["slug"] == "ماگ-سرامیکی-قهوه"
    assert product["permalink"].endswith("/product/" + quote("ماگ-سرامیکی-قهوه") + "/")
    again = await create(client, manager, name="ماگ سرامیکی قهوه", regular_price="100")
    assert again["slug"] == "ماگ-سرامیکی-قهوه-2"
    third = await create(client, manager, name="Mug", slug="ماگ سرامیکی قهوه")
    assert third["slug"] == "ماگ-سرامیکی-قهوه-3"


async def test_sale_price_sets_price_and_on_sale(client, manager):
    product = await create(client, manager, name="Tea", regular_price="10", sale_price="7.25")
    assert product["price"] == "7.25" and product["on_sale"] is True
    later = await create(
        client,
        manager,
        name="Later",
        regular_price="10",
        sale_price="5",
        date_on_sale_from="2999-01-01",
        date_on_sale_to="2999-01-31",
    )
    assert later["price"] == "10.00" and later["on_sale"] is False
    assert later["date_on_sale_from"] == "2999-01-01T00:00:00"
    assert later["date_on_sale_to"] == "2999-01-31T23:59:59"


async def test_managed_stock_derives_status(client, manager):
    none_left = await create(client, manager, name="A", manage_stock=True, stock_quantity=0)
    assert none_left["stock_status"] == "outofstock"
    backorder = await create(
        client, manager, name="B", manage_stock=True, stock_quantity=0, backorders="notify"
    )
    assert backorder["stock_status"] == "onbackorder" and backorder["backordered"] is True
    unmanaged = await create(client, manager, name="C", stock_status="outofstock")
    assert unmanaged["stock_quantity"] is None and unmanaged["stock_status"] == "outofstock"
    # A managed quantity wins over a stock_status sent with it.
    forced = await create(
        client, manager, name="D", manage_stock=True, stock_quantity=3, stock_status="outofstock"
    )
    assert forced["stock_status"] == "instock"


async def test_update_is_partial(client, manager):
    product = await create(
        client, manager, name="Lamp", regular_price="40", sku="LAMP", short_description="Bright"
    )
    resp = await client.put(
        f"{BASE}/products/{product['id']}", json={"sale_price": "30"}, headers=manager.auth
    )
    assert resp.status == 200
    updated = await resp.json()
    assert updated["price"] == "30.00" and updated["on_sale"] is True
    assert updated["name"] == "Lamp" and updated["sku"] == "LAMP"
    assert updated["short_description"] == "Bright"
    assert updated["slug"] == product["slug"]
    # PATCH and POST update too (WordPress's EDITABLE).
    resp = await client.patch(
        f"{BASE}/products/{product['id']}", json={"name": "Desk Lamp"}, headers=manager.auth
    )
    assert (await resp.json())["name"] == "Desk Lamp"
    assert (await resp.json())["slug"] == "lamp"


async def test_licensing_fields(client, manager):
    product = await create(
        client,
        manager,
        name="Pro Plugin",
        regular_price="49",
        virtual=True,
        downloadable=True,
        downloads=[{"name": "plugin.zip", "file": "https://example.com/plugin.zip"}],
        licensing_enabled=True,
        license_activation_method="oauth",
        license_activation_limit=3,
        license_validity_days=365,
    )
    assert product["licensing_enabled"] is True
    assert product["license_activation_method"] == "oauth"
    assert product["license_activation_limit"] == 3
    assert product["license_validity_days"] == 365
    assert product["downloads"][0]["file"] == "https://example.com/plugin.zip"
    assert product["downloads"][0]["id"]
    assert product["shipping_required"] is False
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={"license_activation_limit": None},
        headers=manager.auth,
    )
    assert (await resp.json())["license_activation_limit"] is None


async def test_unique_sku_any_case_and_trash_frees_it(client, manager):
    first = await create(client, manager, name="One", sku="ABC-1")
    resp = await client.post(
        f"{BASE}/products", json={"name": "Two", "sku": "abc-1"}, headers=manager.auth
    )
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "product_invalid_sku"
    assert body["data"]["status"] == 400
    assert body["data"]["resource_id"] == first["id"]
    assert body["data"]["unique_sku"] == "abc-1-1"
    other = await create(client, manager, name="Other")
    resp = await client.put(
        f"{BASE}/products/{other['id']}", json={"sku": "ABC-1"}, headers=manager.auth
    )
    assert resp.status == 400
    # Keeping one's own SKU is fine.
    resp = await client.put(
        f"{BASE}/products/{first['id']}", json={"sku": "ABC-1", "name": "Uno"}, headers=manager.auth
    )
    assert resp.status == 200
    await client.delete(f"{BASE}/products/{first['id']}", headers=manager.auth)
    assert (await create(client, manager, name="Three", sku="ABC-1"))["sku"] == "ABC-1"


async def test_delete_trashes_then_410_then_force_deletes(client, manager):
    product = await create(client, manager, name="Old", sku="OLD")
    url = f"{BASE}/products/{product['id']}"
    resp = await client.delete(url, headers=manager.auth)
    assert resp.status == 200
    assert (await resp.json())["status"] == "trash"
    assert (await (await client.get(url, headers=manager.auth)).json())["status"] == "trash"
    listed = await client.get(f"{BASE}/products", headers=manager.auth)
    assert product["id"] not in [p["id"] for p in await listed.json()]

    resp = await client.delete(url, headers=manager.auth)
    assert resp.status == 410
    body = await resp.json()
    assert body == {
        "code": "woocommerce_rest_already_trashed",
        "message": "The product has already been deleted.",
        "data": {"status": 410},
    }

    resp = await client.delete(url + "?force=true", headers=manager.auth)
    assert resp.status == 200
    assert (await resp.json())["id"] == product["id"]
    assert (await client.get(url, headers=manager.auth)).status == 404


async def test_untrash_by_status_update(client, manager):
    product = await create(client, manager, name="Back", sku="BACK")
    url = f"{BASE}/products/{product['id']}"
    await client.delete(url, headers=manager.auth)
    resp = await client.put(url, json={"status": "publish"}, headers=manager.auth)
    assert (await resp.json())["status"] == "publish"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
async def test_unknown_id_is_404_invalid_id(client, manager, method):
    resp = await getattr(client, method)(f"{BASE}/products/999999", headers=manager.auth)
    assert resp.status == 404
    body = await resp.json()
    assert body == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }


async def test_variation_id_is_not_a_product(client, manager):
    product = await create(
        client,
        manager,
        name="Shirt",
        type="variable",
        attributes=[{"name": "Size", "variation": True, "options": ["S", "M"]}],
        variations=[{"regular_price": "10", "attributes": [{"name": "Size", "option": "S"}]}],
    )
    variation_id = product["variations"][0]["id"]
    resp = await client.get(f"{BASE}/products/{variation_id}", headers=manager.auth)
    assert resp.status == 404


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"name": "X", "regular_price": "abc"}, "regular_price"),
        ({"name": "X", "regular_price": "-5"}, "regular_price"),
        ({"name": "X", "sale_price": "1.2.3"}, "sale_price"),
        ({"name": "X", "stock_quantity": -1}, "stock_quantity"),
        ({"name": "X", "stock_quantity": "many"}, "stock_quantity"),
        ({"name": "X", "status": "archived"}, "status"),
        ({"name": "X", "type": "grouped"}, "type"),
        ({"name": "X", "backorders": "maybe"}, "backorders"),
        ({"name": "X", "stock_status": "gone"}, "stock_status"),
        ({"name": "X", "manage_stock": "perhaps"}, "manage_stock"),
        ({"name": "X", "categories": [{"id": 424242}]}, "categories"),
        ({"name": "X", "tags": [{"id": 424242}]}, "tags"),
        ({"name": "X", "categories": "Kitchen"}, "categories"),
        ({"name": "X", "images": [{"src": "not a url"}]}, "images"),
        ({"name": "X", "license_activation_method": "magic"}, "license_activation_method"),
        ({"name": "X", "license_activation_limit": 0}, "license_activation_limit"),
        ({"name": "X", "tax_class": "luxury"}, "tax_class"),
        ({"name": "X", "date_on_sale_from": "someday"}, "date_on_sale_from"),
        (
            {"name": "X", "date_on_sale_from": "2030-02-01", "date_on_sale_to": "2030-01-01"},
            "date_on_sale_to",
        ),
        ({"name": "X", "variations": [{"regular_price": "1"}]}, "variations"),
        ({"name": "   "}, "name"),
    ],
)
async def test_bad_input_is_rest_invalid_param_and_writes_nothing(client, manager, payload, param):
    resp = await client.post(f"{BASE}/products", json=payload, headers=manager.auth)
    assert resp.status == 400, await resp.text()
    body = await resp.json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["status"] == 400
    assert any(key.startswith(param) for key in body["data"]["params"]), body
    listed = await client.get(f"{BASE}/products?status=any", headers=manager.auth)
    assert listed.headers["X-WP-Total"] == "0"


async def test_missing_name_is_rest_missing_callback_param(client, manager):
    resp = await client.post(f"{BASE}/products", json={"sku": "X"}, headers=manager.auth)
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "rest_missing_callback_param"
    assert body["data"]["params"] == ["name"]


async def test_failed_update_changes_nothing(client, manager):
    product = await create(client, manager, name="Keep", regular_price="5")
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={"name": "Changed", "regular_price": "oops"},
        headers=manager.auth,
    )
    assert resp.status == 400
    again = await (
        await client.get(f"{BASE}/products/{product['id']}", headers=manager.auth)
    ).json()
    assert again["name"] == "Keep" and again["regular_price"] == "5.00"


async def test_prices_follow_store_decimals(client, admin):
    resp = await client.put(f"{BASE}/settings", json={"store": {"decimals": 0}}, headers=admin.auth)
    assert resp.status == 200
    product = await create(client, admin, name="Toman", regular_price="125000.4")
    assert product["regular_price"] == "125000"


# -- permissions ----------------------------------------------------------------------
ROUTES = [
    ("get", "/products", "woocommerce_rest_cannot_view"),
    ("post", "/products", "woocommerce_rest_cannot_create"),
    ("get", "/products/1", "woocommerce_rest_cannot_view"),
    ("put", "/products/1", "woocommerce_rest_cannot_edit"),
    ("delete", "/products/1", "woocommerce_rest_cannot_delete"),
    ("get", "/products/categories", "woocommerce_rest_cannot_view"),
    ("post", "/products/categories", "woocommerce_rest_cannot_create"),
    ("get", "/products/tags", "woocommerce_rest_cannot_view"),
    ("post", "/products/tags", "woocommerce_rest_cannot_create"),
    ("get", "/products/attributes", "woocommerce_rest_cannot_view"),
    ("get", "/products/search", "woocommerce_rest_cannot_view"),
]


@pytest.mark.parametrize(("method", "path", "code"), ROUTES)
async def test_anonymous_401_customer_403(client, customer, method, path, code):
    resp = await getattr(client, method)(BASE + path, json={"name": "x"})
    assert resp.status == 401
    assert (await resp.json())["code"] == code
    resp = await getattr(client, method)(BASE + path, json={"name": "x"}, headers=customer.auth)
    assert resp.status == 403
    assert (await resp.json())["code"] == code


@pytest.mark.parametrize(("method", "path", "code"), ROUTES)
async def test_shop_manager_is_allowed(client, manager, method, path, code):
    product = await create(client, manager, name="Target")
    path = path.replace("/1", f"/{product['id']}")
    resp = await getattr(client, method)(BASE + path, json={"name": "x"}, headers=manager.auth)
    assert resp.status in (200, 201), await resp.text()
