"""The one totals engine: lines + coupons + address + settings -> every order/cart figure.

Orders, previews, coupon validation and the cart all call `compute_totals`; a client never
supplies a total. Money is integer minor units throughout; only tax rates are fractional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .discounts import compute_discounts, normalise_code, sort_coupons
from .model import (
    DEFAULT_STORE,
    Address,
    Coupon,
    LineInput,
    ShippingZone,
    StoreMoney,
    TaxRate,
    TaxSettings,
)
from .results import CouponLine, LineTax, LineTotals, ShippingLine, TaxLine, Totals
from .shipping import ShippingRate, available_rates, match_zone
from .tax import (
    TaxAmounts,
    base_adjusted_price,
    calc_tax,
    matching_rates,
    round_tax,
    round_taxes,
    shipping_rates,
    sum_taxes,
)


@dataclass
class _PricedLine:
    line: LineInput
    rates: tuple[TaxRate, ...]
    price: int
    discount: int
    subtotal_taxes: TaxAmounts
    total_taxes: TaxAmounts

    @property
    def after_discount(self) -> int:
        return self.price - self.discount


def compute_totals(
    lines: Sequence[LineInput],
    coupons: Sequence[Coupon],
    address: Address | None,
    tax_settings: TaxSettings,
    zones: Sequence[ShippingZone],
    chosen_rate_id: str | None = None,
    store: StoreMoney = DEFAULT_STORE,
) -> Totals:
    """Price `lines` with `coupons` (already validated) for a customer at `address`.

    With prices_include_tax, line prices and fixed coupon amounts include tax: discounts come
    off the tax-inclusive price and tax is then extracted from what is left.
    """
    incl = tax_settings.prices_include_tax
    dp = store.decimals
    priced, discounts = _price_lines(lines, coupons, address, tax_settings, dp)
    items = _ItemSums.of(priced, tax_settings)

    needs_shipping = any(line.needs_shipping for line in lines)
    zone, offered, chosen, shipping_tax_rates = _shipping(
        needs_shipping, address, tax_settings, zones, chosen_rate_id, coupons, priced, dp
    )
    shipping_total = chosen.cost_minor if chosen else 0
    shipping_tax = chosen.total_tax if chosen else 0

    discount_total = items.subtotal - items.total
    discount_tax = items.subtotal_tax - items.tax
    return Totals(
        store=store,
        prices_include_tax=incl,
        lines=tuple(_line_totals(p, incl) for p in priced),
        coupon_lines=_coupon_lines(
            coupons, discounts, priced, incl, dp, discount_total, discount_tax
        ),
        shipping_lines=_shipping_lines(chosen),
        tax_lines=_tax_lines(priced, shipping_tax_rates, items.tax_by_rate, chosen),
        shipping_rates=tuple(offered),
        shipping_zone_id=zone.id if zone else None,
        chosen_shipping_rate_id=chosen.id if chosen else None,
        needs_shipping=needs_shipping,
        items_subtotal=items.subtotal,
        items_subtotal_tax=items.subtotal_tax,
        items_total=items.total,
        discount_total=discount_total,
        discount_tax=discount_tax,
        shipping_total=shipping_total,
        shipping_tax=shipping_tax,
        cart_tax=items.tax,
        total_tax=items.tax + shipping_tax,
        total=items.total + items.tax + shipping_total + shipping_tax,
    )


def _price_lines(
    lines: Sequence[LineInput],
    coupons: Sequence[Coupon],
    address: Address | None,
    tax_settings: TaxSettings,
    dp: int,
) -> tuple[list[_PricedLine], dict[str, tuple[int, ...]]]:
    """Each line's tax rates (at the customer's address, else the shop's), price,
    share of every coupon's discount and taxes; and the discounts by coupon."""
    tax_address = address if address is not None and address.country else None
    tax_address = tax_address or tax_settings.base_address
    rates = [_line_rates(line, tax_settings, tax_address) for line in lines]
    prices = [_line_price(line, r, tax_settings, dp) for line, r in zip(lines, rates, strict=True)]
    discounts = compute_discounts(lines, coupons, line_prices=prices)
    incl = tax_settings.prices_include_tax
    priced = [
        _price_line(line, line_rates, price, sum(d[i] for d in discounts.values()), incl, dp)
        for i, (line, line_rates, price) in enumerate(zip(lines, rates, prices, strict=True))
    ]
    return priced, discounts


