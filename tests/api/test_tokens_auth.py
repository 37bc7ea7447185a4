"""Authenticating with an integration token: health, failures, IPs, throttling, usage."""

from __future__ import annotations

import asyncio

import pytest

from service.accounts import users as accounts
from service.common.clock import FrozenClock
from service.common.throttle import FailureThrottle

TOKENS = "/api/v1/integrations/tokens/"
HEALTH = "/api/integrations/woocommerce/health/"
HEALTH_V1 = "/api/v1/integrations/woocommerce/health/"
WEBHOOK = "/api/integrations/woocommerce/webhook/"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


async def make_token(client, account, **body) -> dict:
    body.setdefault("name", "store")
    resp = await client.post(f"{TOKENS}generate/", json=body, headers=account.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def test_health_reports_user_token_and_counts_use(client, customer, clock):
    token = await make_token(client, customer, name="فروشگاه")
    first = await client.get(HEALTH, headers=bearer(token["token"]))
    assert first.status == 200
    body = await first.json()
    assert body["status"] == "ok"
    assert body["message"] == "اتصال با موفقیت برقرار شد."
    assert body["user"] == {"id": customer.user.id, "email": customer.user.email}
    assert body["token"] == {
        "id": token["id"],
        "integration_type": "woocommerce",
        "name": "فروشگاه",
        "last_used_at": "2026-01-01T00:00:00Z",
        "usage_count": 1,
    }
    assert body["timestamp"] == "2026-01-01T00:00:00Z"
    clock.advance(minutes=5)
    second = await (
        await client.get(HEALTH_V1, headers=bearer(token["token"], **{"Accept-Language": "en"}))
    ).json()
    assert second["token"]["usage_count"] == 2
    assert second["token"]["last_used_at"] == "2026-01-01T00:05:00Z"
    assert second["message"] == "Connection established."


async def failure(resp) -> tuple[int, dict, str | None]:
    return resp.status, await resp.json(), resp.headers.get("WWW-Authenticate")


async def test_unknown_revoked_inactive_expired_and_disabled_owner_look_alike(
    client, customer, other_customer, admin, ctx, clock
):
    revoked = await make_token(client, customer)
    await client.delete(f"{TOKENS}{revoked['id']}/", headers=customer.auth)
    inactive = await make_token(client, customer)
    await client.patch(
        f"{TOKENS}{inactive['id']}/", json={"is_active": False}, headers=customer.auth
    )
    expiring = await make_token(client, customer, expires_at="2026-01-01T00:00:30Z")
    orphan = await make_token(client, other_customer)
    await accounts.update_user(ctx, other_customer.user.id, is_active=False)
    clock.advance(minutes=1)
    answers = []
    for secret in (
        "wc_sk_live_" + "0" * 40,
        revoked["token"],
        inactive["token"],
        expiring["token"],
        orphan["token"],
        "garbage",
        "x" * 5000,
    ):
        answers.append(await failure(await client.get(HEALTH, headers=bearer(secret))))
    first = answers[0]
    assert first[0] == 401
    assert first[1]["code"] == "invalid_token"
    assert first[1]["detail"]
    assert first[2] is not None and first[2].startswith("Bearer")
    assert all(answer == first for answer in answers)
    # the plugin reads `error` to explain a failed connection test
    assert first[1]["error"] == first[1]["detail"]


async def test_missing_or_wrong_scheme_is_401(client, customer):
    token = await make_token(client, customer)
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": f"Token {token['token']}"},
        {"Authorization": f"Basic {token['token']}"},
    ):
        resp = await client.get(HEALTH, headers=headers)
        assert resp.status == 401, headers
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    # a user's JWT is not an integration token
    resp = await client.get(HEALTH, headers=customer.auth)
    assert resp.status == 401
    assert (await resp.json())["code"] == "invalid_token"
    # and the scheme is case-insensitive, as RFC 7235 says
    assert (
        await client.get(HEALTH, headers={"Authorization": f"bearer {token['token']}"})
    ).status == 200


async def test_ip_allowlist_with_cidr(client, customer):
    outside = await make_token(client, customer, allowed_ips=["203.0.113.0/24"])
    resp = await client.get(HEALTH, headers=bearer(outside["token"]))
    assert resp.status == 403
    body = await resp.json()
    assert body["code"] == "ip_not_allowed"
    inside = await make_token(client, customer, allowed_ips=["198.51.100.9", "127.0.0.0/8"])
    assert (await client.get(HEALTH, headers=bearer(inside["token"]))).status == 200
    listing = await (await client.get(TOKENS, headers=customer.auth)).json()
    counts = {item["id"]: item["usage_count"] for item in listing["results"]}
    assert counts == {outside["id"]: 0, inside["id"]: 1}


