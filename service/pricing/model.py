"""Inputs of the pricing engine: settings, catalog lines, coupons, customers (frozen)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .errors import PricingError

DISCOUNT_TYPES: tuple[str, ...] = ("percent", "fixed_cart", "fixed_product")
PRODUCT_COUPON_TYPES: tuple[str, ...] = ("percent", "fixed_product")
CURRENCY_POSITIONS: tuple[str, ...] = ("left", "right", "left_space", "right_space")
SHIPPING_METHOD_IDS: tuple[str, ...] = ("flat_rate", "free_shipping", "local_pickup")
FREE_SHIPPING_REQUIRES: tuple[str | None, ...] = (None, "coupon", "min_amount", "either", "both")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _decimal(value: object, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise PricingError("invalid_rate", f"{field_name} must be a number.", field_name) from exc
    if not number.is_finite() or number < 0:
        raise PricingError("invalid_rate", f"{field_name} must be >= 0.", field_name)
    return number


@dataclass(frozen=True)
class StoreMoney:
    currency: str = "USD"
    decimals: int = 2
    currency_position: str = "left"
    thousand_separator: str = ","
    decimal_separator: str = "."
    symbol: str | None = None  # None: looked up from the currency code

    def __post_init__(self) -> None:
        if self.currency_position not in CURRENCY_POSITIONS:
            raise PricingError(
                "invalid_currency_position",
                f"currency_position must be one of {', '.join(CURRENCY_POSITIONS)}.",
                "currency_position",
            )
        if not 0 <= self.decimals <= 8:
            raise PricingError("invalid_decimals", "decimals must be 0..8.", "decimals")


@dataclass(frozen=True)
class Address:
    country: str = ""
    state: str = ""
    postcode: str = ""
    city: str = ""

    def __post_init__(self) -> None:
        _set(self, "country", self.country.strip().upper())
        _set(self, "state", self.state.strip().upper())
        _set(self, "postcode", normalise_postcode(self.postcode))
        _set(self, "city", self.city.strip().upper())


def normalise_postcode(postcode: str) -> str:
    return "".join(postcode.split()).upper()


@dataclass(frozen=True)
class TaxRate:
    """One row of the tax table. country/state "" match everything (WooCommerce's blank)."""

    id: int
    country: str
    state: str
    rate: Decimal  # percent, "9.0000" -> Decimal("9.0000")
    name: str
    priority: int = 1
    compound: bool = False
    shipping: bool = True
    tax_class: str = ""
    postcodes: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "rate", _decimal(self.rate, "rate"))
        country = self.country.strip().upper()
        state = self.state.strip().upper()
        _set(self, "country", "" if country == "*" else country)
        _set(self, "state", "" if state == "*" else state)
        _set(self, "postcodes", tuple(normalise_postcode(p) for p in self.postcodes))
        _set(self, "cities", tuple(c.strip().upper() for c in self.cities))


@dataclass(frozen=True)
class TaxSettings:
    prices_include_tax: bool = False
    round_at_subtotal: bool = False
    rates: tuple[TaxRate, ...] = ()
    calc_taxes: bool = True
    # Used when the customer has no address yet, and to hold tax-inclusive net prices steady
    # for customers outside the base location (WooCommerce's default adjustment).
    base_address: Address | None = None
    shipping_tax_class: str = ""

    def __post_init__(self) -> None:
        _set(self, "rates", tuple(self.rates))


@dataclass(frozen=True)
class ShippingMethod:
    id: int  # instance id within its zone: the "3" of "flat_rate:3"
    method_id: str
    title: str
    cost_minor: int = 0
    requires: str | None = None  # free_shipping only
    min_amount_minor: int = 0
    taxable: bool = True
    ignore_discounts: bool = False  # free_shipping: compare the minimum before coupons
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.method_id not in SHIPPING_METHOD_IDS:
            raise PricingError(
                "invalid_shipping_method",
                f"method_id must be one of {', '.join(SHIPPING_METHOD_IDS)}.",
                "method_id",
            )
        requires = self.requires or None
        if requires not in FREE_SHIPPING_REQUIRES:
            raise PricingError(
                "invalid_shipping_requires",
                "requires must be one of coupon, min_amount, either, both.",
                "requires",
            )
        _set(self, "requires", requires)
        if self.cost_minor < 0 or self.min_amount_minor < 0:
            raise PricingError("invalid_amount", "Shipping amounts must not be negative.")

    @property
    def rate_id(self) -> str:
        return f"{self.method_id}:{self.id}"