@dataclass(frozen=True)
class _ItemSums:
    """The items' figures, before and after discounts, without tax."""

    subtotal: int
    subtotal_tax: int
    total: int
    tax: int  # the cart tax: on the items after discounts
    tax_by_rate: dict[int, int]

    @classmethod
    def of(cls, priced: list[_PricedLine], tax_settings: TaxSettings) -> _ItemSums:
        incl = tax_settings.prices_include_tax
        subtotal_by_rate = _taxes_by_rate([p.subtotal_taxes for p in priced], tax_settings)
        total_by_rate = _taxes_by_rate([p.total_taxes for p in priced], tax_settings)
        subtotal_tax = sum(subtotal_by_rate.values())
        tax = sum(total_by_rate.values())
        gross_before = sum(p.price for p in priced)
        gross_after = sum(p.after_discount for p in priced)
        return cls(
            subtotal=gross_before - subtotal_tax if incl else gross_before,
            subtotal_tax=subtotal_tax,
            total=gross_after - tax if incl else gross_after,
            tax=tax,
            tax_by_rate=total_by_rate,
        )


def _line_rates(
    line: LineInput, settings: TaxSettings, address: Address | None
) -> tuple[TaxRate, ...]:
    if not settings.calc_taxes or not line.taxable:
        return ()
    return matching_rates(settings.rates, address, line.tax_class)


def _line_price(line: LineInput, rates: tuple[TaxRate, ...], settings: TaxSettings, dp: int) -> int:
    price = line.line_price_minor
    if not (settings.prices_include_tax and settings.calc_taxes and line.taxable):
        return price
    if settings.base_address is None:
        return price
    base_rates = matching_rates(settings.rates, settings.base_address, line.tax_class)
    return base_adjusted_price(price, rates, base_rates, dp)


def _price_line(
    line: LineInput, rates: tuple[TaxRate, ...], price: int, discount: int, incl: bool, dp: int
) -> _PricedLine:
    return _PricedLine(
        line=line,
        rates=rates,
        price=price,
        discount=discount,
        subtotal_taxes=calc_tax(price, rates, incl, dp),
        total_taxes=calc_tax(price - discount, rates, incl, dp),
    )


def _taxes_by_rate(per_line: list[TaxAmounts], settings: TaxSettings) -> dict[int, int]:
    """Rounded per line then summed (WooCommerce's default), or summed then rounded."""
    incl = settings.prices_include_tax
    if settings.round_at_subtotal:
        return round_taxes(sum_taxes(per_line), incl)
    return {rid: int(v) for rid, v in sum_taxes(round_taxes(t, incl) for t in per_line).items()}


def _line_totals(priced: _PricedLine, incl: bool) -> LineTotals:
    subtotal_taxes = round_taxes(priced.subtotal_taxes, incl)
    total_taxes = round_taxes(priced.total_taxes, incl)
    subtotal_tax = sum(subtotal_taxes.values())
    total_tax = sum(total_taxes.values())
    line = priced.line
    return LineTotals(
        product_id=line.product_id,
        variation_id=line.variation_id,
        quantity=line.quantity,
        name=line.name,
        sku=line.sku,
        tax_class=line.tax_class,
        price=priced.price,
        discount=priced.discount,
        subtotal=priced.price - subtotal_tax if incl else priced.price,
        subtotal_tax=subtotal_tax,
        total=priced.after_discount - total_tax if incl else priced.after_discount,
        total_tax=total_tax,
        taxes=tuple(
            LineTax(rid, subtotal_taxes[rid], total_taxes.get(rid, 0)) for rid in subtotal_taxes
        ),
    )