async def test_forwarded_for_counts_only_from_a_trusted_proxy(client, customer, ctx):
    token = await make_token(client, customer, allowed_ips=["203.0.113.7"])
    spoofed = bearer(token["token"], **{"X-Forwarded-For": "203.0.113.7"})
    assert (await client.get(HEALTH, headers=spoofed)).status == 403
    ctx.settings.trusted_proxies = ("127.0.0.0/8",)
    assert (await client.get(HEALTH, headers=spoofed)).status == 200
    # a client cannot prepend its way in: the proxy's own entry is the rightmost one
    chained = bearer(token["token"], **{"X-Forwarded-For": "203.0.113.7, 192.0.2.1"})
    assert (await client.get(HEALTH, headers=chained)).status == 403
    trusted_chain = bearer(token["token"], **{"X-Forwarded-For": "203.0.113.7, 127.0.0.5"})
    assert (await client.get(HEALTH, headers=trusted_chain)).status == 200


async def test_event_log_records_the_resolved_client_ip(client, customer, ctx):
    ctx.settings.trusted_proxies = ("127.0.0.1",)
    token = await make_token(client, customer)
    event = {"event_id": "ip-1", "event_type": "product.created", "product": {"id": 1, "name": "A"}}
    resp = await client.post(
        WEBHOOK, json=event, headers=bearer(token["token"], **{"X-Forwarded-For": "192.0.2.44"})
    )
    assert resp.status == 200
    events = await (
        await client.get("/api/v1/integrations/woocommerce/events/", headers=customer.auth)
    ).json()
    assert events["results"][0]["source_ip"] == "192.0.2.44"


async def test_repeated_failures_are_throttled_per_ip(client, customer, ctx):
    now = [1000.0]
    ctx.token_failures = FailureThrottle(limit=5, window_s=60, clock=lambda: now[0])
    token = await make_token(client, customer)
    for _ in range(5):
        assert (await client.get(HEALTH, headers=bearer("wc_sk_live_" + "1" * 40))).status == 401
    blocked = await client.get(HEALTH, headers=bearer(token["token"]))
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert (await blocked.json())["code"] == "throttled"
    now[0] += 61
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200
    # success is never counted against anyone
    for _ in range(10):
        assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200


async def test_only_woocommerce_and_custom_tokens_may_sync(client, customer):
    shopify = await make_token(client, customer, integration_type="shopify")
    custom = await make_token(client, customer, integration_type="custom")
    resp = await client.get(HEALTH, headers=bearer(shopify["token"]))
    assert resp.status == 403
    assert (await resp.json())["code"] == "wrong_integration_type"
    assert (await client.get(HEALTH, headers=bearer(custom["token"]))).status == 200


async def test_200_concurrent_health_calls_count_exactly_200(client, customer, ctx):
    token = await make_token(client, customer)

    async def call() -> int:
        resp = await client.get(HEALTH, headers=bearer(token["token"]))
        await resp.read()
        return resp.status

    statuses = await asyncio.gather(*(call() for _ in range(200)))
    assert statuses == [200] * 200
    shown = await (await client.get(f"{TOKENS}{token['id']}/", headers=customer.auth)).json()
    assert shown["usage_count"] == 200
    await ctx.usage.flush()
    stored = await ctx.store.fetchval(
        "SELECT usage_count FROM integration_tokens WHERE id = ?", (token["id"],)
    )
    assert stored == 200


async def test_usage_is_written_within_a_second_without_a_write_per_request(client, customer, ctx):
    token = await make_token(client, customer)
    for _ in range(3):
        assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200
    stored = "SELECT usage_count, last_used_at FROM integration_tokens WHERE id = ?"
    row = await ctx.store.fetchone(stored, (token["id"],))
    assert row["usage_count"] == 0  # still in memory
    for _ in range(40):
        await asyncio.sleep(0.05)
        row = await ctx.store.fetchone(stored, (token["id"],))
        if row["usage_count"]:
            break
    assert row["usage_count"] == 3
    assert row["last_used_at"] == "2026-01-01T00:00:00Z"


async def test_cached_tokens_follow_changes_at_once(client, customer, ctx):
    token = await make_token(client, customer)
    url = f"{TOKENS}{token['id']}/"
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200  # now cached
    await client.patch(url, json={"allowed_ips": ["192.0.2.1"]}, headers=customer.auth)
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 403
    await client.patch(url, json={"allowed_ips": []}, headers=customer.auth)
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200
    await accounts.set_password(ctx, customer.user.id, "another good password")
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 200
    await accounts.update_user(ctx, customer.user.id, is_active=False)
    assert (await client.get(HEALTH, headers=bearer(token["token"]))).status == 401
    await accounts.update_user(ctx, customer.user.id, is_active=True)
    body = await (await client.get(HEALTH, headers=bearer(token["token"]))).json()
    assert body["token"]["usage_count"] == 4  # the refused calls were not counted
