"""Orders in WooCommerce REST v3's shape, and the rows an order's priced items are kept as."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.catalog.rules import wc_date
from service.pricing import Coupon, Totals, format_amount, normalise_code
from service.pricing.model import StoreMoney
from service.pricing.money import currency_symbol

STATUS_LABELS = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
    "trash": "Trash",
}
EDITABLE_STATUSES = ("pending", "on-hold")
_BLANK_ITEM = {
    "name": "", "ref": "", "sku": "", "product_id": 0, "variation_id": 0, "quantity": 0,
    "tax_class": "", "subtotal": 0, "subtotal_tax": 0, "total": 0, "total_tax": 0,
    "taxes": "[]", "details": "{}",
}  # fmt: skip


def _item(item_type: str, **values: Any) -> dict[str, Any]:
    return {**_BLANK_ITEM, "item_type": item_type, **values}


def item_rows(totals: Totals, coupons: Sequence[Coupon]) -> list[dict[str, Any]]:
    """What an order keeps of its pricing: lines, shipping, coupons and taxes."""
    ids = {normalise_code(c.code): c.id for c in coupons}
    rows = [
        _item(
            "line_item",
            name=line.name,
            sku=line.sku,
            product_id=line.product_id,
            variation_id=line.variation_id,
            quantity=line.quantity,
            tax_class=line.tax_class,
            subtotal=line.subtotal,
            subtotal_tax=line.subtotal_tax,
            total=line.total,
            total_tax=line.total_tax,
            taxes=json.dumps([[t.rate_id, t.subtotal, t.total] for t in line.taxes]),
        )
        for line in totals.lines
    ]
    rows += [
        _item(
            "shipping",
            name=ship.method_title,
            ref=ship.rate_id,
            total=ship.total,
            total_tax=ship.total_tax,
            taxes=json.dumps([[rid, 0, amount] for rid, amount in ship.taxes.items()]),
        )
        for ship in totals.shipping_lines
    ]
    rows += [
        _item(
            "coupon",
            name=c.code,
            ref=c.discount_type,
            total=c.discount,
            total_tax=c.discount_tax,
            details=json.dumps({"coupon_id": ids.get(c.code, 0)}),
        )
        for c in totals.coupon_lines
    ]
    rows += [
        _item(
            "tax",
            name=tax.label,
            ref=tax.rate_code,
            total=tax.tax_total,
            total_tax=tax.shipping_tax_total,
            details=json.dumps(
                {
                    "rate_id": tax.rate_id,
                    "compound": tax.compound,
                    "rate_percent": str(tax.rate_percent),
                }
            ),
        )
        for tax in totals.tax_lines
    ]
    return rows


def money_columns(totals: Totals) -> dict[str, int]:
    return {
        "discount_total": totals.discount_total,
        "discount_tax": totals.discount_tax,
        "shipping_total": totals.shipping_total,
        "shipping_tax": totals.shipping_tax,
        "cart_tax": totals.cart_tax,
        "total_tax": totals.total_tax,
        "total": totals.total,
    }


def address(stored: str | dict[str, str] | None, fields: tuple[str, ...]) -> dict[str, str]:
    values = json.loads(stored) if isinstance(stored, str) else stored or {}
    return {f: values.get(f, "") for f in fields}


def _taxes(stored: str, dp: int, shipping: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "id": rid,
            "total": format_amount(total, dp),
            "subtotal": "" if shipping else format_amount(subtotal, dp),
        }
        for rid, subtotal, total in json.loads(stored)
    ]


def _unit_price(item: Any, dp: int) -> float:
    if not item["quantity"]:
        return 0.0
    return float(Decimal(item["subtotal"]) / item["quantity"] / (Decimal(10) ** dp))


def _line(item: Any, dp: int) -> dict[str, Any]:
    kind = item["item_type"]

    def money(minor: int) -> str:
        return format_amount(minor, dp)

    if kind == "line_item":
        return {
            "id": item["id"],
            "name": item["name"],
            "product_id": item["product_id"],
            "variation_id": item["variation_id"],
            "quantity": item["quantity"],
            "tax_class": item["tax_class"],
            "subtotal": money(item["subtotal"]),
            "subtotal_tax": money(item["subtotal_tax"]),
            "total": money(item["total"]),
            "total_tax": money(item["total_tax"]),
            "taxes": _taxes(item["taxes"], dp),
            "meta_data": [],
            "sku": item["sku"],
            "price": _unit_price(item, dp),
        }
    details = json.loads(item["details"])
    if kind == "shipping":
        method_id, _, instance = item["ref"].partition(":")
        return {
            "id": item["id"],
            "method_title": item["name"],
            "method_id": method_id,
            "instance_id": instance,
            "total": money(item["total"]),
            "total_tax": money(item["total_tax"]),
            "taxes": _taxes(item["taxes"], dp, shipping=True),
            "meta_data": [],
        }
    if kind == "coupon":
        return {
            "id": item["id"],
            "code": item["name"],
            "discount": money(item["total"]),
            "discount_tax": money(item["total_tax"]),
            "discount_type": item["ref"],
            "coupon_id": details.get("coupon_id", 0),
            "meta_data": [],
        }
    return {
        "id": item["id"],
        "rate_code": item["ref"],
        "rate_id": details.get("rate_id", 0),
        "label": item["name"],
        "compound": details.get("compound", False),
        "tax_total": money(item["total"]),
        "shipping_tax_total": money(item["total_tax"]),
        "rate_percent": float(details.get("rate_percent", 0)),
        "meta_data": [],
    }


def render_order(row: Any, items: Sequence[Any], money: StoreMoney) -> dict[str, Any]:
    dp = money.decimals
    lines: dict[str, list[dict[str, Any]]] = {
        "line_item": [],
        "shipping": [],
        "coupon": [],
        "tax": [],
    }
    for item in items:
        lines[item["item_type"]].append(_line(item, dp))
    created, modified = wc_date(row["date_created"]), wc_date(row["date_modified"])
    paid, completed = wc_date(row["date_paid"]), wc_date(row["date_completed"])
    status = row["status"]
    return {
        "id": row["id"],
        "parent_id": 0,
        "number": str(row["id"]),
        "order_key": row["order_key"],
        "created_via": row["created_via"],
        "version": "9.0.0",
        "status": status,
        "currency": row["currency"],
        "currency_symbol": currency_symbol(StoreMoney(currency=row["currency"])),
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "discount_total": format_amount(row["discount_total"], dp),
        "discount_tax": format_amount(row["discount_tax"], dp),
        "shipping_total": format_amount(row["shipping_total"], dp),
        "shipping_tax": format_amount(row["shipping_tax"], dp),
        "cart_tax": format_amount(row["cart_tax"], dp),
        "total": format_amount(row["total"], dp),
        "total_tax": format_amount(row["total_tax"], dp),
        "prices_include_tax": bool(row["prices_include_tax"]),
        "customer_id": row["customer_id"] or 0,
        "customer_ip_address": "",
        "customer_user_agent": "",
        "customer_note": row["customer_note"],
        "billing": address(row["billing"], BILLING_FIELDS),
        "shipping": address(row["shipping"], SHIPPING_FIELDS),
        "payment_method": row["payment_method"],
        "payment_method_title": row["payment_method_title"],
        "transaction_id": row["transaction_id"],
        "date_paid": paid,
        "date_paid_gmt": paid,
        "date_completed": completed,
        "date_completed_gmt": completed,
        "cart_hash": "",
        "meta_data": [],
        "line_items": lines["line_item"],
        "tax_lines": lines["tax"],
        "shipping_lines": lines["shipping"],
        "fee_lines": [],
        "coupon_lines": lines["coupon"],
        "refunds": [],
        "is_editable": status in EDITABLE_STATUSES,
        "needs_payment": status in ("pending", "failed") and row["total"] > 0,
        "needs_processing": any(i["item_type"] == "line_item" for i in items),
    }


def render_note(row: Any) -> dict[str, Any]:
    created = wc_date(row["date_created"])
    return {
        "id": row["id"],
        "author": row["author"],
        "date_created": created,
        "date_created_gmt": created,
        "note": row["note"],
        "customer_note": bool(row["customer_note"]),
        "added_by_user": row["added_by"] is not None,
    }
