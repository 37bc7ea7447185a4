"""What every answer carries, as WordPress 6.1 sends it (read off a real WordPress):
discovery (the site page and the ``Link`` header), the REST headers, CORS on every
answer of both surfaces, errors included, and the global parameters ``_fields``,
``_envelope``, ``_embed`` and ``_method``."""

from __future__ import annotations

import pytest
from orders_support import BASE, configure, lines, post_order, product

from service.accounts.permissions import MANAGE_WOOCOMMERCE

ORIGIN = "https://dash.example"
ALLOWED_PLATFORM_ORIGIN = "http://localhost:5173"


def api_link(settings) -> str:
    return f'<{settings.base_url}/wp-json/>; rel="https://api.w.org/"'


# -- discovery ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_site_root_says_what_this_is_and_links_the_api(client, settings, method):
    resp = await client.request(method, "/")
    assert resp.status == 200
    assert resp.headers["Link"] == api_link(settings)
    assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
    text = await resp.text()
    if method == "GET":
        assert "Shopkeep" in text and f"{settings.base_url}/wp-json/" in text
    else:
        assert text == ""


async def test_rest_answers_carry_wordpress_headers(client, settings):
    for path, status in (("/wp-json/", 200), (f"{BASE}/nothing", 404), ("/wp-json", 200)):
        resp = await client.get(path)
        assert resp.status == status
        assert resp.headers["Link"] == api_link(settings)
        assert resp.headers["X-Robots-Tag"] == "noindex"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert resp.headers["Access-Control-Expose-Headers"].startswith(
            "X-WP-Total, X-WP-TotalPages, Link"
        )
        assert resp.headers["Vary"] == "Origin"  # an anonymous GET, as WordPress
    index = await client.get("/wp-json/")
    assert index.headers["Allow"] == "GET"


async def test_a_paging_link_replaces_the_api_link_as_in_wordpress(client, ctx, admin):
    for name in ("A", "B"):
        await product(ctx, name, "1")
    resp = await client.get(f"{BASE}/products?per_page=1", headers=admin.auth)
    assert resp.headers["Link"].endswith('rel="next"') and "api.w.org" not in resp.headers["Link"]
    # Signed-in answers are not cached, as WordPress's nocache headers.
    assert resp.headers["Cache-Control"] == "no-cache, must-revalidate, max-age=0"


# -- CORS on every answer ----------------------------------------------------------------
def assert_wp_cors(resp) -> None:
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    assert resp.headers["Access-Control-Allow-Methods"] == "OPTIONS, GET, POST, PUT, PATCH, DELETE"
    assert "Origin" in resp.headers.getall("Vary")


