"""The key-authenticated routes: validate, activate, deactivate."""

from __future__ import annotations

import asyncio

import pytest
from license_support import issue, licensed_product, post
from support import OPERATOR

from service.accounts.passwords import digest
from service.common.clock import FrozenClock
from service.licensing import admin as licenses
from service.licensing.throttle import LicenseRateLimits
from store import licenses as sql


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
async def product(ctx):
    return await licensed_product(ctx, limit=1, days=30)


@pytest.fixture
async def lic(ctx, product):
    return await issue(ctx, product)


# -- activate -------------------------------------------------------------------------
async def test_activate_returns_token_once_and_stores_only_its_digest(client, ctx, lic):
    status, body = await post(
        client, "/licenses/activate", {"license_key": lic["license_key"], "domain": "shop.ir"}
    )
    assert status == 201
    assert body["activated"] is True and body["already_active"] is False
    token = body["activation"]["token"]
    assert token.startswith("act_") and len(token) == 44
    assert body["activation"]["domain"] == "shop.ir"
    assert body["activation"]["method"] == "simple" and body["activation"]["is_local"] is False
    assert body["license"]["activation_count"] == 1
    assert body["license"]["activations_left"] == 0
    assert body["license"]["status"] == "active"
    row = await sql.activation_for_domain(ctx.store, lic["id"], "shop.ir")
    assert row["token_digest"] == digest(token)
    assert token not in str(dict(row))


async def test_reactivating_a_domain_is_idempotent_without_a_new_token(client, lic):
    key = lic["license_key"]
    first = await post(client, "/licenses/activate", {"license_key": key, "domain": "example.com"})
    assert first[0] == 201
    for same in ("https://www.Example.com/", "example.com:8080", "http://EXAMPLE.com./x?y#z"):
        status, body = await post(
            client, "/licenses/activate", {"license_key": key, "domain": same}
        )
        assert status == 200, body
        assert body["already_active"] is True
        assert body["activation"]["id"] == first[1]["activation"]["id"]
        assert "token" not in body["activation"]
        assert body["license"]["activation_count"] == 1


async def test_check_order_of_activate(client, ctx, clock, lic, product):
    key = lic["license_key"]
    other = await licensed_product(ctx, name="Other")
    # 404 first, whatever else is wrong.
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": "NOPE", "domain": "not a domain", "product_id": other["id"]},
    )
    assert (status, body["code"]) == (404, "license_not_found")
    # product mismatch before the mode, status and domain.
    await licenses.update_license(ctx, OPERATOR, lic["id"], {"status": "disabled"})
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": key, "domain": "bad domain", "product_id": other["id"], "mode": "oauth"},
    )
    assert (status, body["code"]) == (403, "license_product_mismatch")
    # then the mode ...
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": key, "domain": "bad domain", "product_id": product["id"], "mode": "oauth"},
    )
    assert (status, body["code"]) == (403, "activation_method_not_allowed")
    assert body["data"]["allowed_method"] == "simple"
    # ... then disabled before the domain ...
    status, body = await post(client, "/licenses/activate", {"license_key": key, "domain": "x y"})
    assert (status, body["code"]) == (403, "license_disabled")
    # ... and disabled wins over expired.
    clock.advance(days=31)
    status, body = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    assert body["code"] == "license_disabled"
    await licenses.update_license(ctx, OPERATOR, lic["id"], {"status": "active"})
    status, body = await post(client, "/licenses/activate", {"license_key": key, "domain": "x y"})
    assert (status, body["code"]) == (403, "license_expired")
    assert body["data"]["expires_at"] == lic["expires_at"]
    await licenses.update_license(ctx, OPERATOR, lic["id"], {"valid_for_days": 10})
    status, body = await post(client, "/licenses/activate", {"license_key": key, "domain": "x y"})
    assert (status, body["code"]) == (400, "invalid_domain")


async def test_missing_params_are_400(client):
    status, body = await post(client, "/licenses/activate", {"license_key": "K"})
    assert (status, body["code"]) == (400, "rest_missing_callback_param")
    assert body["data"]["params"] == ["domain"]
    status, body = await post(client, "/licenses/validate", {})
    assert (status, body["code"]) == (400, "rest_missing_callback_param")
    status, body = await post(client, "/licenses/deactivate", {"license_key": "K"})
    assert (status, body["code"]) == (400, "rest_missing_callback_param")
    assert body["data"]["params"] == ["domain", "activation_token"]
    status, body = await post(
        client, "/licenses/activate", {"license_key": "K", "domain": "a.com", "mode": "push"}
    )
    assert (status, body["code"]) == (400, "rest_invalid_param")


