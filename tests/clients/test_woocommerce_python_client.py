"""The official WooCommerce REST client for Python (`woocommerce` on PyPI), unchanged, with a
key made by `run.py users api-key`: OAuth 1.0a over http, Basic and the query string over
https. Written as its README shows, e.g. `wcapi.delete(..., params={"force": True})`."""

from __future__ import annotations

import pytest
from clients_support import ApiKey

woocommerce = pytest.importorskip("woocommerce", reason="pip install -e '.[test]' installs it")

WRONG_SECRET = "cs_" + "0" * 40


def client(url: str, key: ApiKey, secret: str = "", **options) -> woocommerce.API:
    return woocommerce.API(
        url=url,
        consumer_key=key.consumer_key,
        consumer_secret=secret or key.consumer_secret,
        version="woonoow/v1",
        timeout=30,
        **options,
    )


def assert_crud(api: woocommerce.API, wrong: woocommerce.API, name: str) -> None:
    created = api.post("products", {"name": name, "regular_price": "7.25"})
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    assert created.json()["name"] == name

    got = api.get(f"products/{product_id}")
    assert (got.status_code, got.json()["id"], got.json()["name"]) == (200, product_id, name)

    updated = api.put(f"products/{product_id}", {"name": f"{name}-renamed"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == f"{name}-renamed"

    listed = api.get("products", params={"search": name, "per_page": 5})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()] == [product_id]
    assert listed.headers["X-WP-Total"] == "1"

    deleted = api.delete(f"products/{product_id}", params={"force": True})
    assert (deleted.status_code, deleted.json()["id"]) == (200, product_id), deleted.text

    gone = api.get(f"products/{product_id}")
    assert gone.status_code == 404
    assert gone.json() == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }

    refused = wrong.get("products")
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "woocommerce_rest_authentication_error"


def test_oauth1_over_plain_http(shop, api_key):
    api = client(shop.url, api_key)
    assert_crud(api, client(shop.url, api_key, WRONG_SECRET), "wc-py-http-oauth")


@pytest.mark.parametrize("query_string_auth", [False, True], ids=["basic", "query"])
def test_basic_or_query_string_over_https(https_url, tls_certificate, api_key, query_string_auth):
    cert, _ = tls_certificate
    options = {"verify_ssl": str(cert), "query_string_auth": query_string_auth}
    name = f"wc-py-https-{'query' if query_string_auth else 'basic'}"
    api = client(https_url, api_key, **options)
    assert_crud(api, client(https_url, api_key, WRONG_SECRET, **options), name)