def _shipping(
    needs_shipping: bool,
    address: Address | None,
    settings: TaxSettings,
    zones: Sequence[ShippingZone],
    chosen_rate_id: str | None,
    coupons: Sequence[Coupon],
    priced: list[_PricedLine],
    dp: int,
) -> tuple[ShippingZone | None, list[ShippingRate], ShippingRate | None, tuple[TaxRate, ...]]:
    if not needs_shipping or address is None or not address.country:
        return None, [], None, ()
    zone = match_zone(zones, address)
    tax_rates: tuple[TaxRate, ...] = ()
    if settings.calc_taxes:
        tax_rates = shipping_rates(settings.rates, address, settings.shipping_tax_class)
    # Free-shipping minimums compare what the customer sees: the prices as entered.
    offered = available_rates(
        zone,
        sum(p.price for p in priced),
        coupons,
        discount_minor=sum(p.discount for p in priced),
        tax_rates=tax_rates,
        decimals=dp,
    )
    chosen = next((rate for rate in offered if rate.id == chosen_rate_id), None)
    if chosen is None and offered:
        chosen = offered[0]
    return zone, offered, chosen, tax_rates


def _shipping_lines(chosen: ShippingRate | None) -> tuple[ShippingLine, ...]:
    if chosen is None:
        return ()
    return (
        ShippingLine(
            rate_id=chosen.id,
            method_id=chosen.method_id,
            instance_id=chosen.instance_id,
            method_title=chosen.label,
            total=chosen.cost_minor,
            total_tax=chosen.total_tax,
            taxes=dict(chosen.taxes),
        ),
    )


def _tax_lines(
    priced: list[_PricedLine],
    shipping_tax_rates: tuple[TaxRate, ...],
    item_tax_by_rate: dict[int, int],
    chosen: ShippingRate | None,
) -> tuple[TaxLine, ...]:
    used: dict[int, TaxRate] = {}
    for p in priced:
        for rate in p.rates:
            used.setdefault(rate.id, rate)
    shipping_taxes = chosen.taxes if chosen else {}
    for rate in shipping_tax_rates:
        if rate.id in shipping_taxes:
            used.setdefault(rate.id, rate)
    return tuple(
        TaxLine(
            rate_id=rate.id,
            rate_code=rate_code(rate),
            label=rate.name or "Tax",
            compound=rate.compound,
            rate_percent=rate.rate,
            tax_total=item_tax_by_rate.get(rate.id, 0),
            shipping_tax_total=shipping_taxes.get(rate.id, 0),
        )
        for rate in sorted(used.values(), key=lambda r: (r.priority, r.id))
    )


def rate_code(rate: TaxRate) -> str:
    """WC_Tax::get_rate_code: COUNTRY-STATE-NAME-PRIORITY, blanks skipped."""
    parts = [rate.country, rate.state, rate.name or "TAX", str(rate.priority)]
    return "-".join(part for part in parts if part).upper()


def _coupon_lines(
    coupons: Sequence[Coupon],
    discounts: dict[str, tuple[int, ...]],
    priced: list[_PricedLine],
    incl: bool,
    dp: int,
    discount_total: int,
    discount_tax: int,
) -> tuple[CouponLine, ...]:
    """Each coupon's share of the discount and of the tax it removed.

    Per-coupon figures are rounded on their own, so the rounding difference against the
    order's discount_total / discount_tax is put on the biggest coupon: the lines add up.
    """
    by_code: dict[str, Coupon] = {}
    for coupon in coupons:
        by_code.setdefault(normalise_code(coupon.code), coupon)
    order = [normalise_code(c.code) for c in sort_coupons(list(by_code.values()))]
    shares: dict[str, list[int]] = {}
    for code in order:
        per_line = discounts[code]
        tax = round_tax(
            sum(
                (sum(calc_tax(d, p.rates, incl, dp).values(), Fraction(0)))
                for d, p in zip(per_line, priced, strict=True)
                if d
            ),
            incl,
        )
        gross = sum(per_line)
        shares[code] = [gross - tax if incl else gross, tax]
    if shares:
        biggest = max(order, key=lambda code: sum(discounts[code]))
        tax_gap = discount_tax - sum(tax for _, tax in shares.values())
        shares[biggest][1] += tax_gap
        shares[biggest][0] += discount_total - sum(d for d, _ in shares.values())
    return tuple(
        CouponLine(code, by_code[code].discount_type, shares[code][0], shares[code][1])
        for code in by_code
    )
