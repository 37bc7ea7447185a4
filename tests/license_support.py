"""Helpers for the licensing tests (import as ``from license_support import ...``)."""

from __future__ import annotations

from typing import Any

from support import OPERATOR

from service import catalog
from service.app.context import Context
from service.licensing import admin as licenses

BASE = "/wp-json/woonoow/v1"


async def licensed_product(
    ctx: Context,
    *,
    method: str = "simple",
    limit: int | None = 2,
    days: int | None = 365,
    name: str = "Pro Plugin",
) -> dict[str, Any]:
    return await catalog.create_product(
        ctx,
        {
            "name": name,
            "regular_price": "49",
            "virtual": True,
            "licensing_enabled": True,
            "license_activation_method": method,
            "license_activation_limit": limit,
            "license_validity_days": days,
        },
    )


async def issue(ctx: Context, product: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return await licenses.create_license(ctx, OPERATOR, {"product_id": product["id"], **fields})


async def post(client, path: str, body: dict[str, Any], headers=None) -> tuple[int, Any]:
    resp = await client.post(f"{BASE}{path}", json=body, headers=headers or {})
    return resp.status, await resp.json()
