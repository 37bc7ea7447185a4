"""Pricing: the one totals engine for orders, previews, coupon validation and carts.

Pure library (stdlib only). Money is integer minor units; rates and percents are Decimals.
"""

from .coupons import CouponVerdict, email_allowed, validate_coupon
from .discounts import compute_discounts, is_valid_for_product, normalise_code, sort_coupons
from .errors import PricingError
from .model import (
    ANONYMOUS,
    DEFAULT_STORE,
    Address,
    Coupon,
    CustomerRef,
    LineInput,
    ShippingMethod,
    ShippingZone,
    StoreMoney,
    TaxRate,
    TaxSettings,
)
from .money import (
    display_price,
    format_amount,
    parse_amount,
    parse_optional_amount,
    round_half_down,
    round_half_up,
)
from .results import CouponLine, LineTax, LineTotals, ShippingLine, TaxLine, Totals
from .shipping import REST_OF_WORLD, ShippingRate, available_rates, match_zone, zone_matches
from .tax import calc_tax, matching_rates, shipping_rates
from .totals import compute_totals, rate_code

__all__ = [
    "ANONYMOUS",
    "DEFAULT_STORE",
    "REST_OF_WORLD",
    "Address",
    "Coupon",
    "CouponLine",
    "CouponVerdict",
    "CustomerRef",
    "LineInput",
    "LineTax",
    "LineTotals",
    "PricingError",
    "ShippingLine",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "StoreMoney",
    "TaxLine",
    "TaxRate",
    "TaxSettings",
    "Totals",
    "available_rates",
    "calc_tax",
    "compute_discounts",
    "compute_totals",
    "display_price",
    "email_allowed",
    "format_amount",
    "is_valid_for_product",
    "match_zone",
    "matching_rates",
    "normalise_code",
    "parse_amount",
    "parse_optional_amount",
    "rate_code",
    "round_half_down",
    "round_half_up",
    "shipping_rates",
    "sort_coupons",
    "validate_coupon",
    "zone_matches",
]
