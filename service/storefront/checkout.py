"""Checkout: the cart becomes a pending order, in one transaction.

The order is created by ``orders.create_order_in`` inside the transaction that reads
the cart and empties it, so it is priced by the same engine from the same items,
coupons, address and shipping rate the cart showed, and stock and coupon limits are
checked where they cannot change underneath: the cart's row is taken first, so a
second checkout of the same cart (another process on PostgreSQL) waits and then finds it
empty, and stock and coupons are taken under their own row locks (orders.status).
A cart with problems is refused with the Store API's 409s and the cart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import users as accounts
from service.audit.origin import ANONYMOUS, Actor, Who
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.validation import Payload, invalid_params
from service.orders import coupons
from service.orders import crud as orders
from service.orders.status import lock_coupons
from service.settings import shop_settings as store_settings
from service.storefront.cart import CartSession, read_addresses
from service.storefront.cart_view import CartState, PricedCart, load_state, price_cart, render
from store import carts as cart_sql

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx


def _read(data: Any) -> dict[str, Any]:
    p = Payload(data)
    values = {
        "payment_method": p.text("payment_method", max_length=100),
        "customer_note": p.text("customer_note", max_length=10000),
    }
    p.check()
    return {k: v for k, v in values.items() if v}


async def _payment_method(ctx: Context, wanted: str | None, needs_payment: bool) -> str:
    enabled = [g["id"] for g in await store_settings.payment_gateways(ctx.store, enabled_only=True)]
    if wanted:
        if wanted not in enabled:
            raise ServiceError(
                "woocommerce_rest_checkout_invalid_payment_method",
                "The selected payment method is not available.",
                400,
                data={"payment_methods": enabled},
            )
        return wanted
    if needs_payment and enabled:
        raise ServiceError(
            "woocommerce_rest_checkout_missing_payment_method",
            "Please choose a payment method.",
            400,
            data={"payment_methods": enabled},
        )
    return ""


async def _refuse(ctx: Context, session: CartSession, code: str, message: str) -> ServiceError:
    state = await load_state(ctx.store, session.cart_id, session.customer_id)
    return ServiceError(code, message, 409, data={"cart": await render(ctx, state)})


async def checkout(ctx: Context, session: CartSession, data: Any) -> dict[str, Any]:
    """Place the order; returns it (WooCommerce REST shape) with the payment result."""
    addresses = read_addresses(data)
    values = _read(data)
    dropped: list[str] = []
    buyer = await _buyer(ctx, session)
    async with ctx.store.transaction() as tx:
        state = await _addressed_state(tx, session, addresses)
        cart = await price_cart(ctx, tx, state, at_checkout=True)
        _require_destination(state, cart)
        problems = {p["code"] for p in cart.problems}
        if _COUPON_ERROR in problems:
            # WooCommerce takes the coupon off and asks the customer to look again.
            dropped = await _drop_coupons(tx, state, cart)
        elif problems:
            raise await _refuse(ctx, session, *_cart_error(problems))
        else:
            order_id = await _place_order(ctx, tx, state, cart, values)
            await orders.record_created(ctx, tx, order_id, "order.checkout", buyer)
    if dropped:
        reasons = "; ".join(p["message"] for p in cart.problems if "coupon" in p)
        raise await _refuse(
            ctx,
            session,
            "woocommerce_coupons_error",
            f"Coupons were removed from your cart: {reasons}. Please review the totals.",
        )
    return _placed(await orders.get_order(ctx, order_id))


_COUPON_ERROR = "woocommerce_rest_cart_coupon_error"


@dataclass(frozen=True)
class _Guest:
    """A shopper who has not signed in: anonymous in the audit log."""

    def audit_identity(self) -> Who:
        return ANONYMOUS


async def _buyer(ctx: Context, session: CartSession) -> Actor:
    """Who places the order: the signed-in customer, or an anonymous guest."""
    if not session.customer_id:
        return _Guest()
    return await accounts.get_user(ctx, session.customer_id)


async def _addressed_state(
    tx: Tx, session: CartSession, addresses: dict[str, dict[str, str]]
) -> CartState:
    """The cart to check out, with the addresses sent at checkout over its own."""
    if session.cart_id:
        await tx.lock("carts", session.cart_id)
    state = await load_state(tx, session.cart_id, session.customer_id)
    if state.codes:  # before pricing: a coupon used up meanwhile is then taken off (409)
        found = await coupons.find_by_codes(tx, state.codes)
        await lock_coupons(tx, (row["id"] for row in found.values()))
    if not state.lines:
        raise ServiceError(
            "woocommerce_rest_cart_empty", "Cannot place an order, your cart is empty.", 400
        )
    state.billing.update(addresses.get("billing_address", {}))
    state.shipping.update(addresses.get("shipping_address", {}))
    if not state.billing.get("email"):
        raise invalid_params(
            {"billing_address": "billing_address[email]: an email address is required."}
        )
    return state


def _require_destination(state: CartState, cart: PricedCart) -> None:
    if cart.priced.totals.needs_shipping and not (
        state.shipping.get("country") or state.billing.get("country")
    ):
        raise invalid_params(
            {"shipping_address": "shipping_address[country]: where should the order go?"}
        )


async def _drop_coupons(tx: Tx, state: CartState, cart: PricedCart) -> list[str]:
    """Take the coupons that no longer apply off the cart; returns their codes."""
    dropped = [p["coupon"] for p in cart.problems if "coupon" in p]
    for code in dropped:
        await cart_sql.remove_coupon(tx, state.cart_id or 0, code)
    return dropped


def _cart_error(problems: set[str]) -> tuple[str, str]:
    if "woocommerce_rest_cart_invalid_product" in problems:
        return "woocommerce_cart_error", "There are items in your cart that cannot be bought."
    return (
        "woocommerce_stock_availability_error",
        "There is not enough stock for some items in your cart.",
    )


async def _place_order(
    ctx: Context, tx: Tx, state: CartState, cart: PricedCart, values: dict[str, Any]
) -> int:
    """Create the pending order from the priced cart and empty the cart; returns its id."""
    totals = cart.priced.totals
    method = await _payment_method(ctx, values.get("payment_method"), totals.total > 0)
    order_id = await orders.create_order_in(
        ctx,
        tx,
        {
            "status": "pending",
            "customer_id": state.customer_id or 0,
            "billing": state.billing,
            "shipping": state.shipping,
            "line_items": [
                {
                    "product_id": item.product_id,
                    "variation_id": item.variation_id,
                    "quantity": line["quantity"],
                }
                for line, item in cart.sellable
            ],
            "coupon_lines": [{"code": c.code} for c in cart.priced.coupons],
            "shipping_lines": _shipping_lines(totals.chosen_shipping_rate_id),
            "payment_method": method,
            "customer_note": values.get("customer_note", ""),
        },
        created_via="checkout",
    )
    await cart_sql.clear(tx, state.cart_id or 0)
    await cart_sql.update(tx, state.cart_id or 0, _now(ctx), shipping_rate_id=None)
    return order_id


def _placed(order: dict[str, Any]) -> dict[str, Any]:
    """The Store API's checkout answer for a placed order."""
    return {
        "order_id": order["id"],
        "order_key": order["order_key"],
        "status": order["status"],
        "customer_id": order["customer_id"],
        "customer_note": order["customer_note"],
        "billing_address": order["billing"],
        "shipping_address": order["shipping"],
        "payment_method": order["payment_method"],
        "payment_result": {"payment_status": "pending", "payment_details": [], "redirect_url": ""},
        "order": order,
    }


def _shipping_lines(rate_id: str | None) -> list[dict[str, str]]:
    if not rate_id:
        return []
    method, _, instance = rate_id.partition(":")
    return [{"method_id": method, "instance_id": instance}]


def _now(ctx: Context) -> str:
    return iso(ctx.clock.now()) or ""
