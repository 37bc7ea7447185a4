"""Shipping zones and the rates a zone offers: flat rate, free shipping, local pickup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .location import postcode_matches
from .model import Address, Coupon, ShippingMethod, ShippingZone, TaxRate
from .money import round_half_up
from .tax import calc_exclusive_tax

REST_OF_WORLD = ShippingZone(id=0, name="Locations not covered by your other zones")


@dataclass(frozen=True)
class ShippingRate:
    id: str  # "flat_rate:3"
    method_id: str
    instance_id: int
    label: str
    cost_minor: int
    taxes: dict[int, int] = field(default_factory=dict)  # tax rate id -> minor units

    @property
    def total_tax(self) -> int:
        return sum(self.taxes.values())


def zone_matches(zone: ShippingZone, address: Address) -> bool:
    """A zone matches on any of its countries/states and, if it lists postcodes, on one of those."""
    places = [r for r in zone.regions if not r.startswith("postcode:")]
    postcodes = [r.removeprefix("postcode:") for r in zone.regions if r.startswith("postcode:")]
    if not places and not postcodes:
        return False
    if places and not any(_place_matches(place, address) for place in places):
        return False
    return not postcodes or any(postcode_matches(p, address.postcode) for p in postcodes)


def _place_matches(place: str, address: Address) -> bool:
    kind, _, value = place.partition(":")
    if kind == "country":
        return value == address.country
    return value == f"{address.country}:{address.state}"


def match_zone(zones: Sequence[ShippingZone], address: Address) -> ShippingZone:
    """The first zone (in the order given) that matches, else the "rest of the world" zone 0."""
    for zone in zones:
        if zone.id != 0 and zone_matches(zone, address):
            return zone
    return next((zone for zone in zones if zone.id == 0), REST_OF_WORLD)


def free_shipping_available(
    method: ShippingMethod, subtotal_minor: int, discount_minor: int, coupons: Sequence[Coupon]
) -> bool:
    """WC_Shipping_Free_Shipping::is_available. Coupons given are taken as valid."""
    has_coupon = any(coupon.free_shipping for coupon in coupons)
    spent = subtotal_minor if method.ignore_discounts else subtotal_minor - discount_minor
    has_min_amount = spent >= method.min_amount_minor
    return {
        None: True,
        "coupon": has_coupon,
        "min_amount": has_min_amount,
        "either": has_coupon or has_min_amount,
        "both": has_coupon and has_min_amount,
    }[method.requires]


def available_rates(
    zone: ShippingZone,
    subtotal_minor: int,
    coupons: Sequence[Coupon] = (),
    *,
    discount_minor: int = 0,
    tax_rates: Sequence[TaxRate] = (),
    decimals: int = 2,
) -> list[ShippingRate]:
    """The rates `zone` offers for an order worth `subtotal_minor` before `discount_minor`.

    Both figures are as the customer sees them (tax-inclusive when prices include tax).
    `tax_rates` are the shipping tax rates for the address; shipping costs exclude tax.
    """
    rates = []
    for method in zone.methods:
        if not method.enabled:
            continue
        if method.method_id == "free_shipping":
            if not free_shipping_available(method, subtotal_minor, discount_minor, coupons):
                continue
            cost = 0
        else:
            cost = method.cost_minor
        taxes = _shipping_taxes(cost, tax_rates, decimals) if method.taxable and cost else {}
        rates.append(
            ShippingRate(
                id=method.rate_id,
                method_id=method.method_id,
                instance_id=method.id,
                label=method.title,
                cost_minor=cost,
                taxes=taxes,
            )
        )
    return rates


def _shipping_taxes(cost: int, tax_rates: Sequence[TaxRate], decimals: int) -> dict[int, int]:
    # Shipping is entered without tax and WC rounds its taxes half-up whatever the price mode.
    exact = calc_exclusive_tax(cost, tax_rates, decimals)
    return {rid: round_half_up(value) for rid, value in exact.items()}
