"""Reading an order from untrusted input (a REST body, a console form).

Every problem is collected and reported once as ``rest_invalid_param``. Money fields a
client may send (totals, line prices, coupon discounts) are ignored: the server prices
the order. ``line_items`` is the order's whole list of lines; ``coupon_lines`` its whole
list of codes; ``shipping_lines`` names at most one method, the one to charge.
"""

from __future__ import annotations

import re
from typing import Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.common.validation import MISSING, Payload, present, read_address
from service.orders.totals import ItemRequest
from service.pricing import Address

ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
)
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def read_order(data: Any, *, currency: str) -> dict[str, Any]:
    """The fields ``data`` sets; absent fields are absent from the result."""
    p = Payload(data)
    values = {
        "status": p.choice("status", ORDER_STATUSES),
        "set_paid": p.boolean("set_paid"),
        "customer_id": p.integer("customer_id", minimum=0),
        "billing": read_address(p, "billing", BILLING_FIELDS, state_code=True),
        "shipping": read_address(p, "shipping", SHIPPING_FIELDS, state_code=True),
        "payment_method": p.text("payment_method", max_length=100),
        "payment_method_title": p.text("payment_method_title", max_length=200),
        "transaction_id": p.text("transaction_id", max_length=200),
        "customer_note": p.text("customer_note", max_length=10000),
        "line_items": _line_items(p),
        "coupon_codes": _coupon_codes(p),
        "shipping_choice": _shipping_choice(p),
    }
    given = p.raw("currency")
    if given is not MISSING and given not in ("", None) and str(given).upper() != currency:
        p.fail("currency", f"currency: orders are priced in the store's currency ({currency}).")
    fees = p.raw("fee_lines")
    if fees not in (MISSING, None, []):
        p.fail("fee_lines", "fee_lines: fees are not supported; use a coupon for a discount.")
    p.check()
    return present(values)


def _line_items(p: Payload) -> Any:
    items = p.items("line_items")
    if items is None:
        return MISSING
    out = []
    for item in items:
        product_id = item.integer("product_id", minimum=1)
        variation_id = item.integer("variation_id", minimum=0, nullable=True)
        quantity = item.integer("quantity", minimum=1)
        if not item.has("product_id"):
            item.fail("product_id", f"{item.name('product_id')} is required.")
        if not item.has("quantity"):
            item.fail("quantity", f"{item.name('quantity')} is required.")
        bad_variation = item.has("variation_id") and variation_id is MISSING
        if product_id is MISSING or quantity is MISSING or bad_variation:
            continue
        out.append(ItemRequest(product_id, quantity, variation_id or 0))
    return out


def _coupon_codes(p: Payload) -> Any:
    items = p.items("coupon_lines")
    if items is None:
        return MISSING
    codes = []
    for item in items:
        code = item.text("code", max_length=200, required=True)
        if code is not MISSING:
            codes.append(code)
    return codes


def _shipping_choice(p: Payload) -> Any:
    items = p.items("shipping_lines")
    if items is None:
        return MISSING
    if len(items) > 1:
        p.fail("shipping_lines", "shipping_lines: an order ships with one method.")
        return MISSING
    if not items:
        return None
    line = items[0]
    method = line.text("method_id", max_length=100, required=True)
    instance = line.text("instance_id", max_length=20)
    if method is MISSING:
        return MISSING
    if instance not in (MISSING, "", "0"):
        if not (str(instance).isascii() and str(instance).isdigit()):
            return line.fail("instance_id", f"{line.name('instance_id')} is not an id.")
        return f"{method}:{instance}"
    return method


def pricing_address(billing: dict[str, str], shipping: dict[str, str]) -> Address | None:
    """Where the order ships and is taxed: the shipping address, else the billing one."""
    chosen = shipping if shipping.get("country") else billing
    if not chosen.get("country"):
        return None
    return Address(
        country=chosen.get("country", ""),
        state=chosen.get("state", ""),
        postcode=chosen.get("postcode", ""),
        city=chosen.get("city", ""),
    )
