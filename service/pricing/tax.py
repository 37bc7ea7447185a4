"""Tax rates for an address and tax amounts, as WooCommerce's WC_Tax computes them.

Amounts are exact fractions of a minor unit until they are rounded: per line and per rate by
default, or once per rate over the whole order with `round_at_subtotal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from .location import any_postcode_matches
from .model import Address, TaxRate
from .money import round_half_down, round_half_up

TaxAmounts = dict[int, Fraction]  # rate id -> tax in (fractional) minor units


def matching_rates(
    rates: Iterable[TaxRate], address: Address | None, tax_class: str = ""
) -> tuple[TaxRate, ...]:
    """The rates applying at `address`: the most specific rate of each priority, in order."""
    if address is None or not address.country:
        return ()
    candidates = [rate for rate in rates if _rate_matches(rate, address, tax_class)]
    candidates.sort(key=_specificity)
    chosen: list[TaxRate] = []
    seen_priorities: set[int] = set()
    for rate in candidates:
        if rate.priority not in seen_priorities:
            seen_priorities.add(rate.priority)
            chosen.append(rate)
    return tuple(chosen)


def _rate_matches(rate: TaxRate, address: Address, tax_class: str) -> bool:
    return (
        rate.tax_class == tax_class
        and rate.country in (address.country, "")
        and rate.state in (address.state, "")
        and (not rate.postcodes or any_postcode_matches(rate.postcodes, address.postcode))
        and (not rate.cities or address.city in rate.cities)
    )


def _specificity(rate: TaxRate) -> tuple[object, ...]:
    # WC_Tax::sort_rates_callback: priority, then a named country/state before a blank one,
    # then more postcodes/cities first, then the lower id.
    return (
        rate.priority,
        rate.country == "",
        rate.country,
        rate.state == "",
        rate.state,
        -len(rate.postcodes),
        -len(rate.cities),
        rate.id,
    )


def shipping_rates(
    rates: Iterable[TaxRate], address: Address | None, tax_class: str = ""
) -> tuple[TaxRate, ...]:
    """WC_Tax::find_shipping_rates: match as for items, then keep the rates marked shipping."""
    return tuple(rate for rate in matching_rates(rates, address, tax_class) if rate.shipping)


def calc_tax(
    price: int | Fraction, rates: Sequence[TaxRate], price_includes_tax: bool, decimals: int = 2
) -> TaxAmounts:
    if price_includes_tax:
        return calc_inclusive_tax(price, rates, decimals)
    return calc_exclusive_tax(price, rates, decimals)


def calc_exclusive_tax(
    price: int | Fraction, rates: Sequence[TaxRate], decimals: int = 2
) -> TaxAmounts:
    """Tax on top of `price`; compound rates apply to the price plus the taxes before them."""
    price = Fraction(price)
    taxes: TaxAmounts = {}
    for rate in rates:
        if not rate.compound:
            taxes[rate.id] = taxes.get(rate.id, Fraction(0)) + price * _percent(rate)
    for rate in rates:
        if rate.compound:
            base = price + sum(taxes.values(), Fraction(0))
            taxes[rate.id] = taxes.get(rate.id, Fraction(0)) + base * _percent(rate)
    return _precision_rounded(taxes, rates, decimals)


def calc_inclusive_tax(
    price: int | Fraction, rates: Sequence[TaxRate], decimals: int = 2
) -> TaxAmounts:
    """The taxes contained in a tax-inclusive `price` (compound rates peeled off last-first)."""
    price = Fraction(price)
    taxes: TaxAmounts = {rate.id: Fraction(0) for rate in rates}
    non_compound_price = price
    for rate in reversed([r for r in rates if r.compound]):
        tax = non_compound_price - non_compound_price / (1 + _percent(rate))
        taxes[rate.id] += tax
        non_compound_price -= tax
    regular = [r for r in rates if not r.compound]
    regular_total = 1 + sum((_percent(r) for r in regular), Fraction(0))
    for rate in regular:
        taxes[rate.id] += _percent(rate) / regular_total * non_compound_price
    return _precision_rounded(taxes, rates, decimals)


def _percent(rate: TaxRate) -> Fraction:
    return Fraction(rate.rate) / 100


def _precision_rounded(taxes: TaxAmounts, rates: Sequence[TaxRate], decimals: int) -> TaxAmounts:
    # WC_Tax::round keeps max(dp + 2, 6) decimals before any money rounding; copying it keeps
    # halves such as 166.5000000001 landing where WooCommerce puts them.
    scale = 10 ** max(decimals + 2, 6)
    ordered = {rate.id: taxes.get(rate.id, Fraction(0)) for rate in rates}
    return {rid: Fraction(round_half_up(value * scale), scale) for rid, value in ordered.items()}


def round_tax(value: Fraction | int, prices_include_tax: bool) -> int:
    """wc_round_tax_total: halves go down when prices include tax, up otherwise."""
    return round_half_down(value) if prices_include_tax else round_half_up(value)


def round_taxes(taxes: Mapping[int, Fraction], prices_include_tax: bool) -> dict[int, int]:
    return {rid: round_tax(value, prices_include_tax) for rid, value in taxes.items()}


def sum_taxes(items: Iterable[Mapping[int, Fraction | int]]) -> TaxAmounts:
    total: TaxAmounts = {}
    for taxes in items:
        for rid, value in taxes.items():
            total[rid] = total.get(rid, Fraction(0)) + value
    return total


def base_adjusted_price(
    price: int,
    rates: Sequence[TaxRate],
    base_rates: Sequence[TaxRate],
    decimals: int = 2,
) -> int:
    """A tax-inclusive price for a customer taxed differently from the shop's base location.

    WooCommerce keeps the net price and swaps the base taxes for the customer's taxes
    (`woocommerce_adjust_non_base_location_prices`, on by default).
    """
    if [r.id for r in rates] == [r.id for r in base_rates]:
        return price
    base_taxes = calc_inclusive_tax(price, base_rates, decimals)
    net = Fraction(price) - sum(base_taxes.values(), Fraction(0))
    customer_taxes = calc_exclusive_tax(net, rates, decimals)
    return round_half_up(net + sum(customer_taxes.values(), Fraction(0)))