async def test_key_is_trimmed_and_case_sensitive(client, lic):
    key = lic["license_key"]
    status, _ = await post(client, "/licenses/validate", {"license_key": f"  {key}\n"})
    assert status == 200
    status, body = await post(client, "/licenses/validate", {"license_key": key.lower()})
    assert (status, body["code"]) == (404, "license_not_found")


async def test_limit_counts_rows_and_ignores_local_sites(client, lic):
    key = lic["license_key"]

    async def activate(domain: str, **extra):
        return await post(
            client, "/licenses/activate", {"license_key": key, "domain": domain, **extra}
        )

    assert (await activate("a.com"))[0] == 201
    status, body = await activate("b.com")
    assert (status, body["code"]) == (409, "activation_limit_reached")
    assert body["data"] == {"status": 409, "activation_limit": 1, "activation_count": 1}
    status, body = await activate("staging.example.com")
    assert status == 201 and body["activation"]["is_local"] is True
    status, body = await activate("b.com", environment="development")
    assert status == 201 and body["activation"]["is_local"] is True
    assert body["license"]["activation_count"] == 1
    status, _ = await post(client, "/licenses/deactivate", {"license_key": key, "domain": "a.com"})
    assert status == 200
    status, body = await activate("c.com")
    assert status == 201 and body["license"]["activation_count"] == 1


async def test_unlimited_license_never_409s(client, ctx):
    product = await licensed_product(ctx, limit=None, days=None)
    lic = await issue(ctx, product)
    assert lic["activation_limit"] is None and lic["expires_at"] is None
    for i in range(5):
        status, body = await post(
            client, "/licenses/activate", {"license_key": lic["license_key"], "domain": f"s{i}.com"}
        )
        assert status == 201
        assert body["license"]["activations_left"] is None
        assert body["license"]["activation_count"] == i + 1


async def test_reactivating_a_deactivated_domain_reopens_its_row(client, ctx, lic):
    key = lic["license_key"]
    _, first = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    await post(client, "/licenses/deactivate", {"license_key": key, "domain": "a.com"})
    status, again = await post(
        client, "/licenses/activate", {"license_key": key, "domain": "a.com"}
    )
    assert status == 201
    assert again["activation"]["id"] == first["activation"]["id"]
    assert again["activation"]["token"] != first["activation"]["token"]
    rows = await sql.activations_of(ctx.store, [lic["id"]])
    assert len(rows) == 1


async def test_oauth_product_refuses_simple_mode(client, ctx):
    product = await licensed_product(ctx, method="oauth")
    lic = await issue(ctx, product)
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": lic["license_key"], "domain": "a.com", "mode": "simple"},
    )
    assert (status, body["code"]) == (403, "activation_method_not_allowed")
    assert body["data"]["allowed_method"] == "oauth"


async def test_any_method_allows_both_modes(client, ctx):
    product = await licensed_product(ctx, method="any")
    lic = await issue(ctx, product)
    key = lic["license_key"]
    status, _ = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    assert status == 201
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": key, "domain": "b.com", "mode": "oauth", "return_url": "https://b.com/cb"},
    )
    assert status == 202 and body["mode"] == "oauth"


async def test_product_id_may_name_the_variation_or_its_parent(client, ctx):
    from service import catalog

    plugin = await catalog.create_product(
        ctx,
        {
            "name": "Plugin",
            "type": "variable",
            "licensing_enabled": True,
            "license_activation_limit": 5,
            "attributes": [{"name": "Sites", "variation": True, "options": ["1", "5"]}],
            "variations": [
                {"regular_price": "10", "attributes": [{"name": "Sites", "option": "1"}]},
                {"regular_price": "40", "attributes": [{"name": "Sites", "option": "5"}]},
            ],
        },
    )
    one, five = (v["id"] for v in plugin["variations"])
    lic = await issue(ctx, plugin, variation_id=five)
    assert lic["variation_id"] == five
    key = lic["license_key"]
    for i, pid in enumerate((five, plugin["id"])):
        body = {"license_key": key, "domain": f"s{i}.com", "product_id": pid}
        assert (await post(client, "/licenses/activate", body))[0] == 201
    status, body = await post(
        client, "/licenses/activate", {"license_key": key, "domain": "x.com", "product_id": one}
    )
    assert (status, body["code"]) == (403, "license_product_mismatch")


