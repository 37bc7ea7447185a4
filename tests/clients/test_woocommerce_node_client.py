"""The official WooCommerce REST client for node (`@woocommerce/woocommerce-rest-api`),
unchanged, with a key made by `run.py users api-key`: OAuth 1.0a over http, Basic and the
query string over https."""

from __future__ import annotations

import pytest
from clients_support import HERE, ApiKey, run_json


def woocommerce_node(node: str, url: str, key: ApiKey, placement: str, ca: str = "") -> dict:
    env = {
        "SHOPKEEP_URL": url,
        "WC_CONSUMER_KEY": key.consumer_key,
        "WC_CONSUMER_SECRET": key.consumer_secret,
        "NODE_EXTRA_CA_CERTS": ca,
        "PRODUCT_NAME": f"wc-node-{url.split(':')[0]}-{placement}",
    }
    return run_json([node, str(HERE / "woocommerce_crud.mjs"), placement], env)


def assert_crud(result: dict, name: str) -> None:
    assert "failed_step" not in result, result
    product_id = result["created"]["id"]
    assert result["created"] == {"status": 201, "id": product_id, "name": name}
    assert result["got"] == {"status": 200, "id": product_id, "name": name}
    renamed = f"{name}-renamed"
    assert result["updated"] == {"status": 200, "id": product_id, "name": renamed}
    assert result["list"] == {"status": 200, "ids": [product_id], "total": 1}
    assert result["deleted"] == {"status": 200, "id": product_id}
    assert result["after_delete"] == {
        "status": 404,
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
    }
    assert result["wrong_secret"]["status"] == 401, result["wrong_secret"]
    assert result["wrong_secret"]["code"] == "woocommerce_rest_authentication_error"


def test_oauth1_over_plain_http(node_clients, shop, api_key):
    result = woocommerce_node(node_clients, shop.url, api_key, "header")
    assert_crud(result, "wc-node-http-header")


@pytest.mark.parametrize("placement", ["header", "query"])
def test_basic_or_query_string_over_https(
    node_clients, https_url, tls_certificate, api_key, placement
):
    cert, _ = tls_certificate
    result = woocommerce_node(node_clients, https_url, api_key, placement, ca=str(cert))
    assert_crud(result, f"wc-node-https-{placement}")