async def test_wordpress_errors_carry_cors(client, ctx):
    async def boom(req):
        raise RuntimeError("a bug")

    from service.http.registry import READABLE, Endpoint

    ctx.registry.register("test/v1", "/boom", Endpoint(READABLE, boom), "Test")
    ctx.registry.register(
        "test/v1", "/secret", Endpoint(READABLE, boom, MANAGE_WOOCOMMERCE), "Test"
    )
    headers = {"Origin": ORIGIN}
    cases = [
        ("/wp-json/test/v1/secret", {}, 401),
        ("/wp-json/test/v1/nothing", {}, 404),
        ("/wp-json/test/v1/boom", {}, 500),
        ("/wp-json/", {"Authorization": "Bearer not-a-jwt"}, 401),
        ("/wp-json/", {}, 200),
    ]
    for path, extra, status in cases:
        resp = await client.get(path, headers={**headers, **extra})
        assert resp.status == status, path
        assert_wp_cors(resp)
        assert (await resp.json())["code" if status >= 400 else "namespaces"]
    preflight = await client.options(
        f"{BASE}/products", headers={**headers, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 200
    assert_wp_cors(preflight)


async def test_platform_errors_carry_cors_for_allowed_origins(client, customer):
    headers = {"Origin": ALLOWED_PLATFORM_ORIGIN}
    wrong = await client.post(
        "/api/v1/auth/login/",
        json={"email": "alice@example.com", "password": "wrong password"},
        headers=headers,
    )
    assert wrong.status == 401
    assert wrong.headers["Access-Control-Allow-Origin"] == ALLOWED_PLATFORM_ORIGIN
    assert wrong.headers["Access-Control-Allow-Credentials"] == "true"
    assert (await wrong.json())["code"]
    for path, status in (("/api/v1/auth/me/", 401), ("/api/v1/nothing/", 404)):
        resp = await client.get(path, headers=headers)
        assert resp.status == status
        assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED_PLATFORM_ORIGIN
    stranger = await client.get("/api/v1/auth/me/", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    assert stranger.headers["Vary"] == "Origin"
    preflight = await client.options(
        "/api/v1/auth/login/", headers={**headers, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED_PLATFORM_ORIGIN


async def test_throttled_login_carries_cors(client, customer, ctx):
    headers = {"Origin": ALLOWED_PLATFORM_ORIGIN}
    body = {"email": "alice@example.com", "password": "wrong password"}
    statuses = []
    for _ in range(ctx.settings.throttle_account_ip + 1):
        resp = await client.post("/api/v1/auth/login/", json=body, headers=headers)
        statuses.append(resp.status)
        assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED_PLATFORM_ORIGIN
    assert statuses[-1] == 429


# -- global parameters -------------------------------------------------------------------
@pytest.fixture
async def products(ctx):
    return [await product(ctx, name, "3", sku=f"SKU-{name}") for name in ("Mug", "Pen")]


async def test_fields_on_lists_and_items(client, admin, products):
    listed = await client.get(f"{BASE}/products?_fields=id,name", headers=admin.auth)
    assert [sorted(p) for p in await listed.json()] == [["id", "name"], ["id", "name"]]
    assert listed.headers["X-WP-Total"] == "2"
    item = await client.get(f"{BASE}/products/{products[0]}?_fields=id", headers=admin.auth)
    body = await item.json()
    # An object's links are the response's and survive _fields, as in WordPress.
    assert sorted(body) == ["_links", "id"]
    dotted = await client.get(
        f"{BASE}/products/{products[0]}?_fields=dimensions.width,sku", headers=admin.auth
    )
    body = await dotted.json()
    assert body["dimensions"] == {"width": body["dimensions"]["width"]} and body["sku"] == "SKU-Mug"


async def test_envelope(client, admin, products):
    resp = await client.get(f"{BASE}/products?_envelope&_fields=id", headers=admin.auth)
    assert resp.status == 200
    envelope = await resp.json()
    assert envelope["status"] == 200
    assert sorted(envelope["body"], key=lambda p: p["id"]) == [{"id": i} for i in products]
    assert envelope["headers"]["X-WP-Total"] == "2" and envelope["headers"]["Allow"]
    assert "X-WP-Total" not in resp.headers  # the answer's headers went into the envelope
    missing = await client.get(f"{BASE}/nothing?_envelope")
    assert missing.status == 200
    assert await missing.json() == {
        "body": {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404},
        },
        "status": 404,
        "headers": [],
    }


async def test_embed_follows_embeddable_links_as_the_caller(client, ctx, admin, customer):
    await configure(ctx, tax={"calc_taxes": False})
    mug = await product(ctx, "Mug", "10")
    order = await post_order(
        client, admin, customer_id=customer.user.id, line_items=lines((mug, 1))
    )
    links = order["_links"]
    assert links["customer"][0]["embeddable"] is True
    resp = await client.get(f"{BASE}/orders/{order['id']}?_embed", headers=admin.auth)
    embedded = (await resp.json())["_embedded"]
    assert embedded["customer"][0]["id"] == customer.user.id
    assert embedded["product"][0]["id"] == mug
    only = await client.get(f"{BASE}/orders?_embed=customer", headers=admin.auth)
    assert list((await only.json())[0]["_embedded"]) == ["customer"]
    plain = await client.get(f"{BASE}/orders/{order['id']}", headers=admin.auth)
    assert "_embedded" not in await plain.json()


async def test_method_override_on_post_only(client, admin, products):
    """A deliberate difference (README): WordPress honours _method and
    X-HTTP-Method-Override on a GET too, so an <img> could delete."""
    target = f"{BASE}/products/{products[0]}"
    for attempt in (
        client.get(f"{target}?_method=DELETE&force=true", headers=admin.auth),
        client.get(target, headers={**admin.auth, "X-HTTP-Method-Override": "DELETE"}),
    ):
        resp = await attempt
        assert resp.status == 200 and (await resp.json())["id"] == products[0]
    assert (await client.get(target, headers=admin.auth)).status == 200
    deleted = await client.post(f"{target}?_method=DELETE&force=true", headers=admin.auth)
    assert deleted.status == 200
    assert (await client.get(target, headers=admin.auth)).status == 404
    other = f"{BASE}/products/{products[1]}"
    put = await client.post(
        other, json={"name": "Renamed"}, headers={**admin.auth, "X-HTTP-Method-Override": "PUT"}
    )
    assert put.status == 200 and (await put.json())["name"] == "Renamed"
