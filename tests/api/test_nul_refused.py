"""U+0000 in request text: PostgreSQL cannot store it, so both backends refuse it at the
edge with a 400 that names the field, in the surface's shape; a User-Agent that gets
stored shows it as U+FFFD. Run on both backends (``--backend=postgresql``)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from service.http.headers import header_text

W = "/wp-json/woonoow/v1"
JSON = {"Content-Type": "application/json"}


def invalid_param(body, field: str) -> None:
    assert set(body) == {"code", "message", "data"}, body
    assert body["code"] == "rest_invalid_param", body
    assert body["data"]["status"] == 400
    assert list(body["data"]["params"]) == [field], body
    assert "U+0000" in body["data"]["params"][field]


def platform_invalid(body, field: str) -> None:
    assert body["code"] == "invalid", body
    assert list(body["errors"]) == [field], body


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/products", '{"name": "Mug\\u0000", "regular_price": "5"}', "name"),
        ("/products", '{"meta_data": [{"key": "k", "value": "\\u0000"}]}', "meta_data"),
        ("/coupons", '{"code": "x", "amount": "1", "k\\u0000": 1}', "k\ufffd"),
        ("/customers", '{"email": "a@b.io", "billing": {"city": "\\u0000"}}', "billing"),
    ],
)  # fmt: skip
async def test_json_bodies_with_nul_are_rest_invalid_param(client, admin, path, raw, field):
    resp = await client.post(f"{W}{path}", data=raw, headers={**JSON, **admin.auth})
    assert resp.status == 400, await resp.text()
    invalid_param(await resp.json(), field)


async def test_form_bodies_and_query_parameters_with_nul_are_rest_invalid_param(client, admin):
    resp = await client.post(f"{W}/products/tags", data={"name": "a\x00b"}, headers=admin.auth)
    assert resp.status == 400, await resp.text()
    invalid_param(await resp.json(), "name")
    for path in ("/products", "/orders", "/customers", "/shop/products"):
        resp = await client.get(f"{W}{path}?search=a%00b", headers=admin.auth)
        assert resp.status == 400, (path, await resp.text())
        invalid_param(await resp.json(), "search")
    resp = await client.get("/wp-json/wc/v3/products/tags/slug%00", headers=admin.auth)
    assert resp.status == 400
    invalid_param(await resp.json(), "path")


async def test_the_platform_answers_invalid_naming_the_field(client, admin):
    resp = await client.post(
        "/api/v1/auth/login/", data='{"email": "a\\u0000@x.io", "password": "p"}', headers=JSON
    )
    assert resp.status == 400, await resp.text()
    platform_invalid(await resp.json(), "email")
    resp = await client.get("/api/v1/integrations/tokens/?search=%00", headers=admin.auth)
    assert resp.status == 400
    platform_invalid(await resp.json(), "search")


async def test_text_without_nul_is_still_stored(client, admin):
    resp = await client.post(
        f"{W}/products/tags", data='{"name": "a\\u0001b %00"}', headers={**JSON, **admin.auth}
    )
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["name"] == "a\x01b %00"


def test_a_stored_header_shows_nul_as_the_replacement_character():
    request = make_mocked_request("POST", "/", headers={"User-Agent": "bot\x00/1"})
    assert header_text(request, "User-Agent") == "bot\ufffd/1"
