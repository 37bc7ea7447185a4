"""The OAuth approval flow end to end over HTTP."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from license_support import BASE, issue, licensed_product, post
from support import OPERATOR, Account

from service.accounts import users as accounts
from service.accounts.passwords import digest
from service.common.clock import FrozenClock
from service.licensing import admin as licenses
from store import licenses as sql


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
async def product(ctx):
    return await licensed_product(ctx, method="oauth", limit=1)


@pytest.fixture
async def lic(ctx, product, customer):
    return await issue(ctx, product, customer_id=customer.user.id)


async def start(client, lic, domain="shop.example.com", **extra):
    body = {
        "license_key": lic["license_key"],
        "domain": domain,
        "return_url": f"https://{domain}/wp-admin/admin.php?page=pro-license",
        **extra,
    }
    return await post(client, "/licenses/activate", body)


async def look(client, state, account):
    resp = await client.get(
        f"{BASE}/licenses/oauth/validate", params={"state": state}, headers=account.auth
    )
    return resp.status, await resp.json()


async def confirm(client, state, account, decision="approve"):
    return await post(
        client,
        "/licenses/oauth/confirm",
        {"state": state, "decision": decision},
        account.auth if account else None,
    )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_approve_end_to_end(client, ctx, lic, customer):
    status, pending = await start(client, lic)
    assert status == 202
    assert pending["mode"] == "oauth" and pending["expires_in"] == 900
    assert pending["expires_at"] == "2026-01-01T00:15:00Z"
    state = pending["state"]
    assert len(state) == 43
    assert pending["authorize_url"].endswith(f"/my-account/license-connect?state={state}")
    # Only the digest of the state is stored, and no slot is used yet.
    row = await sql.request_by_hash(ctx.store, digest(state))
    assert row["status"] == "pending" and state not in str(dict(row))
    assert await sql.count_counted(ctx.store, lic["id"]) == 0

    status, shown = await look(client, state, customer)
    assert status == 200
    assert shown["state_status"] == "pending" and shown["is_owner"] is True
    assert shown["domain"] == "shop.example.com"
    assert shown["return_url_host"] == "shop.example.com"
    assert shown["product"]["name"] == "Pro Plugin"
    masked = shown["license"]["license_key_masked"]
    key = lic["license_key"]
    assert masked.startswith(key[:4]) and masked.endswith(key[-4:]) and "*" in masked
    assert key not in str(shown)

    status, done = await confirm(client, state, customer)
    assert status == 200 and done["approved"] is True
    url = done["redirect_url"]
    assert url.startswith("https://shop.example.com/wp-admin/admin.php?")
    params = query(url)
    assert params["page"] == "pro-license" and params["state"] == state
    assert params["status"] == "approved"
    token = params["activation_token"]
    assert "token" not in done["activation"]
    assert done["activation"]["method"] == "oauth"
    assert done["license"]["activation_count"] == 1
    # The token works, and the activation records who approved it.
    _, verdict = await post(
        client, "/licenses/validate", {"license_key": key, "activation_token": token}
    )
    assert verdict["valid"] is True
    activation = await sql.activation_for_domain(ctx.store, lic["id"], "shop.example.com")
    assert activation["activated_by"] == customer.user.id
    request = await sql.request_by_hash(ctx.store, digest(state))
    assert request["status"] == "approved" and request["confirmed_by"] == customer.user.id
    assert request["activation_id"] == activation["id"]


async def test_state_reuse_is_409_for_validate_and_confirm(client, lic, customer):
    _, pending = await start(client, lic)
    state = pending["state"]
    assert (await confirm(client, state, customer))[0] == 200
    status, body = await confirm(client, state, customer)
    assert (status, body["code"]) == (409, "oauth_state_used")
    assert body["data"]["state_status"] == "approved"
    status, body = await look(client, state, customer)
    assert (status, body["code"]) == (409, "oauth_state_used")


async def relogin(ctx, account: Account) -> Account:
    """A fresh access token after the clock moved past the old one's lifetime."""
    tokens = await accounts.login(ctx, account.user.email, account.password)
    return Account(account.user, account.password, tokens["access"], tokens["refresh"])


