"""Token management over HTTP: generate, list, retrieve, change, regenerate, revoke."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from support import make_account

from service.common.clock import FrozenClock

V1 = "/api/v1/integrations/tokens/"
ALIAS = "/api/integrations/tokens/"
FA_MESSAGE = "⚠ این token فقط یکبار نمایش داده می‌شود. لطفاً آن را کپی کنید."


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


async def generate(client, account, expect: int = 201, headers=None, **body):
    body.setdefault("name", "Main store")
    resp = await client.post(
        f"{V1}generate/", json=body, headers={**account.auth, **(headers or {})}
    )
    data = await resp.json()
    assert resp.status == expect, data
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def health(client, token: str):
    return await client.get("/api/integrations/woocommerce/health/", headers=bearer(token))


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("woocommerce", r"wc_sk_live_[a-z0-9]{40}"),
        ("shopify", r"shpat_[a-z0-9]{32}"),
        ("custom", r"sk_live_[a-z0-9]{40}"),
    ],
)
async def test_generate_each_type(client, customer, kind, pattern):
    data = await generate(client, customer, integration_type=kind, name="فروشگاه من 🛍")
    assert re.fullmatch(pattern, data["token"])
    assert data["token_preview"] == data["token"][:5] + "..." + data["token"][-6:]
    assert data["integration_type"] == kind
    assert data["name"] == "فروشگاه من 🛍"
    assert data["user"] == {"id": customer.user.id, "email": customer.user.email}
    assert uuid.UUID(data["id"])
    assert data["expires_at"] is None and data["allowed_ips"] == []
    assert data["created_at"].endswith("Z")
    assert data["message"] == FA_MESSAGE


async def test_generate_defaults_to_woocommerce_and_prefix_alias_works(client, customer):
    resp = await client.post(f"{ALIAS}generate/", json={"name": "x"}, headers=customer.auth)
    assert resp.status == 201
    assert (await resp.json())["token"].startswith("wc_sk_live_")


@pytest.mark.parametrize(
    ("header", "english"),
    [
        ("en-US,en;q=0.9", True),
        ("fa,en;q=0.5", False),
        ("de-DE,en;q=0.3", True),
        ("en;q=0.2,fa;q=0.8", False),
        ("en;q=0", False),
        ("de", False),
        ("*;q=0.5,en;q=0.9", True),
    ],
)
async def test_message_language_follows_accept_language(client, customer, header, english):
    data = await generate(client, customer, headers={"Accept-Language": header})
    assert (data["message"] == FA_MESSAGE) is not english
    if english:
        assert "only once" in data["message"]


async def test_generate_with_expiry_and_ip_allowlist(client, customer):
    data = await generate(
        client,
        customer,
        expires_at="2099-01-02T03:04:05+03:30",
        allowed_ips=["203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "198.51.100.1/32"],
    )
    assert data["expires_at"] == "2099-01-01T23:34:05Z"
    assert data["allowed_ips"] == ["203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "198.51.100.1"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 101}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"name": "bad\x00name"}, "name"),
        ({}, "name"),
        ({"name": "x", "integration_type": "magento"}, "integration_type"),
        ({"name": "x", "integration_type": ["woocommerce"]}, "integration_type"),
        ({"name": "x", "allowed_ips": ["300.1.1.1"]}, "allowed_ips"),
        ({"name": "x", "allowed_ips": ["10.0.0.7/24"]}, "allowed_ips"),
        ({"name": "x", "allowed_ips": "10.0.0.1"}, "allowed_ips"),
        ({"name": "x", "allowed_ips": [5]}, "allowed_ips"),
        ({"name": "x", "expires_at": "next tuesday"}, "expires_at"),
        ({"name": "x", "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "x", "expires_at": 1767225600}, "expires_at"),
        ({"name": "x", "token": "wc_sk_live_mine"}, "token"),
        ({"name": "x", "user_id": "2"}, "user_id"),
    ],
)
async def test_generate_rejects_bad_input_and_creates_nothing(client, customer, body, field):
    resp = await client.post(f"{V1}generate/", json=body, headers=customer.auth)
    data = await resp.json()
    assert resp.status == 400, data
    assert data["code"] == "invalid"
    assert field in data["errors"]
    listing = await (await client.get(V1, headers=customer.auth)).json()
    assert listing["count"] == 0


async def test_exactly_100_characters_is_fine(client, customer):
    data = await generate(client, customer, name="ن" * 100)
    assert len(data["name"]) == 100


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b'"text"', b"\xff\xfe"])
async def test_malformed_json_is_a_400(client, customer, raw):
    resp = await client.post(
        f"{V1}generate/", data=raw, headers={**customer.auth, "Content-Type": "application/json"}
    )
    assert resp.status == 400
    assert (await resp.json())["code"] == "parse_error"


async def test_oversized_body_is_413(client, customer):
    resp = await client.post(
        f"{V1}generate/",
        data=b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}',
        headers={**customer.auth, "Content-Type": "application/json"},
    )
    assert resp.status == 413
    assert (await resp.json())["code"] == "request_too_large"


async def test_every_route_needs_a_jwt(client, customer):
    token = (await generate(client, customer))["token"]
    for method, path in [
        ("POST", f"{V1}generate/"),
        ("GET", V1),
        ("GET", f"{V1}{uuid.uuid4()}/"),
        ("PATCH", f"{V1}{uuid.uuid4()}/"),
        ("DELETE", f"{V1}{uuid.uuid4()}/"),
        ("POST", f"{V1}{uuid.uuid4()}/regenerate/"),
    ]:
        for headers in ({}, bearer(token)):
            resp = await client.request(method, path, json={}, headers=headers)
            assert resp.status == 401, (method, path)
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_list_is_newest_first_and_never_shows_the_secret(client, customer, clock):
    secrets = []
    for index in range(3):
        secrets.append((await generate(client, customer, name=f"store {index}"))["token"])
        clock.advance(seconds=1)
    resp = await client.get(V1, headers=customer.auth)
    data = await resp.json()
    text = await resp.text()
    assert data["count"] == 3 and data["next"] is None and data["previous"] is None
    assert [item["name"] for item in data["results"]] == ["store 2", "store 1", "store 0"]
    item = data["results"][0]
    assert set(item) >= {
        "id", "name", "integration_type", "token_preview", "is_active", "status",
        "usage_count", "last_used_at", "created_at", "expires_at", "allowed_ips",
    }  # fmt: skip
    assert "token" not in item
    assert item["status"] == "active" and item["usage_count"] == 0
    for secret in secrets:
        assert secret not in text
        assert secret[11:] not in text


async def test_list_filters_and_pagination(client, customer):
    for index in range(12):
        kind = "shopify" if index % 3 == 0 else "woocommerce"
        await generate(client, customer, name=f"s{index}", integration_type=kind)
    first = await (await client.get(f"{V1}?page_size=5", headers=customer.auth)).json()
    assert first["count"] == 12 and len(first["results"]) == 5
    assert "page=2" in first["next"]
    third = await (await client.get(f"{V1}?page_size=5&page=3", headers=customer.auth)).json()
    assert len(third["results"]) == 2 and third["next"] is None
    shopify = await (
        await client.get(f"{V1}?integration_type=shopify", headers=customer.auth)
    ).json()
    assert shopify["count"] == 4
    some = first["results"][0]["id"]
    await client.patch(f"{V1}{some}/", json={"is_active": False}, headers=customer.auth)
    inactive = await (await client.get(f"{V1}?is_active=false", headers=customer.auth)).json()
    assert [item["id"] for item in inactive["results"]] == [some]
    assert inactive["results"][0]["status"] == "inactive"
    for query in (
        "page=0", "page_size=101", "page_size=x", "is_active=maybe",
        "integration_type=magento", "include_revoked=sure", "user_id=abc",
    ):  # fmt: skip
        resp = await client.get(f"{V1}?{query}", headers=customer.auth)
        assert resp.status == 400, query
    resp = await client.get(f"{V1}?page=9", headers=customer.auth)
    assert resp.status == 404


async def test_retrieve_and_patch(client, customer):
    created = await generate(client, customer)
    url = f"{V1}{created['id']}/"
    got = await (await client.get(url, headers=customer.auth)).json()
    assert got["id"] == created["id"] and got["token_preview"] == created["token_preview"]
    resp = await client.patch(
        url,
        json={
            "name": "  Renamed ✓ ",
            "is_active": False,
            "expires_at": "2099-05-01T00:00:00Z",
            "allowed_ips": ["192.0.2.0/24"],
        },
        headers=customer.auth,
    )
    data = await resp.json()
    assert resp.status == 200, data
    assert data["name"] == "Renamed ✓" and data["is_active"] is False
    assert data["expires_at"] == "2099-05-01T00:00:00Z"
    assert data["allowed_ips"] == ["192.0.2.0/24"]
    assert (await health(client, created["token"])).status == 401
    data = await (
        await client.patch(
            url, json={"is_active": True, "expires_at": None, "allowed_ips": None},
            headers=customer.auth,
        )
    ).json()  # fmt: skip
    assert data["is_active"] is True and data["expires_at"] is None and data["allowed_ips"] == []
    assert (await health(client, created["token"])).status == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"integration_type": "shopify"}, "integration_type"),
        ({"name": ""}, "name"),
        ({"name": "y" * 101}, "name"),
        ({"is_active": "false"}, "is_active"),
        ({"is_active": 0}, "is_active"),
        ({"allowed_ips": ["not-an-ip"]}, "allowed_ips"),
        ({"expires_at": "2001-01-01"}, "expires_at"),
        ({"usage_count": 0}, "usage_count"),
        ({"token_preview": "x"}, "token_preview"),
    ],
)
async def test_patch_rejects_bad_input_and_changes_nothing(client, customer, body, field):
    created = await generate(client, customer, name="Keep me")
    url = f"{V1}{created['id']}/"
    before = await (await client.get(url, headers=customer.auth)).json()
    resp = await client.patch(url, json={"name": "Changed", **body}, headers=customer.auth)
    data = await resp.json()
    assert resp.status == 400, data
    assert field in data["errors"]
    assert await (await client.get(url, headers=customer.auth)).json() == before


async def test_regenerate_replaces_the_secret_at_once(client, customer):
    created = await generate(client, customer)
    assert (await health(client, created["token"])).status == 200
    resp = await client.post(
        f"{ALIAS}{created['id']}/regenerate/",
        headers={**customer.auth, "Accept-Language": "en"},
    )
    data = await resp.json()
    assert resp.status == 200, data
    assert data["id"] == created["id"]
    assert data["token"] != created["token"] and data["token"].startswith("wc_sk_live_")
    assert data["token_preview"] == data["token"][:5] + "..." + data["token"][-6:]
    assert "only once" in data["message"]
    assert (await health(client, created["token"])).status == 401
    assert (await health(client, data["token"])).status == 200
    listed = await (await client.get(V1, headers=customer.auth)).json()
    assert listed["results"][0]["usage_count"] == 2
    assert listed["results"][0]["token_preview"] == data["token_preview"]


async def test_revoke_is_immediate_final_and_hidden(client, customer):
    created = await generate(client, customer)
    url = f"{V1}{created['id']}/"
    resp = await client.delete(url, headers=customer.auth)
    assert resp.status == 200
    assert (await resp.json())["detail"]
    assert (await health(client, created["token"])).status == 401
    assert (await client.delete(url, headers=customer.auth)).status == 404
    assert (await client.patch(url, json={"is_active": True}, headers=customer.auth)).status == 404
    assert (await client.post(f"{url}regenerate/", headers=customer.auth)).status == 404
    assert (await (await client.get(V1, headers=customer.auth)).json())["count"] == 0
    shown = await (await client.get(f"{V1}?include_revoked=true", headers=customer.auth)).json()
    assert shown["count"] == 1
    assert shown["results"][0]["status"] == "revoked"
    assert shown["results"][0]["revoked_at"]
    assert (await health(client, created["token"])).status == 401


async def test_another_users_token_is_404_on_every_route(client, customer, other_customer):
    created = await generate(client, customer)
    url = f"{V1}{created['id']}/"
    for method, path, body in [
        ("GET", url, None),
        ("PATCH", url, {"name": "mine now"}),
        ("DELETE", url, None),
        ("POST", f"{url}regenerate/", None),
        ("GET", f"{ALIAS}{created['id']}/", None),
    ]:
        resp = await client.request(method, path, json=body, headers=other_customer.auth)
        assert resp.status == 404, (method, path)
        assert (await resp.json())["code"] == "token_not_found"
    listing = await (await client.get(V1, headers=other_customer.auth)).json()
    assert listing["count"] == 0
    resp = await client.get(f"{V1}?user_id={customer.user.id}", headers=other_customer.auth)
    assert resp.status == 403
    # untouched
    assert (await health(client, created["token"])).status == 200
    mine = await (await client.get(url, headers=customer.auth)).json()
    assert mine["name"] == "Main store" and mine["status"] == "active"


async def test_unknown_and_malformed_ids_are_404(client, customer):
    for token_id in (str(uuid.uuid4()), "not-a-uuid", "generate"):
        resp = await client.get(f"{V1}{token_id}/", headers=customer.auth)
        assert resp.status == 404


async def test_administrator_sees_and_manages_everyone(client, admin, customer, other_customer):
    mine = await generate(client, customer, name="alice store")
    await generate(client, other_customer, name="bob store")
    listing = await (await client.get(V1, headers=admin.auth)).json()
    assert {item["user"]["email"] for item in listing["results"]} == {
        customer.user.email,
        other_customer.user.email,
    }
    only = await (await client.get(f"{V1}?user_id={customer.user.id}", headers=admin.auth)).json()
    assert [item["name"] for item in only["results"]] == ["alice store"]
    resp = await client.patch(f"{V1}{mine['id']}/", json={"name": "by admin"}, headers=admin.auth)
    assert (await resp.json())["name"] == "by admin"
    assert (await client.delete(f"{V1}{mine['id']}/", headers=admin.auth)).status == 200


async def test_administrator_creates_for_another_user(client, admin, customer):
    data = await generate(client, admin, user_id=customer.user.id, name="for alice")
    assert data["user"]["id"] == customer.user.id
    listing = await (await client.get(V1, headers=customer.auth)).json()
    assert [item["id"] for item in listing["results"]] == [data["id"]]
    missing = await generate(client, admin, expect=400, user_id=99999)
    assert "user_id" in missing["errors"]


async def test_others_cannot_create_for_someone_else(client, customer, other_customer):
    resp = await client.post(
        f"{V1}generate/",
        json={"name": "x", "user_id": other_customer.user.id},
        headers=customer.auth,
    )
    assert resp.status == 403
    assert (await (await client.get(V1, headers=other_customer.auth)).json())["count"] == 0
    # naming yourself is fine
    data = await generate(client, customer, user_id=customer.user.id)
    assert data["user"]["id"] == customer.user.id


async def test_expired_token_shows_as_expired(client, customer, ctx, clock):
    created = await generate(client, customer, expires_at="2026-01-02T00:00:00Z")
    assert (await health(client, created["token"])).status == 200
    clock.advance(days=1)
    assert (await health(client, created["token"])).status == 401
    fresh = await make_account(ctx, "late@example.com", "administrator")  # old JWTs expired
    data = await (await client.get(f"{V1}{created['id']}/", headers=fresh.auth)).json()
    assert data["status"] == "expired"
    assert data["usage_count"] == 1


def files_bytes(settings) -> bytes:
    """The database, its WAL and shared-memory files, and the log, as bytes."""
    db = Path(settings.db)
    paths = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
    paths.append(Path(settings.log_path))
    return b"".join(path.read_bytes() for path in paths if path.exists())


async def test_tokens_never_reach_the_database_file_or_the_log(client, customer, ctx, settings):
    made = [await generate(client, customer, name=f"t{index}") for index in range(3)]
    regenerated = await (
        await client.post(f"{V1}{made[0]['id']}/regenerate/", headers=customer.auth)
    ).json()
    for item in made[1:]:
        assert (await health(client, item["token"])).status == 200
    await client.get(
        "/api/integrations/woocommerce/health/", headers=bearer("wc_sk_live_" + "a" * 40)
    )

    await ctx.usage.flush()
    secrets = [item["token"] for item in made] + [regenerated["token"]]
    blobs = files_bytes(settings)
    for secret in secrets:
        assert secret.encode() not in blobs
        assert secret[11:].encode() not in blobs  # not even without its prefix
    from service.accounts.passwords import digest

    assert digest(made[1]["token"]).encode() in blobs  # what is kept instead