@dataclass(frozen=True)
class ShippingZone:
    """regions: "IR" (country), "US:CA" (state), "postcode:9021*" or "postcode:10000...19999"."""

    id: int
    name: str
    regions: tuple[str, ...] = ()
    methods: tuple[ShippingMethod, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "regions", tuple(_normalise_region(r) for r in self.regions))
        _set(self, "methods", tuple(self.methods))


_REGION = re.compile(r"^(country:[A-Z]{2}|state:[A-Z]{2}:[A-Z0-9-]+|postcode:.+)$")


def _normalise_region(region: str) -> str:
    """ "IR" -> "country:IR", "US:CA" -> "state:US:CA"; "postcode:..." kept (upper-cased)."""
    text = region.strip().upper()
    if not text.startswith(("COUNTRY:", "STATE:", "POSTCODE:")):
        text = ("STATE:" if ":" in text else "COUNTRY:") + text
    kind, _, value = text.partition(":")
    if kind == "POSTCODE":
        value = normalise_postcode(value)
    normalised = f"{kind.lower()}:{value}"
    if not _REGION.match(normalised):
        raise PricingError(
            "invalid_zone_region",
            f'"{region}" is not a region: use "IR", "US:CA" or "postcode:9021*".',
            "regions",
        )
    return normalised


@dataclass(frozen=True, kw_only=True)
class LineInput:
    product_id: int
    quantity: int
    unit_price_minor: int  # the current price (the sale price while on sale)
    variation_id: int = 0
    regular_price_minor: int | None = None
    on_sale: bool = False
    category_ids: tuple[int, ...] = ()
    name: str = ""
    sku: str = ""
    taxable: bool = True
    needs_shipping: bool = True
    tax_class: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise PricingError("invalid_quantity", "Quantity must be an integer.", "quantity")
        if self.quantity <= 0:
            raise PricingError("invalid_quantity", "Quantity must be at least 1.", "quantity")
        if self.unit_price_minor < 0:
            raise PricingError("invalid_amount", "Price must not be negative.", "price")
        _set(self, "category_ids", tuple(self.category_ids))

    @property
    def line_price_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def product_ids(self) -> frozenset[int]:
        """The product and, for a variation, the variation: what coupon id lists match."""
        return frozenset(i for i in (self.product_id, self.variation_id) if i)


@dataclass(frozen=True, kw_only=True)
class Coupon:
    id: int
    code: str
    discount_type: str = "fixed_cart"
    amount: int | Decimal = 0  # minor units for fixed types; a percent for "percent"
    description: str = ""
    date_expires: datetime | None = None
    usage_count: int = 0
    usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    individual_use: bool = False
    product_ids: tuple[int, ...] = ()
    excluded_product_ids: tuple[int, ...] = ()
    product_categories: tuple[int, ...] = ()
    excluded_product_categories: tuple[int, ...] = ()
    exclude_sale_items: bool = False
    minimum_amount: int | None = None  # minor units; None or 0 = no minimum
    maximum_amount: int | None = None
    free_shipping: bool = False
    email_restrictions: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
    limit_usage_to_x_items: int | None = None

    def __post_init__(self) -> None:
        if self.discount_type not in DISCOUNT_TYPES:
            raise PricingError(
                "invalid_discount_type",
                f"discount_type must be one of {', '.join(DISCOUNT_TYPES)}.",
                "discount_type",
            )
        if self.discount_type == "percent":
            _set(self, "amount", _decimal(self.amount, "amount"))
        elif isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise PricingError(
                "invalid_amount", "A fixed coupon amount is a non-negative integer.", "amount"
            )
        for name in (
            "product_ids",
            "excluded_product_ids",
            "product_categories",
            "excluded_product_categories",
            "email_restrictions",
            "used_by",
        ):
            _set(self, name, tuple(getattr(self, name)))

    @property
    def is_product_type(self) -> bool:
        return self.discount_type in PRODUCT_COUPON_TYPES


@dataclass(frozen=True)
class CustomerRef:
    user_id: int | None = None
    email: str | None = None
    usage_by_this_customer: int = 0
    billing_email: str | None = None

    @property
    def emails(self) -> tuple[str, ...]:
        found = (e.strip().lower() for e in (self.email, self.billing_email) if e and e.strip())
        return tuple(dict.fromkeys(found))

    @property
    def is_identified(self) -> bool:
        return bool(self.user_id) or bool(self.emails)


ANONYMOUS = CustomerRef()
DEFAULT_STORE = StoreMoney()