# -- validate -------------------------------------------------------------------------
async def test_validate_verdicts(client, ctx, clock, lic, product):
    key = lic["license_key"]
    status, body = await post(client, "/licenses/validate", {"license_key": key})
    assert status == 200
    assert body["valid"] is True and body["code"] == "valid" and body["activation"] is None
    assert body["license"]["status"] == "inactive"
    assert "customer_id" not in body["license"] and "order_id" not in body["license"]
    status, body = await post(client, "/licenses/validate", {"license_key": key, "domain": "a.com"})
    assert (body["valid"], body["code"]) == (False, "site_inactive")
    _, act = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    token = act["activation"]["token"]
    for ask in ({"domain": "https://www.a.com/"}, {"activation_token": token}):
        _, body = await post(client, "/licenses/validate", {"license_key": key, **ask})
        assert body["valid"] is True and body["activation"]["domain"] == "a.com"
    _, body = await post(
        client,
        "/licenses/validate",
        {"license_key": key, "activation_token": token, "domain": "b.com"},
    )
    assert body["code"] == "site_inactive"
    _, body = await post(
        client, "/licenses/validate", {"license_key": key, "product_id": product["id"] + 999}
    )
    assert body["code"] == "license_product_mismatch"
    status, body = await post(client, "/licenses/validate", {"license_key": key, "domain": "-x-"})
    assert (status, body["code"]) == (400, "invalid_domain")


async def test_validate_updates_last_seen(client, ctx, clock, lic):
    key = lic["license_key"]
    await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    clock.advance(minutes=5)
    await post(client, "/licenses/validate", {"license_key": key, "domain": "a.com"})
    row = await sql.activation_for_domain(ctx.store, lic["id"], "a.com")
    assert row["last_seen_at"] == "2026-01-01T00:05:00Z"


async def test_expiry_boundary(client, ctx, clock, lic):
    key = lic["license_key"]
    assert lic["expires_at"] == "2026-01-31T00:00:00Z"
    clock.advance(days=30, seconds=-1)
    _, body = await post(client, "/licenses/validate", {"license_key": key})
    assert body["valid"] is True and body["license"]["expired"] is False
    clock.advance(seconds=1)  # exactly at expires_at: expired
    _, body = await post(client, "/licenses/validate", {"license_key": key})
    assert (body["valid"], body["code"]) == (False, "license_expired")
    assert body["license"]["expired"] is True
    status, body = await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    assert (status, body["code"]) == (403, "license_expired")


async def test_disabled_and_expired_reports_disabled(client, ctx, clock, lic):
    await licenses.update_license(ctx, OPERATOR, lic["id"], {"status": "revoked"})
    clock.advance(days=40)
    _, body = await post(client, "/licenses/validate", {"license_key": lic["license_key"]})
    assert body["code"] == "license_disabled" and body["license"]["status"] == "revoked"


# -- deactivate -----------------------------------------------------------------------
async def test_deactivate_by_domain_and_by_token(client, ctx):
    product = await licensed_product(ctx, limit=None)
    lic = await issue(ctx, product)
    key = lic["license_key"]
    await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    _, b = await post(client, "/licenses/activate", {"license_key": key, "domain": "b.com"})
    status, body = await post(
        client, "/licenses/deactivate", {"license_key": key, "domain": "https://WWW.a.com/wp"}
    )
    assert status == 200 and body["deactivated"] is True
    assert body["activation"]["status"] == "deactivated"
    assert body["activation"]["deactivated_at"] == "2026-01-01T00:00:00Z"
    assert body["license"]["activation_count"] == 1
    status, body = await post(
        client,
        "/licenses/deactivate",
        {"license_key": key, "activation_token": b["activation"]["token"]},
    )
    assert status == 200 and body["activation"]["domain"] == "b.com"
    assert body["license"]["activation_count"] == 0 and body["license"]["status"] == "inactive"
    # Again: nothing active any more.
    status, body = await post(
        client, "/licenses/deactivate", {"license_key": key, "domain": "a.com"}
    )
    assert (status, body["code"]) == (404, "activation_not_found")


