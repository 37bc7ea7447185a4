"""The admin side of LicensesController: /licenses and /licenses/{id}."""

from __future__ import annotations

import re

import pytest
from license_support import BASE, issue, licensed_product, post

from service.common.clock import FrozenClock

KEY = re.compile(r"^[A-HJKMNP-TV-Z2-9]{4}(-[A-HJKMNP-TV-Z2-9]{4}){4}$")


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
async def product(ctx):
    return await licensed_product(ctx, limit=3, days=365)


async def create(client, account, **body):
    return await post(client, "/licenses", body, account.auth)


async def test_create_uses_the_products_defaults(client, manager, product, customer):
    status, lic = await create(
        client, manager, product_id=product["id"], customer_id=customer.user.id
    )
    assert status == 201, lic
    assert KEY.match(lic["license_key"])
    assert lic["activation_limit"] == 3 and lic["valid_for_days"] == 365
    assert lic["expires_at"] == "2027-01-01T00:00:00Z"
    assert lic["status"] == "inactive" and lic["expired"] is False
    assert lic["customer_email"] == "alice@example.com" and lic["source"] == "manual"
    assert lic["created_by"] == manager.user.id
    assert lic["activations"] == [] and lic["activations_left"] == 3
    assert lic["product_name"] == "Pro Plugin"
    assert lic["_links"]["self"][0]["href"].endswith(f"/licenses/{lic['id']}")


async def test_create_with_explicit_values(client, manager, product):
    status, lic = await create(
        client,
        manager,
        product_id=product["id"],
        license_key="CUSTOM-KEY-1",
        activation_limit=None,
        expires_at="2026-06-30T12:00:00Z",
    )
    assert status == 201
    assert lic["license_key"] == "CUSTOM-KEY-1" and lic["activation_limit"] is None
    assert lic["expires_at"] == "2026-06-30T12:00:00Z" and lic["valid_for_days"] is None
    status, body = await create(
        client, manager, product_id=product["id"], license_key="CUSTOM-KEY-1"
    )
    assert (status, body["code"]) == (400, "rest_invalid_param")
    assert "license_key" in body["data"]["params"]


async def test_create_validation(client, manager, product):
    status, body = await create(client, manager)
    assert (status, body["code"]) == (400, "rest_missing_callback_param")
    status, body = await create(
        client, manager, product_id=99999, customer_id=4242, activation_limit=0
    )
    assert (status, body["code"]) == (400, "rest_invalid_param")
    assert set(body["data"]["params"]) == {"activation_limit"}  # the schema speaks first
    status, body = await create(client, manager, product_id=99999, customer_id=4242)
    assert set(body["data"]["params"]) == {"product_id", "customer_id"}
    status, body = await create(client, manager, product_id=product["id"], status="sold")
    assert (status, body["code"]) == (400, "rest_invalid_param")


async def test_permissions(client, customer, product, ctx):
    lic = await issue(ctx, product)
    resp = await client.get(f"{BASE}/licenses")
    assert resp.status == 401
    resp = await client.get(f"{BASE}/licenses", headers=customer.auth)
    assert resp.status == 403 and (await resp.json())["code"] == "woocommerce_rest_cannot_view"
    resp = await client.get(f"{BASE}/licenses/{lic['id']}", headers=customer.auth)
    assert resp.status == 403
    resp = await client.delete(f"{BASE}/licenses/{lic['id']}?force=true", headers=customer.auth)
    assert resp.status == 403
    status, body = await create(client, customer, product_id=product["id"])
    assert (status, body["code"]) == (403, "woocommerce_rest_cannot_create")


