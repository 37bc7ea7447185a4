"""Prices without saving: an order preview, the shipping rates for an address, and
whether a coupon applies. Same engine and same rules as creating the order."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from service.common.validation import Payload
from service.orders.crud import customer_ref, order_addresses, order_row, price_order
from service.orders.input import pricing_address, read_order
from service.orders.totals import ItemRequest, Priced, compute, coupon_error
from service.pricing import CouponVerdict, format_amount, normalise_code
from service.pricing.model import CustomerRef
from service.pricing.shipping import ShippingRate
from service.settings import shop_settings as store_settings
from store import orders as order_sql

if TYPE_CHECKING:
    from service.app.context import Context


def _rate(rate: ShippingRate, dp: int) -> dict[str, Any]:
    return {
        "id": rate.id,
        "method_id": rate.method_id,
        "instance_id": str(rate.instance_id),
        "method_title": rate.label,
        "cost": format_amount(rate.cost_minor, dp),
        "total_tax": format_amount(rate.total_tax, dp),
        "taxes": [{"id": rid, "total": format_amount(v, dp)} for rid, v in rate.taxes.items()],
    }


def quote(priced: Priced) -> dict[str, Any]:
    """The order money fields of a priced order, plus what a form needs to show."""
    totals, dp = priced.totals, priced.store.decimals
    return {
        **totals.as_wc_dict(),
        "subtotal": format_amount(totals.items_subtotal, dp),
        "subtotal_tax": format_amount(totals.items_subtotal_tax, dp),
        "needs_shipping": totals.needs_shipping,
        "shipping_rates": [_rate(r, dp) for r in totals.shipping_rates],
        "chosen_shipping_rate": totals.chosen_shipping_rate_id,
    }


async def _read(
    ctx: Context, data: Any
) -> tuple[dict[str, Any], dict[str, str], dict[str, str], CustomerRef]:
    money = await store_settings.store_money(ctx)
    values = read_order(data, currency=money.currency)
    billing, shipping = order_addresses(None, values)
    customer = await customer_ref(
        ctx.store, values.get("customer_id") or 0, billing.get("email", "")
    )
    return values, billing, shipping, customer


async def preview_order(ctx: Context, data: Any) -> dict[str, Any]:
    """What ``POST /orders`` with this body would charge, with the same 400s."""
    values, billing, shipping, customer = await _read(ctx, data)
    priced = await price_order(
        ctx,
        ctx.store,
        values.get("line_items", []),
        values.get("coupon_codes", []),
        billing,
        shipping,
        customer,
        values.get("shipping_choice"),
    )
    return quote(priced)


async def calculate_shipping(ctx: Context, data: Any) -> dict[str, Any]:
    """The rates offered for ``line_items`` shipped to ``shipping`` (else ``billing``);
    ``coupon_lines`` count for free shipping."""
    values, billing, shipping, customer = await _read(ctx, data)
    priced = await compute(
        ctx,
        ctx.store,
        values.get("line_items", []),
        values.get("coupon_codes", []),
        pricing_address(billing, shipping),
        customer,
    )
    if priced.rejected:
        raise coupon_error(priced.rejected[0])
    totals, dp = priced.totals, priced.store.decimals
    zones = {z.id: z.name for z in await store_settings.shipping_zones(ctx)}
    zone_id = totals.shipping_zone_id
    return {
        "needs_shipping": totals.needs_shipping,
        "zone": None if zone_id is None else {"id": zone_id, "name": zones.get(zone_id, "")},
        "rates": [_rate(r, dp) for r in totals.shipping_rates],
    }


async def validate_coupon(ctx: Context, data: Any) -> dict[str, Any]:
    """Does ``code`` apply to ``line_items`` (or to order ``order_id``) for
    ``customer_id``/``email``, with ``coupon_lines`` already applied? Valid: the discount
    it gives. Invalid: 400 ``invalid_coupon`` with WooCommerce's message for the first
    rule that fails (``data.coupon_error_code``)."""
    p = Payload(data)
    code = p.text("code", max_length=200)
    order_id = p.integer("order_id", minimum=1)
    email = p.email("email", allow_empty=True)
    p.check()
    values, billing, shipping, customer = await _read(ctx, data)
    items = values.get("line_items", [])
    applied = values.get("coupon_codes", [])
    choice = values.get("shipping_choice")
    if order_id:
        row = await order_row(ctx.store, order_id)
        stored = await order_sql.items_of(ctx.store, [order_id])
        items = items or [
            ItemRequest(i["product_id"], i["quantity"], i["variation_id"])
            for i in stored
            if i["item_type"] == "line_item"
        ]
        applied = applied or [i["name"] for i in stored if i["item_type"] == "coupon"]
        billing, shipping = order_addresses(row, values)
        choice = choice or row["shipping_choice"]
        if not values.get("customer_id"):
            customer = await customer_ref(ctx.store, row["customer_id"] or 0, row["billing_email"])
    if email and not customer.billing_email:
        customer = replace(customer, billing_email=email)
    wanted = normalise_code(str(code or ""))
    if wanted and wanted in (normalise_code(c) for c in applied):
        raise coupon_error(
            CouponVerdict(False, wanted, 103, f'Coupon code "{wanted}" has already been applied.')
        )
    priced = await compute(
        ctx, ctx.store, items, [*applied, str(code or "")], pricing_address(billing, shipping),
        customer, choice, order_id=order_id or 0,
    )  # fmt: skip
    verdict = next(v for v in priced.verdicts if v.code == wanted)
    if not verdict.valid:
        raise coupon_error(verdict)
    line = next((c for c in priced.totals.coupon_lines if c.code == wanted), None)
    coupon = next(c for c in priced.coupons if normalise_code(c.code) == wanted)
    dp = priced.store.decimals
    return {
        "valid": True,
        "code": wanted,
        "discount_type": coupon.discount_type,
        "discount": format_amount(line.discount if line else 0, dp),
        "discount_tax": format_amount(line.discount_tax if line else 0, dp),
        "free_shipping": coupon.free_shipping,
        "removes": list(verdict.removes),
        "message": "Coupon code applied successfully.",
        "totals": quote(priced),
    }
