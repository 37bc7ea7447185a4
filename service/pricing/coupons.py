"""Coupon validation in WooCommerce's order, with WooCommerce's error codes and messages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .discounts import compute_discounts, is_valid_for_product, normalise_code
from .model import ANONYMOUS, DEFAULT_STORE, Coupon, CustomerRef, LineInput, StoreMoney
from .money import display_price

__all__ = [
    "CouponVerdict",
    "compute_discounts",
    "email_allowed",
    "normalise_code",
    "validate_coupon",
]

# WC_Coupon error codes.
E_INVALID = 100
E_NOT_YOURS_REMOVED = 102
E_ALREADY_APPLIED = 103
E_INDIVIDUAL_USE_ONLY = 104
E_NOT_EXIST = 105
E_USAGE_LIMIT_REACHED = 106
E_EXPIRED = 107
E_MIN_SPEND = 108
E_NOT_APPLICABLE = 109
E_NOT_VALID_SALE_ITEMS = 110
E_PLEASE_ENTER = 111
E_MAX_SPEND = 112
E_EXCLUDED_PRODUCTS = 113
E_EXCLUDED_CATEGORIES = 114


@dataclass(frozen=True)
class CouponVerdict:
    valid: bool
    code: str  # normalised
    error_code: int | None = None
    message: str = ""
    discount: int = 0  # minor units this coupon takes off, alongside the coupons kept
    removes: tuple[str, ...] = ()  # applied codes an individual-use coupon pushes out


class _Rejected(Exception):
    def __init__(self, error_code: int, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message


def email_allowed(emails: Sequence[str], restrictions: Sequence[str]) -> bool:
    """DiscountsUtil::is_coupon_emails_allowed, case-insensitive; "*" matches any run of text."""
    allowed = [r.strip().lower() for r in restrictions if r.strip()]
    for email in (e.strip().lower() for e in emails):
        for pattern in allowed:
            regex = ".*".join(re.escape(part) for part in pattern.split("*"))
            if re.fullmatch(regex, email):
                return True
    return False


def validate_coupon(
    coupon: Coupon | None,
    code: str,
    lines: Sequence[LineInput],
    customer: CustomerRef | None,
    now: datetime,
    applied: Sequence[Coupon] = (),
    *,
    store: StoreMoney = DEFAULT_STORE,
    subtotal_minor: int | None = None,
    category_names: Mapping[int, str] | None = None,
    defer_email_check: bool = False,
) -> CouponVerdict:
    """Is `code` (loaded as `coupon`, None when unknown) valid for these lines and customer?

    Checks run in WooCommerce's order and the first failure is reported. `applied` are the
    coupons already on the cart/order. `subtotal_minor` is the subtotal the minimum/maximum
    compare against (default: the lines' prices as entered, before discounts).
    `defer_email_check` skips email restrictions when no email is known yet (a cart before
    checkout); otherwise an unknown email fails a restricted coupon.
    """
    normalised = normalise_code(code)
    customer = customer or ANONYMOUS
    try:
        found = _check_identity(coupon, code, normalised)
        _check_already_applied(normalised, applied)
        _check_core_rules(found, lines, customer, now, store, subtotal_minor, category_names)
        _check_emails(found, customer, defer_email_check)
        _check_individual_use(applied)
    except _Rejected as rejected:
        return CouponVerdict(False, normalised, rejected.error_code, rejected.message)
    kept = [] if found.individual_use else list(applied)
    removes = tuple(normalise_code(c.code) for c in applied) if found.individual_use else ()
    discounts = compute_discounts(lines, [*kept, found])
    return CouponVerdict(True, normalised, discount=sum(discounts[normalised]), removes=removes)


def _check_identity(coupon: Coupon | None, code: str, normalised: str) -> Coupon:
    if not normalised:
        raise _Rejected(E_PLEASE_ENTER, "Please enter a coupon code.")
    if coupon is None:
        raise _Rejected(E_NOT_EXIST, f'Coupon "{code.strip()}" does not exist!')
    if normalise_code(coupon.code) != normalised:
        raise _Rejected(E_INVALID, f'"{code.strip()}" is an invalid coupon code.')
    return coupon


def _check_already_applied(normalised: str, applied: Sequence[Coupon]) -> None:
    if any(normalise_code(c.code) == normalised for c in applied):
        raise _Rejected(E_ALREADY_APPLIED, f'Coupon code "{normalised}" has already been applied.')


def _check_core_rules(
    coupon: Coupon,
    lines: Sequence[LineInput],
    customer: CustomerRef,
    now: datetime,
    store: StoreMoney,
    subtotal_minor: int | None,
    category_names: Mapping[int, str] | None,
) -> None:
    """WC_Discounts::is_coupon_valid, rule by rule."""
    if coupon.usage_limit and coupon.usage_count >= coupon.usage_limit:
        raise _Rejected(E_USAGE_LIMIT_REACHED, "Coupon usage limit has been reached.")
    per_user = coupon.usage_limit_per_user
    if per_user and customer.is_identified and customer.usage_by_this_customer >= per_user:
        raise _Rejected(E_USAGE_LIMIT_REACHED, "Coupon usage limit has been reached.")
    if coupon.date_expires is not None and _as_utc(now) > _as_utc(coupon.date_expires):
        raise _Rejected(E_EXPIRED, "This coupon has expired.")
    subtotal = subtotal_minor
    if subtotal is None:
        subtotal = sum(line.line_price_minor for line in lines)
    if coupon.minimum_amount and coupon.minimum_amount > subtotal:
        amount = display_price(coupon.minimum_amount, store)
        raise _Rejected(E_MIN_SPEND, f"The minimum spend for this coupon is {amount}.")
    if coupon.maximum_amount and coupon.maximum_amount < subtotal:
        amount = display_price(coupon.maximum_amount, store)
        raise _Rejected(E_MAX_SPEND, f"The maximum spend for this coupon is {amount}.")
    _check_product_rules(coupon, lines)
    if not coupon.is_product_type:
        _check_cart_eligibility(coupon, lines, category_names or {})


def _check_product_rules(coupon: Coupon, lines: Sequence[LineInput]) -> None:
    not_applicable = _Rejected(
        E_NOT_APPLICABLE, "Sorry, this coupon is not applicable to selected products."
    )
    wanted_products = set(coupon.product_ids)
    if wanted_products and not any(line.product_ids & wanted_products for line in lines):
        raise not_applicable
    wanted_categories = set(coupon.product_categories)
    if wanted_categories and not any(
        set(line.category_ids) & wanted_categories
        for line in lines
        if not (coupon.exclude_sale_items and line.on_sale)
    ):
        raise not_applicable
    eligible = any(is_valid_for_product(coupon, line) for line in lines)
    if lines and coupon.is_product_type and not eligible:
        raise not_applicable


def _check_cart_eligibility(
    coupon: Coupon, lines: Sequence[LineInput], category_names: Mapping[int, str]
) -> None:
    """A fixed_cart coupon is refused outright by any sale or excluded item in the cart."""
    if coupon.exclude_sale_items and any(line.on_sale for line in lines):
        raise _Rejected(E_NOT_VALID_SALE_ITEMS, "Sorry, this coupon is not valid for sale items.")
    excluded_ids = set(coupon.excluded_product_ids)
    names = [line.name for line in lines if line.product_ids & excluded_ids]
    if names:
        raise _Rejected(
            E_EXCLUDED_PRODUCTS,
            f"Sorry, this coupon is not applicable to the products: {', '.join(names)}.",
        )
    excluded_categories = coupon.excluded_product_categories
    found: list[str] = []
    for line in lines:
        for category_id in line.category_ids:
            if category_id in excluded_categories:
                found.append(category_names.get(category_id, str(category_id)))
    if found:
        unique = ", ".join(dict.fromkeys(found))
        raise _Rejected(
            E_EXCLUDED_CATEGORIES,
            f"Sorry, this coupon is not applicable to the categories: {unique}.",
        )


def _check_emails(coupon: Coupon, customer: CustomerRef, defer: bool) -> None:
    if not coupon.email_restrictions:
        return
    if not customer.emails and defer:
        return
    if not email_allowed(customer.emails, coupon.email_restrictions):
        raise _Rejected(
            E_NOT_YOURS_REMOVED,
            f'Sorry, it seems the coupon "{normalise_code(coupon.code)}" is not yours - '
            "it has now been removed from your order.",
        )


def _check_individual_use(applied: Sequence[Coupon]) -> None:
    for other in applied:
        if other.individual_use:
            raise _Rejected(
                E_INDIVIDUAL_USE_ONLY,
                f'"{normalise_code(other.code)}" has already been applied and cannot be used '
                "in conjunction with other coupons.",
            )


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
