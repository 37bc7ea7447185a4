"""node-wpapi (`wpapi` on npm), unchanged: discovery, then products CRUD on woonoow/v1."""

from __future__ import annotations

from clients_support import ADMIN, HERE, Shop, run_json


def wpapi(node: str, shop: Shop, mode: str) -> dict:
    env = {"SHOPKEEP_URL": shop.url, "SHOPKEEP_USER": ADMIN, "SHOPKEEP_PASSWORD": shop.app_password}
    return run_json([node, str(HERE / "wpapi_crud.mjs"), mode], env)


def assert_crud(result: dict) -> None:
    assert "failed_step" not in result, result
    product_id, name = result["created"]["id"], f"wpapi-{result['mode']}"
    assert result["created"] == {"id": product_id, "name": name, "regular_price": "9.50"}
    assert result["got"] == {"id": product_id, "name": name}
    assert result["updated"] == {"id": product_id, "name": f"{name}-renamed"}
    assert result["list"] == {"ids": [product_id], "total": 1}
    assert result["deleted"] == {"id": product_id}
    assert result["after_delete"] == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "status": 404,
    }


def test_wpapi_crud_on_a_route_registered_by_hand(node_clients, shop):
    result = wpapi(node_clients, shop, "register")
    assert result["endpoint"] == f"{shop.url}/wp-json/"
    assert_crud(result)


def test_wpapi_discovers_the_api_from_the_site_root_then_crud(node_clients, shop):
    result = wpapi(node_clients, shop, "discover")
    assert result.get("endpoint") == f"{shop.url}/wp-json/", result
    assert_crud(result)