async def test_expired_state_is_410(client, ctx, clock, lic, customer):
    _, pending = await start(client, lic)
    clock.advance(minutes=16)
    customer = await relogin(ctx, customer)
    status, body = await look(client, pending["state"], customer)
    assert (status, body["code"]) == (410, "oauth_state_expired")
    status, body = await confirm(client, pending["state"], customer)
    assert (status, body["code"]) == (410, "oauth_state_expired")


async def test_state_expiry_boundary(client, ctx, clock, lic, customer):
    _, pending = await start(client, lic)
    clock.advance(seconds=899)
    customer = await relogin(ctx, customer)
    assert (await look(client, pending["state"], customer))[1]["expires_in"] == 1
    clock.advance(seconds=1)
    assert (await look(client, pending["state"], customer))[0] == 410


async def test_unknown_state_is_404(client, customer):
    status, body = await look(client, "nope", customer)
    assert (status, body["code"]) == (404, "oauth_state_invalid")
    status, body = await confirm(client, "nope", customer)
    assert (status, body["code"]) == (404, "oauth_state_invalid")


async def test_login_required(client, lic):
    _, pending = await start(client, lic)
    resp = await client.get(f"{BASE}/licenses/oauth/validate", params={"state": pending["state"]})
    assert resp.status == 401 and (await resp.json())["code"] == "rest_forbidden"
    status, body = await confirm(client, pending["state"], None)
    assert (status, body["code"]) == (401, "rest_forbidden")


async def test_wrong_owner_is_403_and_leaves_the_state(client, ctx, lic, other_customer, customer):
    _, pending = await start(client, lic)
    status, shown = await look(client, pending["state"], other_customer)
    assert status == 200 and shown["is_owner"] is False and shown["can_approve"] is False
    for decision in ("approve", "deny"):
        status, body = await confirm(client, pending["state"], other_customer, decision)
        assert (status, body["code"]) == (403, "oauth_not_license_owner")
    assert (await confirm(client, pending["state"], customer))[0] == 200


async def test_staff_may_approve_on_the_owners_behalf(client, ctx, lic, manager):
    _, pending = await start(client, lic)
    status, done = await confirm(client, pending["state"], manager)
    assert status == 200 and done["approved"] is True
    request = await sql.request_by_hash(ctx.store, digest(pending["state"]))
    assert request["confirmed_by"] == manager.user.id


async def test_deny(client, ctx, lic, customer):
    _, pending = await start(client, lic)
    status, done = await confirm(client, pending["state"], customer, "deny")
    assert status == 200 and done["approved"] is False and done["activation"] is None
    params = query(done["redirect_url"])
    assert params == {
        "page": "pro-license",
        "state": pending["state"],
        "status": "denied",
        "error": "access_denied",
    }
    assert await sql.count_counted(ctx.store, lic["id"]) == 0
    status, body = await confirm(client, pending["state"], customer)
    assert (status, body["code"]) == (409, "oauth_state_used")
    assert body["data"]["state_status"] == "denied"


async def test_limit_reached_on_confirm_keeps_the_state_usable(client, ctx, lic, customer):
    _, first = await start(client, lic, "one.com")
    _, second = await start(client, lic, "two.com")
    assert (await confirm(client, first["state"], customer))[0] == 200
    status, body = await confirm(client, second["state"], customer)
    assert (status, body["code"]) == (409, "activation_limit_reached")
    request = await sql.request_by_hash(ctx.store, digest(second["state"]))
    assert request["status"] == "pending" and request["used_at"] is None
    # Free the slot, then the same state goes through.
    status, _ = await post(
        client, "/licenses/deactivate", {"license_key": lic["license_key"], "domain": "one.com"}
    )
    assert status == 200
    status, done = await confirm(client, second["state"], customer)
    assert status == 200 and done["approved"] is True


