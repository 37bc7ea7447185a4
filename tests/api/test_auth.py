"""Login, refresh, JWT attacks, application passwords, the 401/403 rule, CORS."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from support import basic_auth

from service.accounts import users as accounts
from service.accounts.permissions import MANAGE_WOOCOMMERCE
from service.app.assembly import create_app
from service.common.clock import FrozenClock
from service.http.registry import READABLE, Endpoint, RouteRegistry


@pytest.fixture
def clock():
    return FrozenClock()


async def login(client, email, password):
    return await client.post("/api/v1/auth/login/", json={"email": email, "password": password})


async def test_login_returns_tokens_and_user(client, admin):
    resp = await login(client, "Admin@Example.com", admin.password)
    assert resp.status == 200
    body = await resp.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"] == {
        "id": admin.user.id,
        "email": "admin@example.com",
        "display_name": "Admin",
        "role": "administrator",
    }


async def test_three_failures_look_the_same(client, ctx, admin, customer):
    await accounts.update_user(ctx, customer.user.id, is_active=False)
    answers = [
        await login(client, "nobody@example.com", admin.password),
        await login(client, "admin@example.com", "wrong password!"),
        await login(client, "alice@example.com", customer.password),
    ]
    bodies = [await r.json() for r in answers]
    assert {r.status for r in answers} == {401}
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["code"] == "invalid_credentials"


async def test_login_validation_and_malformed_json(client):
    resp = await client.post("/api/v1/auth/login/", json={"email": "a@b.co"})
    assert resp.status == 400
    assert (await resp.json())["errors"] == {"password": ["This field is required."]}
    resp = await client.post(
        "/api/v1/auth/login/", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400 and (await resp.json())["code"] == "parse_error"


async def test_refresh_gives_a_new_access_token(client, admin):
    resp = await client.post("/api/v1/auth/refresh/", json={"refresh": admin.refresh})
    assert resp.status == 200
    access = (await resp.json())["access"]
    me = await client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {access}"})
    assert me.status == 200 and (await me.json())["email"] == "admin@example.com"


async def test_refresh_token_is_not_an_access_token_and_vice_versa(client, admin):
    me = await client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {admin.refresh}"})
    assert me.status == 401
    resp = await client.post("/api/v1/auth/refresh/", json={"refresh": admin.access})
    assert resp.status == 401


def forge(
    claims: dict, key: str = "not-the-key-but-just-as-long-as-one-0123", alg: str = "HS256"
) -> str:
    return jwt.encode(claims, key, algorithm=alg)


def none_alg(claims: dict) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize("attack", ["none", "wrong_key", "expired", "no_exp", "garbage"])
async def test_jwt_attacks_get_401_with_www_authenticate(client, ctx, clock, admin, attack):
    now = int(clock.now().timestamp())
    claims = {"sub": str(admin.user.id), "typ": "access", "ver": 0, "iat": now, "exp": now + 600}
    if attack == "none":
        token = none_alg(claims)
    elif attack == "wrong_key":
        token = forge(claims)
    elif attack == "expired":
        token = admin.access
        clock.advance(minutes=16)
    elif attack == "no_exp":
        token = forge({k: v for k, v in claims.items() if k != "exp"}, key=await _secret(ctx))
    else:
        token = "definitely.not.a-jwt"
    resp = await client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await resp.json())["code"] == "token_not_valid"


async def _secret(ctx):
    from store import meta

    return await meta.get(ctx.store, "jwt_secret")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Token abc", "Basic"])
async def test_missing_or_malformed_header(client, header):
    headers = {"Authorization": header} if header else {}
    resp = await client.get("/api/v1/auth/me/", headers=headers)
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_access_token_valid_until_15_minutes(client, clock, admin):
    clock.advance(minutes=14, seconds=59)
    assert (await client.get("/api/v1/auth/me/", headers=admin.auth)).status == 200
    clock.advance(seconds=1)
    assert (await client.get("/api/v1/auth/me/", headers=admin.auth)).status == 401


async def test_password_change_revokes_refresh_tokens(client, ctx, admin):
    await accounts.set_password(ctx, admin.user.id, "a brand new password")
    resp = await client.post("/api/v1/auth/refresh/", json={"refresh": admin.refresh})
    assert resp.status == 401


# -- WordPress surface -------------------------------------------------------
@pytest.fixture
async def wp(aiohttp_client, ctx):
    async def whoami(req):
        return {"id": req.user.id if req.user else 0}

    reg = RouteRegistry()
    reg.register("t/v1", "/whoami", Endpoint(READABLE, whoami), "T")
    reg.register("t/v1", "/admin", Endpoint(READABLE, whoami, permission=MANAGE_WOOCOMMERCE), "T")
    ctx.registry = reg
    return await aiohttp_client(create_app(ctx))


async def test_basic_auth_with_application_password(wp, ctx, manager):
    _, password = await accounts.create_app_password(ctx, manager.user.id, "CI")
    assert " " in password  # shown in groups, as WordPress does
    for login_name in ("manager@example.com", "Manager"):
        for form in (password, password.replace(" ", "")):
            resp = await wp.get("/wp-json/t/v1/admin", headers=basic_auth(login_name, form))
            assert resp.status == 200, await resp.text()
            assert (await resp.json())["id"] == manager.user.id


async def test_basic_auth_failures(wp, ctx, manager):
    await accounts.create_app_password(ctx, manager.user.id, "CI")
    wrong = await wp.get("/wp-json/t/v1/whoami", headers=basic_auth("manager@example.com", "x"))
    assert wrong.status == 401
    assert (await wrong.json())["code"] == "incorrect_password"
    # The login password is not an application password.
    login_pw = await wp.get(
        "/wp-json/t/v1/whoami", headers=basic_auth("manager@example.com", manager.password)
    )
    assert login_pw.status == 401
    unknown = await wp.get("/wp-json/t/v1/whoami", headers=basic_auth("who@example.com", "x"))
    assert unknown.status == 401 and (await unknown.json())["code"] == "invalid_username"


async def test_app_password_is_stored_only_as_a_digest(ctx, manager, settings):
    _, password = await accounts.create_app_password(ctx, manager.user.id, "CI")
    from pathlib import Path

    db = Path(settings.db)
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert len(raw) > 0
    assert password.replace(" ", "").encode() not in raw


async def test_wordpress_401_anonymous_403_without_capability(wp, customer, manager):
    anon = await wp.get("/wp-json/t/v1/admin")
    assert anon.status == 401
    assert set(await anon.json()) == {"code", "message", "data"}
    forbidden = await wp.get("/wp-json/t/v1/admin", headers=customer.auth)
    assert forbidden.status == 403
    assert (await forbidden.json())["data"] == {"status": 403}
    allowed = await wp.get("/wp-json/t/v1/admin", headers=manager.auth)
    assert allowed.status == 200


async def test_bad_bearer_on_wordpress_surface_is_401_even_on_public_routes(wp):
    resp = await wp.get("/wp-json/t/v1/whoami", headers={"Authorization": "Bearer nope"})
    assert resp.status == 401
    assert (await resp.json())["code"] == "token_not_valid"


async def test_cors_on_wordpress_echoes_origin(wp):
    resp = await wp.get("/wp-json/t/v1/whoami", headers={"Origin": "https://dash.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://dash.example"
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-WP-TotalPages" in resp.headers["Access-Control-Expose-Headers"]


async def test_cors_on_platform_only_for_configured_origins(client):
    good = await client.options(
        "/api/v1/auth/login/",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert good.status == 204
    assert good.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    bad = await client.options(
        "/api/v1/auth/login/",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert bad.status == 403 and "Access-Control-Allow-Origin" not in bad.headers


async def test_body_over_limit_is_413_in_the_surface_shape(client, settings):
    resp = await client.post(
        "/api/v1/auth/login/",
        data=b"x" * (settings.client_max_size + 10),
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 413
    assert (await resp.json())["code"] == "request_too_large"


def test_refresh_lifetime_default_is_seven_days(settings):
    assert timedelta(seconds=settings.refresh_ttl_s) == timedelta(days=7)
    assert timedelta(seconds=settings.access_ttl_s) == timedelta(minutes=15)
