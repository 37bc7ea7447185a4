"""Helpers for the integration-token and sync tests (``from integration_support import ...``)."""

from __future__ import annotations

from typing import Any

TOKENS = "/api/v1/integrations/tokens/"
WEBHOOK = "/api/integrations/woocommerce/webhook/"
BATCH = "/api/integrations/woocommerce/webhook/batch/"
EVENTS = "/api/v1/integrations/woocommerce/events/"
PRODUCTS = "/api/v1/web-knowledge/products/"


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def make_token(client, account, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "store")
    resp = await client.post(f"{TOKENS}generate/", json=body, headers=account.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


def product(product_id: int = 414, **fields: Any) -> dict[str, Any]:
    """A product as the Pilito Sync plugin sends it."""
    return {
        "id": product_id,
        "sku": f"SKU-{product_id}",
        "name": f"Product {product_id}",
        "short_description": "<p>Short</p>",
        "description": "<p>Long <strong>description</strong></p>",
        "price": 19.99,
        "regular_price": 19.99,
        "sale_price": None,
        "currency": "USD",
        "stock_quantity": 7,
        "stock_status": "instock",
        "categories": ["Shoes"],
        "tags": ["summer"],
        "image": f"https://shop.example.com/img/{product_id}.jpg",
        "gallery": [f"https://shop.example.com/img/{product_id}-2.jpg"],
        "permalink": f"https://shop.example.com/product/{product_id}/",
        "type": "simple",
        "on_sale": False,
        "date_modified": "2025-11-10T10:00:00+00:00",
        **fields,
    }


def event(
    event_id: str, event_type: str = "product.updated", **product_fields: Any
) -> dict[str, Any]:
    return {"event_id": event_id, "event_type": event_type, "product": product(**product_fields)}


async def post_event(client, token: str, body: Any, expect: int = 200, **headers: str) -> dict:
    resp = await client.post(WEBHOOK, json=body, headers=bearer(token, **headers))
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def products(client, account, query: str = "") -> dict[str, Any]:
    resp = await client.get(f"{PRODUCTS}?{query}", headers=account.auth)
    data = await resp.json()
    assert resp.status == 200, data
    return data