async def test_deactivate_errors(client, ctx, lic, product):
    other = await issue(ctx, product)
    _, act = await post(
        client, "/licenses/activate", {"license_key": other["license_key"], "domain": "o.com"}
    )
    key = lic["license_key"]
    status, body = await post(
        client, "/licenses/deactivate", {"license_key": "NOPE", "domain": "a.com"}
    )
    assert (status, body["code"]) == (404, "license_not_found")
    # A token of another license names nothing here.
    status, body = await post(
        client,
        "/licenses/deactivate",
        {"license_key": key, "activation_token": act["activation"]["token"]},
    )
    assert (status, body["code"]) == (404, "activation_not_found")
    status, body = await post(
        client, "/licenses/deactivate", {"license_key": key, "domain": "o.com"}
    )
    assert (status, body["code"]) == (404, "activation_not_found")


async def test_expired_license_can_still_deactivate(client, clock, lic):
    key = lic["license_key"]
    await post(client, "/licenses/activate", {"license_key": key, "domain": "a.com"})
    clock.advance(days=60)
    status, _ = await post(client, "/licenses/deactivate", {"license_key": key, "domain": "a.com"})
    assert status == 200


# -- concurrency and rate limits ------------------------------------------------------
async def test_parallel_activations_never_exceed_the_limit(client, ctx):
    product = await licensed_product(ctx, limit=3)
    lic = await issue(ctx, product)
    results = await asyncio.gather(
        *(
            post(
                client,
                "/licenses/activate",
                {"license_key": lic["license_key"], "domain": f"s{i}.com"},
            )
            for i in range(12)
        )
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 3 + [409] * 9
    assert {b["code"] for s, b in results if s == 409} == {"activation_limit_reached"}
    assert await sql.count_counted(ctx.store, lic["id"]) == 3


async def test_parallel_activations_of_one_domain_make_one_row(client, ctx, lic):
    results = await asyncio.gather(
        *(
            post(
                client, "/licenses/activate", {"license_key": lic["license_key"], "domain": "a.com"}
            )
            for _ in range(6)
        )
    )
    assert sorted(s for s, _ in results) == [200] * 5 + [201]
    assert len(await sql.activations_of(ctx.store, [lic["id"]])) == 1


async def test_rate_limit_per_key_and_per_ip(client, ctx, lic, product):
    now = [0.0]
    ctx.license_limits = LicenseRateLimits(per_ip=5, per_key=3, clock=lambda: now[0])
    key = lic["license_key"]
    for _ in range(3):
        status, _ = await post(client, "/licenses/validate", {"license_key": key})
        assert status == 200
    resp = await client.post(
        "/wp-json/woonoow/v1/licenses/activate", json={"license_key": key, "domain": "a.com"}
    )
    body = await resp.json()
    assert resp.status == 429 and body["code"] == "license_rate_limited"
    assert resp.headers["Retry-After"] == "61" and body["data"]["scope"] == "license_key"
    # Another key from the same IP: two more fit in the IP's window, then 429 by IP.
    other = (await issue(ctx, product))["license_key"]
    for _ in range(2):
        status, _ = await post(client, "/licenses/validate", {"license_key": other})
        assert status == 200
    status, body = await post(
        client, "/licenses/deactivate", {"license_key": other, "domain": "a.com"}
    )
    assert (status, body["data"]["scope"]) == (429, "ip")
    # Once the window has passed, the key is admitted again.
    now[0] = 61.0
    status, _ = await post(client, "/licenses/validate", {"license_key": key})
    assert status == 200


async def test_rate_limit_uses_the_forwarded_ip_only_behind_a_trusted_proxy(client, ctx, lic):
    ctx.license_limits = LicenseRateLimits(per_ip=1, per_key=100, clock=lambda: 0.0)
    ctx.settings.trusted_proxies = ("127.0.0.1",)
    key = lic["license_key"]
    for ip in ("203.0.113.1", "203.0.113.2"):
        resp = await client.post(
            "/wp-json/woonoow/v1/licenses/validate",
            json={"license_key": key},
            headers={"X-Forwarded-For": ip},
        )
        assert resp.status == 200
    resp = await client.post(
        "/wp-json/woonoow/v1/licenses/validate",
        json={"license_key": key},
        headers={"X-Forwarded-For": "203.0.113.1"},
    )
    assert resp.status == 429
