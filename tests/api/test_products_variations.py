"""Variable products: attributes, variations written through the product, derived price
and stock."""

from __future__ import annotations

import pytest

BASE = "/wp-json/woonoow/v1"

SHIRT = {
    "name": "T-Shirt",
    "type": "variable",
    "attributes": [
        {"name": "Size", "variation": True, "options": ["S", "M", "L"]},
        {"name": "Material", "variation": False, "options": ["Cotton"]},
    ],
    "variations": [
        {"sku": "TS-S", "regular_price": "20", "attributes": [{"name": "Size", "option": "S"}]},
        {
            "sku": "TS-M",
            "regular_price": "22",
            "sale_price": "18",
            "manage_stock": True,
            "stock_quantity": 4,
            "attributes": [{"name": "size", "option": "m"}],
        },
    ],
}


async def create(client, account, payload):
    resp = await client.post(f"{BASE}/products", json=payload, headers=account.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_variable_product_with_variations(client, manager):
    product = await create(client, manager, SHIRT)
    assert product["type"] == "variable"
    assert product["price"] == "18.00" and product["on_sale"] is True
    assert product["regular_price"] == "" and product["sale_price"] == ""
    assert [a["name"] for a in product["attributes"]] == ["Size", "Material"]
    assert product["attributes"][0]["variation"] is True
    small, medium = product["variations"]
    assert small["name"] == "T-Shirt - S" and small["sku"] == "TS-S"
    assert small["price"] == "20.00" and small["on_sale"] is False
    assert medium["attributes"] == [{"id": 0, "name": "Size", "option": "M"}]
    assert medium["stock_quantity"] == 4 and medium["stock_status"] == "instock"
    assert medium["parent_id"] == product["id"]
    assert product["stock_status"] == "instock"


async def test_update_variations_by_id_add_and_remove(client, manager):
    product = await create(client, manager, SHIRT)
    small, medium = product["variations"]
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={
            "variations": [
                {"id": medium["id"], "stock_quantity": 0},
                {
                    "sku": "TS-L",
                    "regular_price": "25",
                    "attributes": [{"name": "Size", "option": "L"}],
                },
            ]
        },
        headers=manager.auth,
    )
    assert resp.status == 200, await resp.text()
    updated = await resp.json()
    ids = [v["id"] for v in updated["variations"]]
    assert medium["id"] in ids and small["id"] not in ids and len(ids) == 2
    kept = next(v for v in updated["variations"] if v["id"] == medium["id"])
    assert kept["sku"] == "TS-M" and kept["stock_status"] == "outofstock"
    assert kept["sale_price"] == "18.00"
    assert updated["price"] == "18.00"
    # The medium one is out of stock, the new large one in stock.
    assert updated["stock_status"] == "instock"


async def test_parent_stock_follows_variations(client, manager):
    product = await create(
        client,
        manager,
        {
            **SHIRT,
            "variations": [
                {
                    "regular_price": "1",
                    "manage_stock": True,
                    "stock_quantity": 0,
                    "attributes": [{"name": "Size", "option": "S"}],
                },
                {
                    "regular_price": "1",
                    "stock_status": "outofstock",
                    "attributes": [{"name": "Size", "option": "M"}],
                },
            ],
        },
    )
    assert product["stock_status"] == "outofstock"
    resp = await client.get(f"{BASE}/products?stock_status=outofstock", headers=manager.auth)
    assert [p["id"] for p in await resp.json()] == [product["id"]]


async def test_parent_managed_stock_is_shared(client, manager):
    product = await create(
        client,
        manager,
        {**SHIRT, "manage_stock": True, "stock_quantity": 0, "backorders": "notify",
         "variations": [{"regular_price": "1", "attributes": [{"name": "Size", "option": "S"}]}]},
    )  # fmt: skip
    assert product["stock_status"] == "onbackorder"
    assert product["variations"][0]["stock_status"] == "onbackorder"


async def test_variable_to_simple_drops_variations(client, manager):
    product = await create(client, manager, SHIRT)
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={"type": "simple", "regular_price": "9"},
        headers=manager.auth,
    )
    simple = await resp.json()
    assert simple["variations"] == [] and simple["price"] == "9.00"
    # Their SKUs are free again.
    again = await create(client, manager, {"name": "Other", "sku": "TS-S"})
    assert again["sku"] == "TS-S"


@pytest.mark.parametrize(
    ("variations", "param"),
    [
        ([{"attributes": [{"name": "Size", "option": "XXL"}]}], "[attributes][0][option]"),
        ([{"attributes": [{"name": "Material", "option": "Cotton"}]}], "[attributes][0]"),
        ([{"attributes": [{"name": "Colour", "option": "Red"}]}], "[attributes][0]"),
        ([{"regular_price": "cheap"}], "variations[0][regular_price]"),
        ([{"status": "draft"}], "variations[0][status]"),
        ([{"id": 999999}], "variations[0][id]"),
        (["not an object"], "variations[0]"),
    ],
)  # fmt: skip
async def test_bad_variations_are_400_and_write_nothing(client, manager, variations, param):
    resp = await client.post(
        f"{BASE}/products", json={**SHIRT, "variations": variations}, headers=manager.auth
    )
    assert resp.status == 400, await resp.text()
    body = await resp.json()
    assert body["code"] == "rest_invalid_param"
    # WordPress keys data.params by the top-level parameter; the reason names the field.
    assert param in body["data"]["params"]["variations"], body["data"]["params"]
    listed = await client.get(f"{BASE}/products", headers=manager.auth)
    assert listed.headers["X-WP-Total"] == "0"


async def test_variation_skus_are_unique(client, manager):
    await create(client, manager, {"name": "Taken", "sku": "TS-M"})
    resp = await client.post(f"{BASE}/products", json=SHIRT, headers=manager.auth)
    assert resp.status == 400
    body = await resp.json()
    assert body["code"] == "product_invalid_sku"
    assert body["data"]["params"] == {"variations": "variations[1][sku] is invalid or duplicated."}
    twice = {**SHIRT, "variations": [SHIRT["variations"][0], SHIRT["variations"][0]]}
    resp = await client.post(f"{BASE}/products", json=twice, headers=manager.auth)
    assert (await resp.json())["code"] == "product_invalid_sku"


async def test_unknown_global_attribute_id(client, manager):
    resp = await client.post(
        f"{BASE}/products",
        json={"name": "X", "attributes": [{"id": 777, "options": ["a"]}]},
        headers=manager.auth,
    )
    assert resp.status == 400
    assert "attributes[0][id]" in (await resp.json())["data"]["params"]["attributes"]


async def test_default_attributes(client, manager):
    product = await create(
        client, manager, {**SHIRT, "default_attributes": [{"name": "Size", "option": "m"}]}
    )
    assert product["default_attributes"] == [{"id": 0, "name": "Size", "option": "M"}]