async def test_reapproving_an_active_domain_replaces_its_token(client, ctx, lic, customer):
    _, first = await start(client, lic)
    _, done = await confirm(client, first["state"], customer)
    old = query(done["redirect_url"])["activation_token"]
    _, again = await start(client, lic)
    status, done = await confirm(client, again["state"], customer)
    assert status == 200
    new = query(done["redirect_url"])["activation_token"]
    assert new != old and done["license"]["activation_count"] == 1
    key = lic["license_key"]
    _, verdict = await post(
        client, "/licenses/validate", {"license_key": key, "activation_token": old}
    )
    assert verdict["code"] == "site_inactive"
    _, verdict = await post(
        client, "/licenses/validate", {"license_key": key, "activation_token": new}
    )
    assert verdict["valid"] is True


@pytest.mark.parametrize(
    ("domain", "return_url", "extra"),
    [
        ("shop.com", "https://evil.com/cb", {}),
        ("shop.com", "https://shop.com.evil.com/cb", {}),
        ("shop.com", "https://evil.com@shop.com/cb", {}),
        ("shop.com", "https://shop.com@evil.com/cb", {}),
        ("shop.com", "http://shop.com/cb", {}),
        ("shop.com", "https://shop.com/cb#token", {}),
        ("shop.com", "javascript:alert(1)//shop.com", {}),
        ("shop.com", "/relative/cb", {}),
        ("shop.com", "https://shop.com/" + "a" * 2050, {}),
    ],
)
async def test_forged_return_url_is_400_and_issues_no_state(
    client, ctx, lic, domain, return_url, extra
):
    status, body = await post(
        client,
        "/licenses/activate",
        {"license_key": lic["license_key"], "domain": domain, "return_url": return_url, **extra},
    )
    assert (status, body["code"]) == (400, "invalid_return_url"), body
    assert await sql.pending_requests(ctx.store, "2026-01-01T00:00:00Z") == []


async def test_return_url_rules_that_pass(client, lic):
    ok = [
        ("shop.com", "https://www.shop.com/cb?x=1"),
        ("shop.com", "https://SHOP.com:8443/cb"),
        ("localhost", "http://localhost:8080/wp-admin/"),
        ("staging.shop.com", "http://staging.shop.com/cb"),
    ]
    for domain, url in ok:
        status, body = await post(
            client,
            "/licenses/activate",
            {"license_key": lic["license_key"], "domain": domain, "return_url": url},
        )
        assert status == 202, (domain, url, body)


async def test_missing_return_url_in_oauth_mode(client, lic):
    status, body = await post(
        client, "/licenses/activate", {"license_key": lic["license_key"], "domain": "shop.com"}
    )
    assert (status, body["code"]) == (400, "invalid_return_url")


async def test_oauth_mode_on_a_disabled_license_issues_no_state(client, ctx, lic):
    await licenses.set_enabled(ctx, OPERATOR, lic["id"], False)
    status, body = await start(client, lic)
    assert (status, body["code"]) == (403, "license_disabled")


async def test_license_disabled_after_the_request_is_refused_on_confirm(client, ctx, lic, customer):
    _, pending = await start(client, lic)
    await licenses.set_enabled(ctx, OPERATOR, lic["id"], False)
    status, body = await confirm(client, pending["state"], customer)
    assert (status, body["code"]) == (403, "license_disabled")
    request = await sql.request_by_hash(ctx.store, digest(pending["state"]))
    assert request["status"] == "pending"


async def test_invalid_decision_is_400(client, lic, customer):
    _, pending = await start(client, lic)
    status, body = await confirm(client, pending["state"], customer, "maybe")
    assert (status, body["code"]) == (400, "rest_invalid_param")


async def test_unanswered_requests_are_dropped_a_day_after_they_expire(client, ctx, clock, lic):
    _, old = await start(client, lic)
    clock.advance(hours=2)
    await start(client, lic)
    assert await sql.request_by_hash(ctx.store, digest(old["state"])) is not None
    clock.advance(days=1)
    await start(client, lic)
    assert await sql.request_by_hash(ctx.store, digest(old["state"])) is None
