"""SettingsController: ``/settings`` (every group; PUT is partial and atomic) and
``/settings/store``, ``/tax``, ``/shipping``, ``/payments``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from service.api.wc_common import CAN_EDIT, CAN_VIEW, NAMESPACE
from service.common.schema import arg
from service.http.registry import EDITABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest
from service.settings import shop_settings as store_settings

OWNER = "SettingsController"
UPDATE_ARGS = {
    "store": arg(
        "object", description="Store: name, address, country, currency and its format, units."
    ),
    "tax": arg("object", description="Tax: prices_include_tax, rounding, classes, rates."),
    "shipping": arg("object", description="Shipping: zones with regions and methods."),
    "payments": arg("object", description="Payments: gateways (id, enabled, title, description)."),
}


async def get_settings(req: RestRequest) -> dict[str, Any]:
    return await store_settings.get_settings(req.ctx)


async def update_settings(req: RestRequest) -> dict[str, Any]:
    """A JSON body is the patch; otherwise the declared groups among the params."""
    if req.body is not None and not isinstance(req.body, dict):
        return await store_settings.update_settings(req.ctx, req.body)  # 400: not an object
    body = (
        req.body
        if isinstance(req.body, dict)
        else {k: v for k, v in req.params.items() if k in UPDATE_ARGS}
    )
    return await store_settings.update_settings(req.ctx, body)


def _group(name: str) -> Callable[[RestRequest], Awaitable[dict[str, Any]]]:
    async def handler(req: RestRequest) -> dict[str, Any]:
        return await store_settings.get_group(req.ctx, name)

    handler.__name__ = f"get_{name}_settings"
    return handler


def register(registry: RouteRegistry) -> None:
    registry.register(
        NAMESPACE,
        "/settings",
        [
            Endpoint(READABLE, get_settings, CAN_VIEW, description="All settings groups"),
            Endpoint(EDITABLE, update_settings, CAN_EDIT, UPDATE_ARGS, "Update settings"),
        ],
        owner=OWNER,
    )
    for name in ("store", "tax", "shipping", "payments"):
        registry.register(
            NAMESPACE,
            f"/settings/{name}",
            [Endpoint(READABLE, _group(name), CAN_VIEW, description=f"{name.title()} settings")],
            owner=OWNER,
        )
