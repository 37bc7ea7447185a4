"""Coupon discount arithmetic, cent for cent as WooCommerce's WC_Discounts.

Every coupon discounts the original line price (calc_discounts_sequentially = no), but a
line never goes below zero: each coupon is capped at what earlier coupons left.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .errors import PricingError
from .model import Coupon, LineInput
from .money import round_half_down

_TYPE_ORDER = {"fixed_product": 1, "percent": 2, "fixed_cart": 3}


def normalise_code(code: str) -> str:
    """Coupon codes compare after html-entity decoding, trimming and lower-casing."""
    return html.unescape(code or "").strip().lower()


def is_valid_for_product(coupon: Coupon, line: LineInput) -> bool:
    """WC_Coupon::is_valid_for_product: may this product-type coupon discount this line?"""
    if not coupon.is_product_type:
        return False
    categories = set(line.category_ids)
    by_product = bool(coupon.product_ids) and bool(line.product_ids & set(coupon.product_ids))
    by_category = bool(coupon.product_categories) and bool(
        categories & set(coupon.product_categories)
    )
    valid = by_product or by_category or (not coupon.product_ids and not coupon.product_categories)
    if line.product_ids & set(coupon.excluded_product_ids):
        valid = False
    if categories & set(coupon.excluded_product_categories):
        valid = False
    if coupon.exclude_sale_items and line.on_sale:
        valid = False
    return valid


def sort_coupons(coupons: Sequence[Coupon]) -> list[Coupon]:
    """WC_Cart_Totals order: type (fixed_product, percent, fixed_cart), item limit, amount, id."""
    return sorted(
        coupons,
        key=lambda c: (
            _TYPE_ORDER[c.discount_type],
            c.limit_usage_to_x_items or 0,
            Fraction(c.amount),
            -c.id,
        ),
    )


@dataclass
class _Item:
    index: int
    line: LineInput
    price: int  # whole-line price in minor units (tax-inclusive when prices include tax)
    quantity: int


class _Ledger:
    """Discounts given so far, per coupon code and per line index."""

    def __init__(self, line_count: int) -> None:
        self.by_coupon: dict[str, list[int]] = {}
        self.by_line = [0] * line_count

    def remaining(self, item: _Item) -> int:
        return max(0, item.price - self.by_line[item.index])

    def give(self, code: str, item: _Item, amount: int) -> None:
        self.by_coupon[code][item.index] += amount
        self.by_line[item.index] += amount


def compute_discounts(
    lines: Sequence[LineInput],
    coupons: Sequence[Coupon],
    *,
    line_prices: Sequence[int] | None = None,
) -> dict[str, tuple[int, ...]]:
    """Per coupon (normalised code), the discount on each line (same order as `lines`).

    `line_prices` overrides unit price x quantity, e.g. with tax-adjusted prices.
    Coupons are applied in WooCommerce's order whatever order they are given in.
    """
    prices = [line.line_price_minor for line in lines] if line_prices is None else list(line_prices)
    if len(prices) != len(lines) or any(p < 0 for p in prices):
        raise PricingError("invalid_line_prices", "line_prices must match lines, each >= 0.")
    items = [_Item(i, line, prices[i], line.quantity) for i, line in enumerate(lines)]
    # WC sorts on (line price x quantity): a quirk kept so remainders land where WC puts them.
    items.sort(key=lambda item: item.price * item.quantity, reverse=True)
    ledger = _Ledger(len(lines))
    unique: dict[str, Coupon] = {}
    for coupon in coupons:
        unique.setdefault(normalise_code(coupon.code), coupon)
    for coupon in sort_coupons(list(unique.values())):
        code = normalise_code(coupon.code)
        ledger.by_coupon[code] = [0] * len(lines)
        targets = _items_to_apply(coupon, items, ledger)
        if coupon.discount_type == "percent":
            _apply_percent(coupon, code, targets, ledger)
        elif coupon.discount_type == "fixed_product":
            _apply_fixed_product(coupon, code, targets, ledger, int(coupon.amount))
        else:
            _apply_fixed_cart(coupon, code, targets, ledger, int(coupon.amount))
    return {code: tuple(ledger.by_coupon[code]) for code in unique}


def _items_to_apply(coupon: Coupon, items: list[_Item], ledger: _Ledger) -> list[_Item]:
    cart_type = not coupon.is_product_type
    return [
        item
        for item in items
        if ledger.remaining(item) > 0 and (cart_type or is_valid_for_product(coupon, item.line))
    ]


def _apply_quantity(limit: int, applied: int, quantity: int) -> int:
    if limit and limit - applied < quantity:
        return max(0, limit - applied)
    return quantity


def _apply_percent(coupon: Coupon, code: str, items: list[_Item], ledger: _Ledger) -> int:
    percent = Fraction(coupon.amount) / 100
    limit = coupon.limit_usage_to_x_items or 0
    applied = total = 0
    discounted_base = Fraction(0)
    for item in items:
        quantity = _apply_quantity(limit, applied, item.quantity)
        price_to_discount = Fraction(item.price, item.quantity) * quantity
        discount = min(ledger.remaining(item), floor(price_to_discount * percent))
        ledger.give(code, item, discount)
        discounted_base += price_to_discount
        total += discount
        applied += quantity
    # The whole-cart figure (WC rounds discounts half-down); the shortfall from flooring
    # every line is handed out one cent at a time, highest-priced lines first.
    cart_discount = round_half_down(discounted_base * percent)
    if total < cart_discount:
        total += _apply_remainder(code, items, cart_discount - total, ledger)
    return total


def _apply_fixed_product(
    coupon: Coupon, code: str, items: list[_Item], ledger: _Ledger, amount: int
) -> int:
    limit = coupon.limit_usage_to_x_items or 0
    applied = total = 0
    for item in items:
        if limit:
            quantity = _apply_quantity(limit, applied, item.quantity)
            discount = floor(min(Fraction(amount), Fraction(item.price, item.quantity)) * quantity)
        else:
            quantity = item.quantity
            discount = amount * quantity
        discount = min(ledger.remaining(item), discount)
        ledger.give(code, item, discount)
        total += discount
        applied += quantity
    return total


def _apply_fixed_cart(
    coupon: Coupon, code: str, items: list[_Item], ledger: _Ledger, amount: int
) -> int:
    items = [item for item in items if ledger.remaining(item) > 0]
    unit_count = sum(item.quantity for item in items)
    if not unit_count or amount <= 0:
        return 0
    per_unit = amount // unit_count
    if per_unit == 0:
        return _apply_remainder(code, items, amount, ledger)
    total = _apply_fixed_product(coupon, code, items, ledger, per_unit)
    if 0 < total < amount:
        total += _apply_fixed_cart(coupon, code, items, ledger, amount - total)
    return total


def _apply_remainder(code: str, items: list[_Item], amount: int, ledger: _Ledger) -> int:
    total = 0
    for item in items:
        for _ in range(item.quantity):
            cent = min(ledger.remaining(item), 1)
            ledger.give(code, item, cent)
            total += cent
            if total >= amount:
                return total
    return total
