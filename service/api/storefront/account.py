"""AccountController: a logged-in customer's own orders, profile, password, addresses
and downloads. Every route needs a login; the service checks ownership."""

from __future__ import annotations

from typing import Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.accounts.permissions import LOGGED_IN
from service.api.wc_common import NAMESPACE, paginated, paging_args, url_id
from service.common.schema import arg
from service.http.auth import request_ip
from service.http.registry import CREATABLE, READABLE, Endpoint, Handler, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.orders.input import ORDER_STATUSES
from service.storefront import account

OWNER = "AccountController"
ORDERS_ARGS = {
    **paging_args(),
    "status": arg(
        "string", enum=["any", *ORDER_STATUSES], default="any", description="Only this status."
    ),
}
ORDER_ARGS = {"id": arg("integer", description="Unique identifier for the order.")}
PROFILE_ARGS = {
    "first_name": arg("string", description="First name."),
    "last_name": arg("string", description="Last name."),
    "email": arg("string", format="email", description="Email address."),
}
PASSWORD_ARGS = {
    "current_password": arg("string", required=True, description="The password in use now."),
    "new_password": arg("string", required=True, description="The new password (8+ characters)."),
    "confirm_password": arg("string", description="The new password again (optional)."),
}


def _address(fields: tuple[str, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f: {"type": "string"} for f in fields},
        "description": description,
    }


ADDRESS_ARGS = {
    "billing": _address(BILLING_FIELDS, "Billing address fields to change."),
    "shipping": _address(SHIPPING_FIELDS, "Shipping address fields to change."),
}


async def list_orders(req: RestRequest) -> RestResponse:
    p = req.params
    items, total = await account.list_orders(
        req.ctx, req.actor, page=p["page"], per_page=p["per_page"], status=p["status"]
    )
    return paginated(req, items, total, collection="/account/orders")


async def get_order(req: RestRequest) -> dict[str, Any]:
    return await account.get_order(req.ctx, req.actor, url_id(req))


async def get_profile(req: RestRequest) -> dict[str, Any]:
    return await account.get_profile(req.ctx, req.actor)


async def update_profile(req: RestRequest) -> dict[str, Any]:
    return await account.update_profile(req.ctx, req.actor, req.params)


async def change_password(req: RestRequest) -> dict[str, Any]:
    p = req.params
    return await account.change_password(
        req.ctx,
        req.actor,
        p["current_password"],
        p["new_password"],
        p.get("confirm_password"),
        request_ip(req.http, req.ctx),
    )


async def get_addresses(req: RestRequest) -> dict[str, Any]:
    return await account.get_addresses(req.ctx, req.actor)


async def update_addresses(req: RestRequest) -> dict[str, Any]:
    return await account.update_addresses(req.ctx, req.actor, req.params)


async def list_downloads(req: RestRequest) -> list[dict[str, Any]]:
    return await account.list_downloads(req.ctx, req.actor)


def _endpoint(
    methods: tuple[str, ...], handler: Handler, args: dict[str, dict[str, Any]], description: str
) -> Endpoint:
    return Endpoint(methods, handler, LOGGED_IN, args, description)


def register(registry: RouteRegistry) -> None:
    routes = [
        ("/account/orders", [_endpoint(READABLE, list_orders, ORDERS_ARGS, "My orders")]),
        (
            r"/account/orders/(?P<id>[\d]+)",
            [_endpoint(READABLE, get_order, ORDER_ARGS, "One of my orders")],
        ),
        (
            "/account/profile",
            [
                _endpoint(READABLE, get_profile, {}, "My profile"),
                _endpoint(CREATABLE, update_profile, PROFILE_ARGS, "Change my names or email"),
            ],
        ),
        (
            "/account/password",
            [_endpoint(CREATABLE, change_password, PASSWORD_ARGS, "Change my password")],
        ),
        (
            "/account/addresses",
            [
                _endpoint(READABLE, get_addresses, {}, "My addresses"),
                _endpoint(CREATABLE, update_addresses, ADDRESS_ARGS, "Change my addresses"),
            ],
        ),
        (
            "/account/downloads",
            [_endpoint(READABLE, list_downloads, {}, "My downloads")],
        ),
    ]
    for path, endpoints in routes:
        registry.register(NAMESPACE, path, endpoints, owner=OWNER)
