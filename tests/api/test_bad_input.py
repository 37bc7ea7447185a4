"""Each class of bad input gets its exact 4xx in the surface's shape, checked once per
class at the shared edge: integers past SQLite's range, text SQLite cannot bind, JSON
nested past the limit, JWTs whose subject is not an id, a forged body through a form."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from store import meta

W = "/wp-json/woonoow/v1"
INT64 = 2**63 - 1
PAST = [str(INT64 + 1), str(-(INT64 + 2)), "9" * 40]


def wp_error(body, status: int, code: str):
    assert set(body) == {"code", "message", "data"}, body
    assert body["code"] == code, body
    assert body["data"]["status"] == status, body
    return body


def platform_error(body, code: str):
    assert {"detail", "code"} <= set(body) <= {"detail", "code", "errors", "error"}, body
    assert body["code"] == code, body
    return body


@pytest.mark.parametrize("value", PAST)
async def test_integers_past_sqlite_in_query_args_are_rest_invalid_param(client, admin, value):
    for path, name in (
        ("/products", "page"),
        ("/orders", "per_page"),
        ("/licenses", "customer"),
        ("/shop/products", "page"),
        ("/shop/categories", "parent"),
        ("/hooks/shop", "product_id"),
    ):
        for url in (f"/wp-json/woonoow/v1{path}", f"/?rest_route=/woonoow/v1{path}"):
            resp = await client.get(url, params={name: value}, headers=admin.auth)
            body = wp_error(await resp.json(), 400, "rest_invalid_param")
            assert resp.status == 400
            assert name in body["data"]["params"], body


@pytest.mark.parametrize("value", [INT64 + 1, -(INT64 + 2), 10**40, 1e20])
async def test_integers_past_sqlite_in_json_and_forms_are_rest_invalid_param(client, admin, value):
    for path, body in (
        ("/licenses", {"product_id": value}),
        ("/licenses/validate", {"license_key": "K", "product_id": value}),
        ("/cart/add", {"id": value}),
        ("/orders", {"customer_id": value}),
    ):
        resp = await client.post(f"{W}{path}", json=body, headers=admin.auth)
        assert resp.status == 400, (path, await resp.text())
        wp_error(await resp.json(), 400, "rest_invalid_param")
        form = {k: str(int(v)) if isinstance(v, float) else str(v) for k, v in body.items()}
        resp = await client.post(f"{W}{path}", data=form, headers=admin.auth)
        assert resp.status == 400, (path, await resp.text())
        wp_error(await resp.json(), 400, "rest_invalid_param")


async def test_the_last_integers_sqlite_holds_are_read(client, admin):
    for value in (INT64, -(INT64 + 1)):
        resp = await client.get(f"{W}/licenses", params={"order_id": value}, headers=admin.auth)
        body = await resp.json()
        assert resp.status == 400 if value < 0 else 200, body
    resp = await client.post(
        f"{W}/licenses/validate", json={"license_key": "K", "product_id": INT64}
    )
    assert resp.status == 404, await resp.text()  # read, then no such license


async def test_ids_past_sqlite_in_the_path_name_nothing(client, admin):
    for path, code in (
        ("/orders/", "woocommerce_rest_shop_order_invalid_id"),
        ("/coupons/", "woocommerce_rest_shop_coupon_invalid_id"),
        ("/licenses/", "woocommerce_rest_license_invalid_id"),
        ("/shop/products/", None),
    ):
        for value in PAST[::2]:
            resp = await client.get(f"{W}{path}{value}", headers=admin.auth)
            body = await resp.json()
            assert resp.status == 404, body
            if code:
                assert body["code"] == code, body


@pytest.mark.parametrize(
    "query",
    [
        {"page": "9" * 30},
        {"page_size": str(INT64 + 1)},
        {"user_id": str(INT64 + 1)},
        {"woo_product_id": "-" + "9" * 25},
        {"user_id": "١٢"},
    ],
)
async def test_integers_past_sqlite_on_the_platform_are_invalid(client, admin, query):
    for path in ("/api/v1/integrations/woocommerce/events/", "/api/v1/integrations/tokens/"):
        if "woo_product_id" in query and "tokens" in path:
            continue
        resp = await client.get(path, params=query, headers=admin.auth)
        assert resp.status == 400, await resp.text()
        body = platform_error(await resp.json(), "invalid")
        assert set(body["errors"]) == set(query)


async def test_text_with_lone_surrogates_is_invalid_json_on_both_surfaces(client, admin):
    raw = '{"email": "\\ud800@x.io", "password": "secret"}'
    resp = await client.post(
        "/api/v1/auth/login/", data=raw, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400
    platform_error(await resp.json(), "parse_error")
    for path, raw in (
        ("/licenses/validate", '{"license_key": "K\\udfff"}'),
        ("/products", '{"name": "Mug", "sku": "\\udc80"}'),
        ("/coupons", '{"code": "x", "amount": "1", "discount_type": "percent", "k\\ud800": 1}'),
    ):
        resp = await client.post(
            f"{W}{path}", data=raw, headers={"Content-Type": "application/json", **admin.auth}
        )
        body = wp_error(await resp.json(), 400, "rest_invalid_json")
        assert body["data"]["json_error_code"] == 10
    # A surrogate pair is one character, and fine.
    resp = await client.post(
        f"{W}/products/tags",
        data='{"name": "\\ud83c\\udf89 party"}',
        headers={"Content-Type": "application/json", **admin.auth},
    )
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["name"] == "🎉 party"


async def test_nesting_past_64_levels_is_400_and_64_is_read(client, admin):
    def nested(levels: int) -> str:
        return '{"license_key": "K", "x": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"

    resp = await client.post(
        f"{W}/licenses/validate", data=nested(65), headers={"Content-Type": "application/json"}
    )
    body = wp_error(await resp.json(), 400, "rest_invalid_json")
    assert body["data"]["json_error_code"] == 1
    resp = await client.post(
        f"{W}/licenses/validate", data=nested(64), headers={"Content-Type": "application/json"}
    )
    assert (await resp.json())["code"] != "rest_invalid_json"
    resp = await client.post(
        "/api/v1/auth/login/",
        data='{"email": ' + "[" * 70 + "]" * 70 + "}",
        headers={"Content-Type": "application/json"},
    )
    assert resp.status == 400
    platform_error(await resp.json(), "parse_error")


async def _signed(ctx, **claims) -> str:
    now = int(time.time())
    base = {"typ": "access", "ver": 0, "iat": now, "exp": now + 600}
    return jwt.encode({**base, **claims}, await meta.get(ctx.store, "jwt_secret"), "HS256")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "9" * 40},
        {"sub": "-1"},
        {"sub": "0"},
        {"sub": "abc"},
        {"sub": " 1"},
        {"sub": "١"},
        {"sub": "1", "ver": 10**30},
        {"sub": "1", "ver": "0"},
        {"sub": "1", "exp": 10**30},
    ],
)
async def test_signed_jwts_that_name_no_sane_user_are_401(client, ctx, admin, claims):
    token = await _signed(ctx, **claims)
    headers = {"Authorization": f"Bearer {token}"}
    resp = await client.get("/api/v1/auth/me/", headers=headers)
    assert resp.status == 401, await resp.text()
    platform_error(await resp.json(), "token_not_valid")
    resp = await client.get(f"{W}/shop/products", headers=headers)
    assert resp.status == 401
    wp_error(await resp.json(), 401, "token_not_valid")


async def test_a_signed_jwt_for_a_real_user_still_works(client, ctx, admin):
    token = await _signed(ctx, sub=str(admin.user.id))
    resp = await client.get("/api/v1/auth/me/", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200, await resp.text()


async def test_a_body_charset_is_not_trusted_json_is_utf8(client):
    resp = await client.post(
        f"{W}/licenses/validate",
        data=b'{"license_key": "K"}',
        headers={"Content-Type": "application/json; charset=no-such-charset"},
    )
    assert resp.status == 404, await resp.text()  # read as UTF-8: no such license
    resp = await client.post(
        f"{W}/licenses/validate",
        data=json.dumps({"license_key": "Kä"}, ensure_ascii=False).encode("latin-1"),
        headers={"Content-Type": "application/json; charset=latin-1"},
    )
    wp_error(await resp.json(), 400, "rest_invalid_json")


@pytest.mark.parametrize("search", ["²", "#²", "۱۲", "#۱۲", "³3"])
async def test_searches_with_non_ascii_digits_are_text_not_ids(client, admin, search):
    """Digits outside 0-9 pass str.isdigit() but are no id: searched as text, found nothing."""
    for path in ("/orders", "/products", "/customers", "/coupons", "/licenses"):
        resp = await client.get(f"{W}{path}", params={"search": search}, headers=admin.auth)
        assert resp.status == 200, (path, await resp.text())
        assert await resp.json() == [], path
    resp = await client.get(f"{W}/shop/products", params={"category": "²"})
    assert resp.status == 200, await resp.text()
    assert await resp.json() == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/products/categories", {"name": "Cups", "parent": "١٢"}, "parent"),
        ("/products", {"name": "Mug", "menu_order": "۳"}, "menu_order"),
        ("/products", {"name": "Mug", "regular_price": "١٢"}, "regular_price"),
        ("/products", {"name": "Mug", "weight": "٣"}, "weight"),
    ],
)
async def test_numbers_in_other_scripts_are_refused_not_read(client, manager, path, body, field):
    """WordPress reads only 0-9 as digits (PHP's is_numeric): "١٢" is no integer and no
    price, so it is refused by name instead of being stored as 12."""
    resp = await client.post(f"{W}{path}", json=body, headers=manager.auth)
    assert resp.status == 400, await resp.text()
    error = await resp.json()
    assert error["data"]["status"] == 400
    assert field in repr(error)
