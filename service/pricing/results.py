"""What the totals engine returns, and its WooCommerce REST / Store API renderings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .model import StoreMoney
from .money import currency_symbol, format_amount
from .shipping import ShippingRate


@dataclass(frozen=True)
class LineTax:
    rate_id: int
    subtotal: int
    total: int


@dataclass(frozen=True)
class LineTotals:
    product_id: int
    variation_id: int
    quantity: int
    name: str
    sku: str
    tax_class: str
    price: int  # the whole-line price discounts were taken from (tax-inclusive if prices are)
    discount: int  # taken off `price`
    subtotal: int  # before discounts, without tax
    subtotal_tax: int
    total: int  # after discounts, without tax
    total_tax: int
    taxes: tuple[LineTax, ...] = ()


@dataclass(frozen=True)
class CouponLine:
    code: str
    discount_type: str
    discount: int  # without tax
    discount_tax: int


@dataclass(frozen=True)
class ShippingLine:
    rate_id: str
    method_id: str
    instance_id: int
    method_title: str
    total: int
    total_tax: int
    taxes: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TaxLine:
    rate_id: int
    rate_code: str
    label: str
    compound: bool
    rate_percent: Decimal
    tax_total: int
    shipping_tax_total: int


@dataclass(frozen=True)
class Totals:
    store: StoreMoney
    prices_include_tax: bool
    lines: tuple[LineTotals, ...]
    coupon_lines: tuple[CouponLine, ...]
    shipping_lines: tuple[ShippingLine, ...]
    tax_lines: tuple[TaxLine, ...]
    shipping_rates: tuple[ShippingRate, ...]
    shipping_zone_id: int | None
    chosen_shipping_rate_id: str | None
    needs_shipping: bool
    items_subtotal: int
    items_subtotal_tax: int
    items_total: int
    discount_total: int
    discount_tax: int
    shipping_total: int
    shipping_tax: int
    cart_tax: int
    total_tax: int
    total: int

    def as_wc_dict(self, decimals: int | None = None) -> dict[str, Any]:
        """The order money fields of WooCommerce REST wc/v3: amounts as "12.50" strings."""
        dp = self.store.decimals if decimals is None else decimals

        def money(minor: int) -> str:
            return format_amount(minor, dp)

        return {
            "currency": self.store.currency,
            "prices_include_tax": self.prices_include_tax,
            "discount_total": money(self.discount_total),
            "discount_tax": money(self.discount_tax),
            "shipping_total": money(self.shipping_total),
            "shipping_tax": money(self.shipping_tax),
            "cart_tax": money(self.cart_tax),
            "total": money(self.total),
            "total_tax": money(self.total_tax),
            "line_items": [
                {
                    "product_id": line.product_id,
                    "variation_id": line.variation_id,
                    "quantity": line.quantity,
                    "name": line.name,
                    "sku": line.sku,
                    "tax_class": line.tax_class,
                    "subtotal": money(line.subtotal),
                    "subtotal_tax": money(line.subtotal_tax),
                    "total": money(line.total),
                    "total_tax": money(line.total_tax),
                    "taxes": [
                        {"id": t.rate_id, "total": money(t.total), "subtotal": money(t.subtotal)}
                        for t in line.taxes
                    ],
                }
                for line in self.lines
            ],
            "tax_lines": [
                {
                    "rate_id": tax.rate_id,
                    "rate_code": tax.rate_code,
                    "label": tax.label,
                    "compound": tax.compound,
                    "rate_percent": float(tax.rate_percent),
                    "tax_total": money(tax.tax_total),
                    "shipping_tax_total": money(tax.shipping_tax_total),
                }
                for tax in self.tax_lines
            ],
            "shipping_lines": [
                {
                    "method_id": ship.method_id,
                    "instance_id": str(ship.instance_id),
                    "method_title": ship.method_title,
                    "total": money(ship.total),
                    "total_tax": money(ship.total_tax),
                    "taxes": [
                        {"id": rid, "total": money(amount), "subtotal": ""}
                        for rid, amount in ship.taxes.items()
                    ],
                }
                for ship in self.shipping_lines
            ],
            "coupon_lines": [
                {
                    "code": c.code,
                    "discount": money(c.discount),
                    "discount_tax": money(c.discount_tax),
                }
                for c in self.coupon_lines
            ],
        }

    def as_store_api_totals(self) -> dict[str, Any]:
        """Store API cart `totals`: integer strings in minor units plus the currency fields."""
        calculated = self.chosen_shipping_rate_id is not None
        return {
            "total_items": str(self.items_subtotal),
            "total_items_tax": str(self.items_subtotal_tax),
            "total_fees": "0",
            "total_fees_tax": "0",
            "total_discount": str(self.discount_total),
            "total_discount_tax": str(self.discount_tax),
            "total_shipping": str(self.shipping_total) if calculated else None,
            "total_shipping_tax": str(self.shipping_tax) if calculated else None,
            "total_price": str(self.total),
            "total_tax": str(self.total_tax),
            "tax_lines": [
                {
                    "name": tax.label,
                    "price": str(tax.tax_total + tax.shipping_tax_total),
                    "rate": f"{_plain_percent(tax.rate_percent)}%",
                }
                for tax in self.tax_lines
            ],
            **store_api_currency(self.store),
        }


def store_api_currency(store: StoreMoney) -> dict[str, Any]:
    symbol = currency_symbol(store)
    prefix = {"left": symbol, "left_space": symbol + " "}.get(store.currency_position, "")
    suffix = {"right": symbol, "right_space": " " + symbol}.get(store.currency_position, "")
    return {
        "currency_code": store.currency,
        "currency_symbol": symbol,
        "currency_minor_unit": store.decimals,
        "currency_decimal_separator": store.decimal_separator,
        "currency_thousand_separator": store.thousand_separator,
        "currency_prefix": prefix,
        "currency_suffix": suffix,
    }


def _plain_percent(rate: Decimal) -> str:
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