async def test_list_pagination_search_and_filters(
    client, ctx, manager, product, customer, other_customer
):
    other_product = await licensed_product(ctx, name="Theme")
    mine = [await issue(ctx, product, customer_id=customer.user.id) for _ in range(3)]
    theirs = await issue(
        ctx, other_product, customer_id=other_customer.user.id, expires_at="2025-12-31"
    )
    await issue(ctx, product, status="revoked")

    async def listing(**params):
        resp = await client.get(f"{BASE}/licenses", params=params, headers=manager.auth)
        assert resp.status == 200, await resp.text()
        return resp, await resp.json()

    resp, items = await listing(per_page=2)
    assert resp.headers["X-WP-Total"] == "5" and resp.headers["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in resp.headers["Link"] and len(items) == 2
    assert items[0]["status"] == "revoked"  # newest first
    _, items = await listing(page=4)
    assert items == []
    _, items = await listing(search="bob@")
    assert [i["id"] for i in items] == [theirs["id"]]
    _, items = await listing(search=mine[1]["license_key"][5:14])
    assert [i["id"] for i in items] == [mine[1]["id"]]
    _, items = await listing(customer=customer.user.id, orderby="id", order="asc")
    assert [i["id"] for i in items] == [m["id"] for m in mine]
    _, items = await listing(product=other_product["id"])
    assert [i["id"] for i in items] == [theirs["id"]]
    _, items = await listing(status="revoked")
    assert len(items) == 1
    _, items = await listing(status="expired")
    assert [i["id"] for i in items] == [theirs["id"]] and items[0]["expired"] is True
    _, items = await listing(status="inactive")
    assert len(items) == 3
    resp = await client.get(f"{BASE}/licenses?per_page=101", headers=manager.auth)
    assert resp.status == 400 and (await resp.json())["code"] == "rest_invalid_param"


async def test_get_shows_activations(client, ctx, manager, product):
    lic = await issue(ctx, product)
    key = lic["license_key"]
    await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    await post(client, "/licenses/activate", {"license_key": key, "domain": "localhost"})
    await post(client, "/licenses/deactivate", {"license_key": key, "domain": "a.com"})
    resp = await client.get(f"{BASE}/licenses/{lic['id']}", headers=manager.auth)
    body = await resp.json()
    assert body["status"] == "active" and body["activation_count"] == 0
    assert [(a["domain"], a["status"], a["is_local"]) for a in body["activations"]] == [
        ("localhost", "active", True),
        ("a.com", "deactivated", False),
    ]
    first = body["activations"][1]
    assert set(first) >= {
        "domain", "is_local", "environment", "status", "method", "activated_at",
        "deactivated_at", "last_seen_at",
    }  # fmt: skip
    assert "token" not in first and "token_digest" not in first


async def test_update_disable_reenable_and_extend(client, ctx, manager, product, clock):
    lic = await issue(ctx, product)
    key = lic["license_key"]
    await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    url = f"{BASE}/licenses/{lic['id']}"
    resp = await client.put(url, json={"status": "disabled"}, headers=manager.auth)
    assert (await resp.json())["status"] == "disabled"
    _, verdict = await post(client, "/licenses/validate", {"license_key": key, "domain": "a.com"})
    assert verdict["code"] == "license_disabled"
    # Re-enabling: the stored status follows the activations again (kept while disabled).
    resp = await client.put(url, json={"status": "inactive"}, headers=manager.auth)
    assert (await resp.json())["status"] == "active"
    _, verdict = await post(client, "/licenses/validate", {"license_key": key, "domain": "a.com"})
    assert verdict["valid"] is True
    resp = await client.put(
        url, json={"expires_at": None, "activation_limit": 10}, headers=manager.auth
    )
    body = await resp.json()
    assert body["expires_at"] is None and body["activation_limit"] == 10
    resp = await client.put(url, json={"valid_for_days": 7}, headers=manager.auth)
    assert (await resp.json())["expires_at"] == "2026-01-08T00:00:00Z"
    resp = await client.put(url, json={"activation_limit": 0}, headers=manager.auth)
    assert resp.status == 400


async def test_delete_needs_force_and_unknown_ids_are_404(client, ctx, manager, product):
    lic = await issue(ctx, product)
    await post(client, "/licenses/activate", {"license_key": lic["license_key"], "domain": "a.com"})
    url = f"{BASE}/licenses/{lic['id']}"
    resp = await client.delete(url, headers=manager.auth)
    assert resp.status == 501
    assert (await resp.json())["code"] == "woocommerce_rest_trash_not_supported"
    resp = await client.delete(f"{url}?force=true", headers=manager.auth)
    assert resp.status == 200 and (await resp.json())["id"] == lic["id"]
    for method in ("get", "put", "delete"):
        resp = await getattr(client, method)(f"{url}?force=true", json={}, headers=manager.auth)
        assert resp.status == 404
        assert (await resp.json())["code"] == "woocommerce_rest_license_invalid_id"
    status, _ = await post(client, "/licenses/validate", {"license_key": lic["license_key"]})
    assert status == 404
    resp = await client.get(f"{BASE}/licenses/99999999999999999999", headers=manager.auth)
    assert resp.status == 404


async def test_products_api_edits_the_licensing_fields(client, manager):
    resp = await client.post(
        f"{BASE}/products",
        json={"name": "Kit", "licensing_enabled": True, "license_activation_method": "any"},
        headers=manager.auth,
    )
    product = await resp.json()
    assert resp.status == 201 and product["license_activation_method"] == "any"
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={
            "license_activation_method": "oauth",
            "license_activation_limit": 2,
            "license_validity_days": 30,
        },
        headers=manager.auth,
    )
    body = await resp.json()
    assert (body["license_activation_method"], body["license_activation_limit"]) == ("oauth", 2)
    assert body["license_validity_days"] == 30
    resp = await client.put(
        f"{BASE}/products/{product['id']}",
        json={"license_activation_method": "push"},
        headers=manager.auth,
    )
    assert resp.status == 400


async def test_routes_are_literal_and_kept_apart_by_the_id_pattern(client, ctx, manager):
    resp = await client.get(f"{BASE}/licenses/validate", headers=manager.auth)
    assert resp.status == 404 and (await resp.json())["code"] == "rest_no_route"
    resp = await client.get("/wp-json/woonoow/v1")
    routes = (await resp.json())["routes"]
    for path in ("validate", "activate", "deactivate", "oauth/validate", "oauth/confirm"):
        assert f"/woonoow/v1/licenses/{path}" in routes
    assert "/woonoow/v1/licenses/(?P<id>[\\d]+)" in routes
    assert routes["/woonoow/v1/licenses/activate"]["endpoints"][0]["args"]["domain"]["required"]
