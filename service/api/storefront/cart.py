"""CartController: the storefront cart, public, kept by the ``Cart-Token`` header.

Every answer that reached the cart, errors included, carries the ``Cart-Token`` to send
next time (a fresh 48-hour token for the same cart); a request refused for its
parameters never reached it, and the token the client has stays good. Action routes
answer with the whole cart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from service.accounts.permissions import PUBLIC
from service.api.wc_common import NAMESPACE
from service.common.errors import ServiceError
from service.common.schema import arg
from service.http.registry import CREATABLE, READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.storefront import cart
from service.storefront import cart_session as cart_tokens
from service.storefront import checkout as cart_checkout
from service.storefront.cart import CartSession

OWNER = "CartController"
Action = Callable[[CartSession], Awaitable[Any]]

ADD_ARGS = {
    "id": arg("integer", minimum=1, description="The product or variation to add."),
    "product_id": arg("integer", minimum=1, description="Alias of id."),
    "variation_id": arg("integer", minimum=0, description="The variation, when id is its parent."),
    "quantity": arg("integer", default=1, description="How many to add."),
    "variation": arg(
        ["array", "object"],
        description="Chosen attributes: [{attribute, value}] or {attribute: value}.",
    ),
}
KEY_ARGS = {
    "key": arg("string", description="The cart item key."),
    "cart_item_key": arg("string", description="Alias of key."),
}
UPDATE_ARGS = {
    **KEY_ARGS,
    "quantity": arg("integer", required=True, minimum=0, description="New quantity; 0 removes."),
}
COUPON_ARGS = {"code": arg("string", required=True, description="The coupon code.")}
CUSTOMER_ARGS = {
    "billing_address": arg("object", description="Billing address fields to change."),
    "shipping_address": arg("object", description="Shipping address fields to change."),
}
CHECKOUT_ARGS = {
    **CUSTOMER_ARGS,
    "payment_method": arg("string", description="An enabled payment gateway's id."),
    "customer_note": arg("string", description="A note for the shop."),
}
RATE_ARGS = {"rate_id": arg("string", required=True, description='A rate id, "flat_rate:3".')}


async def respond(req: RestRequest, action: Action | None = None, status: int = 200) -> Any:
    """Find the request's cart, do ``action`` on it, answer with the cart and its token."""
    ctx = req.ctx
    session = await cart.open_session(ctx, req.headers.get(cart_tokens.HEADER), req.user)
    if session.rejected:
        token = await cart_tokens.issue(ctx, session.session_key)
        raise cart.token_rejected(session, token, await cart.get_cart(ctx, session))
    result = None
    try:
        if action is not None:
            result = await action(session)
    except ServiceError as err:
        err.headers[cart_tokens.HEADER] = await cart_tokens.issue(ctx, session.session_key)
        raise
    data = result if isinstance(result, dict) else await cart.get_cart(ctx, session)
    await cart.keep_alive(ctx, session)
    token = await cart_tokens.issue(ctx, session.session_key)
    return RestResponse(data, status, {cart_tokens.HEADER: token})


def _key(req: RestRequest) -> str:
    key = req.params.get("key") or req.params.get("cart_item_key")
    if not key:
        raise ServiceError(
            "rest_missing_callback_param",
            "Missing parameter(s): key",
            400,
            data={"params": ["key"]},
        )
    return str(key)


async def get_cart(req: RestRequest) -> Any:
    return await respond(req)


async def add_item(req: RestRequest) -> Any:
    p = req.params
    item_id = p.get("id") or p.get("product_id")
    if not item_id:
        raise ServiceError(
            "rest_missing_callback_param", "Missing parameter(s): id", 400, data={"params": ["id"]}
        )
    return await respond(
        req,
        lambda s: cart.add_item(
            req.ctx,
            s,
            item_id,
            p["quantity"],
            variation_id=p.get("variation_id") or 0,
            variation=p.get("variation"),
        ),
        201,
    )


async def update_item(req: RestRequest) -> Any:
    key = _key(req)
    return await respond(req, lambda s: cart.update_item(req.ctx, s, key, req.params["quantity"]))


async def remove_item(req: RestRequest) -> Any:
    key = _key(req)
    return await respond(req, lambda s: cart.remove_item(req.ctx, s, key))


async def apply_coupon(req: RestRequest) -> Any:
    return await respond(req, lambda s: cart.apply_coupon(req.ctx, s, req.params["code"]))


async def remove_coupon(req: RestRequest) -> Any:
    return await respond(req, lambda s: cart.remove_coupon(req.ctx, s, req.params["code"]))


async def update_customer(req: RestRequest) -> Any:
    return await respond(req, lambda s: cart.update_customer(req.ctx, s, req.params))


async def select_shipping_rate(req: RestRequest) -> Any:
    return await respond(
        req, lambda s: cart.select_shipping_rate(req.ctx, s, req.params["rate_id"])
    )


async def checkout(req: RestRequest) -> Any:
    return await respond(req, lambda s: cart_checkout.checkout(req.ctx, s, req.params))


ROUTES: list[tuple[str, tuple[str, ...], Any, dict[str, Any], str]] = [
    ("/cart", READABLE, get_cart, {}, "The cart: items, coupons, shipping rates, totals"),
    ("/cart/add", CREATABLE, add_item, ADD_ARGS, "Add an item (merges into its line)"),
    ("/cart/update", CREATABLE, update_item, UPDATE_ARGS, "Change an item's quantity"),
    ("/cart/remove", CREATABLE, remove_item, KEY_ARGS, "Remove an item"),
    ("/cart/apply-coupon", CREATABLE, apply_coupon, COUPON_ARGS, "Apply a coupon"),
    ("/cart/remove-coupon", CREATABLE, remove_coupon, COUPON_ARGS, "Remove a coupon"),
    ("/cart/update-customer", CREATABLE, update_customer, CUSTOMER_ARGS, "Set the addresses"),
    ("/cart/select-shipping-rate", CREATABLE, select_shipping_rate, RATE_ARGS, "Choose a rate"),
    ("/cart/checkout", CREATABLE, checkout, CHECKOUT_ARGS, "Place the order (empties the cart)"),
]


def register(registry: RouteRegistry) -> None:
    for path, methods, handler, args, description in ROUTES:
        registry.register(
            NAMESPACE, path, [Endpoint(methods, handler, PUBLIC, args, description)], owner=OWNER
        )
