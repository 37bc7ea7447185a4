"""No input becomes a 500: every field of every write route, and every list parameter,
fed values of the wrong type, out of range or malformed."""

from __future__ import annotations

from support import answered_or_refused

BASE = "/wp-json/woonoow/v1"
WEIRD = [
    None, True, 0, -1, 10**30, 1.5, "", "x", "١٢", "-3", "1e5", "NaN", "Infinity", [], [1],
    ["a"], {}, {"id": "x"}, [{"id": None}], [{"x": 1}], "2026-13-45", "\x00", "🎉",
]  # fmt: skip
PRODUCT_FIELDS = [
    "name", "slug", "type", "status", "featured", "catalog_visibility", "description",
    "short_description", "sku", "regular_price", "sale_price", "date_on_sale_from",
    "date_on_sale_to_gmt", "virtual", "downloadable", "downloads", "download_limit", "tax_status",
    "tax_class", "manage_stock", "stock_quantity", "backorders", "stock_status", "weight",
    "dimensions", "menu_order", "categories", "tags", "images", "attributes",
    "default_attributes", "variations", "licensing_enabled", "license_activation_method",
    "license_activation_limit", "license_validity_days",
]  # fmt: skip
LIST_PARAMS = [
    "page", "per_page", "search", "status", "type", "sku", "category", "tag", "stock_status",
    "on_sale", "min_price", "max_price", "include", "exclude", "orderby", "order", "offset",
    "featured", "parent", "product", "hide_empty", "email", "s",
]  # fmt: skip
LIST_VALUES = ["", "x", "-1", "1.5", "99999999999999999999", "%", "1,,2", "١", "_"]


async def check(resp, *context):
    await answered_or_refused(resp, {200, 201, 400}, *context)


async def test_product_fields(client, manager):
    for field in PRODUCT_FIELDS:
        for value in WEIRD:
            body = {"name": "Fuzz", "type": "variable" if field == "variations" else "simple"}
            resp = await client.post(
                f"{BASE}/products", json={**body, field: value}, headers=manager.auth
            )
            await check(resp, field, value)


async def test_nested_product_fields(client, manager):
    size = [{"name": "Size", "variation": True, "options": ["S"]}]
    for v in WEIRD:
        variations = [
            {"attributes": v, "regular_price": "1"}, {"image": v}, {"sku": v},
            {"manage_stock": True, "stock_quantity": v}, {"date_on_sale_from": v}, {"id": v},
        ]  # fmt: skip
        body = {"name": "V", "type": "variable", "attributes": size, "variations": variations}
        await check(await client.post(f"{BASE}/products", json=body, headers=manager.auth), v)
        body = {
            "name": "A",
            "attributes": [{"id": v, "name": v, "options": v, "variation": v, "position": v}],
            "default_attributes": [{"id": v, "name": v, "option": v}],
            "downloads": [{"file": v, "name": v, "id": v}],
            "images": [{"id": v, "src": v, "alt": v}],
            "dimensions": {"length": v},
        }
        await check(await client.post(f"{BASE}/products", json=body, headers=manager.auth), v)


async def test_term_fields(client, manager):
    for field in ("name", "slug", "parent", "description", "display", "image", "menu_order"):
        for value in WEIRD:
            for path in ("/products/categories", "/products/tags"):
                resp = await client.post(
                    f"{BASE}{path}", json={"name": "T", field: value}, headers=manager.auth
                )
                await check(resp, path, field, value)


async def test_list_parameters(client, manager):
    paths = ["/products", "/products/categories", "/products/tags", "/customers"]
    paths += ["/products/search", "/customers/search"]
    for name in LIST_PARAMS:
        for value in LIST_VALUES:
            for path in paths:
                resp = await client.get(f"{BASE}{path}", params={name: value}, headers=manager.auth)
                await check(resp, path, name, value)


async def test_ids_too_large_to_exist_are_404(client, manager):
    for path in ("/products/99999999999999999999999", "/customers/99999999999999999999999"):
        for method in ("get", "put", "delete"):
            resp = await getattr(client, method)(
                f"{BASE}{path}?force=true", json={}, headers=manager.auth
            )
            assert resp.status == 404, await resp.text()
