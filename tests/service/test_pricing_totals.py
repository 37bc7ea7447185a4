"""The totals engine: taxes (inclusive, exclusive, compound, shipping), shipping zones and rates.

Golden figures are in minor units (cents); the arithmetic behind each is in the comment.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.pricing import (
    Address,
    Coupon,
    CustomerRef,
    LineInput,
    PricingError,
    ShippingMethod,
    ShippingZone,
    StoreMoney,
    TaxRate,
    TaxSettings,
    available_rates,
    compute_totals,
    match_zone,
    matching_rates,
    validate_coupon,
)

NOW = datetime(2025, 6, 1, tzinfo=UTC)
US_CA = Address(country="US", state="CA", postcode="90210")
GB = Address(country="GB", postcode="SW1A 1AA")


def line(product_id, quantity, price, **extra):
    return LineInput(product_id=product_id, quantity=quantity, unit_price_minor=price, **extra)


def rate(rate_id, country, percent, state="", **extra):
    return TaxRate(rate_id, country, state, Decimal(percent), extra.pop("name", f"T{rate_id}"),
                   **extra)  # fmt: skip


def fixed_cart(code, amount, **extra):
    return Coupon(id=extra.pop("id", 1), code=code, discount_type="fixed_cart", amount=amount,
                  **extra)  # fmt: skip


def percent(code, amount, **extra):
    return Coupon(id=extra.pop("id", 1), code=code, discount_type="percent",
                  amount=Decimal(amount), **extra)  # fmt: skip


def totals(lines, coupons=(), address=US_CA, tax=None, zones=(), chosen=None, store=None):
    return compute_totals(
        list(lines), list(coupons), address, tax or TaxSettings(), list(zones), chosen,
        store or StoreMoney(),
    )  # fmt: skip


def figures(result):
    names = ("items_subtotal", "items_subtotal_tax", "items_total", "cart_tax", "discount_total",
             "discount_tax", "shipping_total", "shipping_tax", "total")  # fmt: skip
    return {name: getattr(result, name) for name in names}


# --- tax exclusive / inclusive -----------------------------------------------------------------


def test_tax_exclusive_adds_tax_on_top():
    # 2 x 10.00 = 20.00 at 10% -> 2.00 tax; total 22.00.
    result = totals([line(1, 2, 1000)], tax=TaxSettings(rates=(rate(1, "US", "10"),)))
    assert figures(result) == {
        "items_subtotal": 2000, "items_subtotal_tax": 200, "items_total": 2000, "cart_tax": 200,
        "discount_total": 0, "discount_tax": 0, "shipping_total": 0, "shipping_tax": 0,
        "total": 2200,
    }  # fmt: skip


def test_tax_inclusive_extracts_tax_rounding_halves_down():
    # 9.99 incl. 20%: tax = 999 - 999 / 1.2 = 166.5 -> half-down (prices incl. tax) -> 166;
    # net 999 - 166 = 833. The customer pays the shelf price, 9.99.
    tax = TaxSettings(prices_include_tax=True, rates=(rate(1, "GB", "20"),))
    result = totals([line(1, 1, 999)], address=GB, tax=tax)
    assert (result.items_subtotal, result.cart_tax, result.total) == (833, 166, 999)
    assert (result.lines[0].subtotal, result.lines[0].total_tax) == (833, 166)


def test_tax_inclusive_percent_coupon_comes_off_the_inclusive_price():
    # 12.00 incl. 20%, 10% off: floor(1200 x 10%) = 120 off -> pays 10.80.
    # Tax before: 1200 - 1000 = 200; after: 1080 - 1080 / 1.2 = 180.
    # discount_total = 1000 - 900 = 100, discount_tax = 200 - 180 = 20.
    tax = TaxSettings(prices_include_tax=True, rates=(rate(1, "GB", "20"),))
    result = totals([line(1, 1, 1200)], [percent("ten", 10)], address=GB, tax=tax)
    assert figures(result) == {
        "items_subtotal": 1000, "items_subtotal_tax": 200, "items_total": 900, "cart_tax": 180,
        "discount_total": 100, "discount_tax": 20, "shipping_total": 0, "shipping_tax": 0,
        "total": 1080,
    }  # fmt: skip
    assert [(c.code, c.discount, c.discount_tax) for c in result.coupon_lines] == [("ten", 100, 20)]


def test_tax_inclusive_fixed_cart_amount_includes_tax():
    # 12.00 incl. 20% less 5.00 -> pays 7.00; tax 700 - 700 / 1.2 = 116.67 -> 117; net 583.
    # discount_total 1000 - 583 = 417; discount_tax 200 - 117 = 83 (417 + 83 = the 5.00).
    tax = TaxSettings(prices_include_tax=True, rates=(rate(1, "GB", "20"),))
    result = totals([line(1, 1, 1200)], [fixed_cart("five", 500)], address=GB, tax=tax)
    assert (result.items_total, result.cart_tax, result.total) == (583, 117, 700)
    assert (result.discount_total, result.discount_tax) == (417, 83)
    assert [(c.discount, c.discount_tax) for c in result.coupon_lines] == [(417, 83)]


def test_exclusive_percent_coupon_with_tax_and_reconciled_coupon_tax():
    # 3 lines of 3.33 at 10% tax, 10% coupon -> discounts 34, 33, 33 (see coupon tests).
    # Tax before: 33.3 -> 33 per line = 99. After: 29.9, 30, 30 -> 30 each = 90.
    # discount_tax = 99 - 90 = 9; the coupon's own 3.4 + 3.3 + 3.3 = 10 is brought to 9
    # so that coupon lines add up to the order's discount_tax.
    tax = TaxSettings(rates=(rate(1, "US", "10"),))
    result = totals([line(i, 1, 333) for i in (1, 2, 3)], [percent("ten", 10)], tax=tax)
    assert figures(result) == {
        "items_subtotal": 999, "items_subtotal_tax": 99, "items_total": 899, "cart_tax": 90,
        "discount_total": 100, "discount_tax": 9, "shipping_total": 0, "shipping_tax": 0,
        "total": 989,
    }  # fmt: skip
    assert [(c.discount, c.discount_tax) for c in result.coupon_lines] == [(100, 9)]
    assert [item.discount for item in result.lines] == [34, 33, 33]


def test_sale_items_excluded_from_percent_in_totals():
    # 10% of the 20.00 regular line only; the 15.00 sale line is untouched.
    lines = [line(1, 1, 2000), line(2, 1, 1500, on_sale=True)]
    result = totals(lines, [percent("p", 10, exclude_sale_items=True)])
    assert [item.total for item in result.lines] == [1800, 1500]
    assert result.discount_total == 200


# --- compound tax -------------------------------------------------------------------------------

COMPOUND_RATES = (rate(1, "US", "5", name="State"), rate(2, "US", "10", name="Extra", priority=2,
                  compound=True))  # fmt: skip


def test_compound_tax_exclusive_applies_on_price_plus_earlier_taxes():
    # 100.00: 5% -> 500; compound 10% of (10000 + 500) -> 1050; total 115.50.
    result = totals([line(1, 1, 10000)], tax=TaxSettings(rates=COMPOUND_RATES))
    assert (result.cart_tax, result.total) == (1550, 11550)
    assert [(t.rate_id, t.compound, t.tax_total) for t in result.tax_lines] == [
        (1, False, 500),
        (2, True, 1050),
    ]


def test_compound_tax_inclusive_peels_compound_first():
    # 115.50 incl.: compound 11550 - 11550 / 1.1 = 1050, leaving 10500; then 5% of it as
    # contained tax: 10500 x 5/105 = 500; net 10000.
    tax = TaxSettings(prices_include_tax=True, rates=COMPOUND_RATES)
    result = totals([line(1, 1, 11550)], tax=tax)
    assert (result.items_subtotal, result.cart_tax, result.total) == (10000, 1550, 11550)
    assert [(t.rate_id, t.total) for t in result.lines[0].taxes] == [(1, 500), (2, 1050)]


# --- rate matching and rounding ----------------------------------------------------------------

MATCHING_RATES = (
    rate(1, "US", "4"),
    rate(2, "US", "7", state="CA"),
    rate(3, "", "1", priority=2),
    rate(4, "US", "2", state="CA", priority=3, postcodes=("902*",)),
    rate(5, "US", "1", tax_class="reduced"),
)


@pytest.mark.parametrize(
    ("address", "tax_class", "expected_ids"),
    [
        (US_CA, "", [2, 3, 4]),  # state beats country at priority 1; 902* postcode matches
        (Address(country="US", state="CA", postcode="94000"), "", [2, 3]),
        (Address(country="US", state="NY"), "", [1, 3]),
        (Address(country="IR"), "", [3]),  # only the blank-country rate
        (US_CA, "reduced", [5]),
        (Address(), "", []),  # no country: no taxes
    ],
)
def test_matching_rates_most_specific_per_priority(address, tax_class, expected_ids):
    found = matching_rates(MATCHING_RATES, address, tax_class)
    assert [r.id for r in found] == expected_ids


def test_tax_rate_accepts_woocommerce_strings_and_normalises_places():
    ca = TaxRate(1, " us", "ca ", "9.0000", "CA", postcodes=("902 10",))
    assert (ca.country, ca.state, ca.rate, ca.postcodes) == ("US", "CA", Decimal("9"), ("90210",))
    with pytest.raises(PricingError):
        TaxRate(2, "US", "", "nine", "Bad")


def test_rounding_per_line_versus_at_subtotal():
    # 3 lines of 1.05 at 10%: per line 10.5 -> 11 each = 33; at subtotal 31.5 -> 32.
    lines = [line(i, 1, 105) for i in (1, 2, 3)]
    per_line = totals(lines, tax=TaxSettings(rates=(rate(1, "US", "10"),)))
    at_subtotal = totals(
        lines, tax=TaxSettings(round_at_subtotal=True, rates=(rate(1, "US", "10"),))
    )
    assert (per_line.cart_tax, per_line.total) == (33, 348)
    assert (at_subtotal.cart_tax, at_subtotal.total) == (32, 347)


def test_non_taxable_line_has_no_tax():
    tax = TaxSettings(rates=(rate(1, "US", "10"),))
    result = totals([line(1, 1, 1000, taxable=False), line(2, 1, 1000)], tax=tax)
    assert [item.total_tax for item in result.lines] == [0, 100]


def test_no_address_uses_the_base_address_for_tax():
    tax = TaxSettings(rates=(rate(1, "GB", "20"),), base_address=GB)
    result = totals([line(1, 1, 1000)], address=None, tax=tax)
    assert (result.cart_tax, result.needs_shipping, result.shipping_lines) == (200, True, ())


@pytest.mark.parametrize(
    ("address", "expected_total", "expected_tax"),
    [
        (GB, 1200, 200),  # the base location: the shelf price
        (Address(country="US"), 1000, 0),  # no tax there: net 12.00 / 1.2 = 10.00
        (Address(country="DE"), 1190, 190),  # net 10.00 + 19% = 11.90
    ],
)
def test_inclusive_prices_keep_the_net_outside_the_base_location(
    address, expected_total, expected_tax
):
    rates = (rate(1, "GB", "20"), rate(2, "DE", "19"))
    tax = TaxSettings(prices_include_tax=True, rates=rates, base_address=GB)
    result = totals([line(1, 1, 1200, needs_shipping=False)], address=address, tax=tax)
    assert (result.total, result.cart_tax) == (expected_total, expected_tax)


# --- shipping ------------------------------------------------------------------------------------


def flat(instance_id, cost, **extra):
    return ShippingMethod(instance_id, "flat_rate", extra.pop("title", "Flat rate"), cost, **extra)


def free(instance_id, requires, min_amount=0, **extra):
    return ShippingMethod(instance_id, "free_shipping", "Free shipping", 0, requires, min_amount,
                          **extra)  # fmt: skip


def test_shipping_tax_uses_only_rates_marked_for_shipping():
    # Items 20.00: 10% -> 200 and 5% -> 100. Shipping 10.00: only the 10% rate -> 100.
    # Total 2000 + 300 + 1000 + 100 = 3400.
    rates = (rate(1, "US", "10"), rate(2, "US", "5", priority=2, shipping=False))
    zone = ShippingZone(1, "US", ("US",), (flat(3, 1000),))
    result = totals([line(1, 1, 2000)], tax=TaxSettings(rates=rates), zones=[zone])
    assert (result.shipping_total, result.shipping_tax, result.total) == (1000, 100, 3400)
    assert [(t.rate_id, t.tax_total, t.shipping_tax_total) for t in result.tax_lines] == [
        (1, 200, 100),
        (2, 100, 0),
    ]
    assert result.shipping_lines[0].rate_id == "flat_rate:3"


def test_shipping_tax_rounds_half_up_even_when_prices_include_tax():
    # Shipping is entered without tax: 5.05 x 10% = 50.5 -> 51. Item 11.00 incl. 10%: tax 100.
    # Total 1000 + 100 + 505 + 51 = 1656.
    tax = TaxSettings(prices_include_tax=True, rates=(rate(1, "US", "10"),))
    zone = ShippingZone(1, "US", ("US",), (flat(1, 505),))
    result = totals([line(1, 1, 1100)], tax=tax, zones=[zone])
    assert (result.shipping_tax, result.cart_tax, result.total) == (51, 100, 1656)


def test_non_taxable_flat_rate_has_no_tax():
    zone = ShippingZone(1, "US", ("US",), (flat(1, 500, taxable=False),))
    result = totals([line(1, 1, 1000)], tax=TaxSettings(rates=(rate(1, "US", "10"),)), zones=[zone])
    assert (result.shipping_total, result.shipping_tax) == (500, 0)


def test_free_shipping_by_coupon():
    zone = ShippingZone(1, "US", ("US",), (flat(1, 500), free(2, "coupon")))
    without = totals([line(1, 1, 1000)], zones=[zone])
    assert [r.id for r in without.shipping_rates] == ["flat_rate:1"]
    ship_free = fixed_cart("shipfree", 0, free_shipping=True)
    with_coupon = totals([line(1, 1, 1000)], [ship_free], zones=[zone], chosen="free_shipping:2")
    assert [r.id for r in with_coupon.shipping_rates] == ["flat_rate:1", "free_shipping:2"]
    assert (with_coupon.chosen_shipping_rate_id, with_coupon.shipping_total) == (
        "free_shipping:2",
        0,
    )


def test_free_shipping_by_minimum_amount_equal_passes():
    zone = ShippingZone(1, "US", ("US",), (flat(1, 500), free(2, "min_amount", 5000)))
    assert [r.id for r in totals([line(1, 1, 5000)], zones=[zone]).shipping_rates] == [
        "flat_rate:1",
        "free_shipping:2",
    ]
    assert [r.id for r in totals([line(1, 1, 4999)], zones=[zone]).shipping_rates] == [
        "flat_rate:1"
    ]


def test_free_shipping_minimum_counts_discounts_unless_ignored():
    # 60.00 less 15.00 = 45.00 < 50.00: not free, unless the minimum ignores discounts.
    lines, coupons = [line(1, 1, 6000)], [fixed_cart("fifteen", 1500)]
    after = ShippingZone(1, "US", ("US",), (free(2, "min_amount", 5000),))
    before = ShippingZone(1, "US", ("US",), (free(2, "min_amount", 5000, ignore_discounts=True),))
    assert totals(lines, coupons, zones=[after]).shipping_rates == ()
    assert [r.id for r in totals(lines, coupons, zones=[before]).shipping_rates] == [
        "free_shipping:2"
    ]


@pytest.mark.parametrize(
    ("requires", "subtotal", "with_coupon", "available"),
    [
        (None, 0, False, True),
        ("coupon", 9999, False, False),
        ("coupon", 0, True, True),
        ("min_amount", 5000, False, True),
        ("either", 100, True, True),
        ("either", 100, False, False),
        ("both", 5000, False, False),
        ("both", 100, True, False),
        ("both", 5000, True, True),
    ],
)
def test_free_shipping_requires(requires, subtotal, with_coupon, available):
    zone = ShippingZone(1, "US", ("US",), (free(7, requires, 5000),))
    coupons = [fixed_cart("fs", 0, free_shipping=True)] if with_coupon else []
    assert bool(available_rates(zone, subtotal, coupons)) is available


ZONES = [
    ShippingZone(1, "LA area", ("US:CA", "postcode:902*"), (flat(1, 300),)),
    ShippingZone(2, "USA", ("US",), (flat(2, 800),)),
    ShippingZone(3, "Iran", ("IR",), (flat(3, 100),)),
    ShippingZone(4, "NY range", ("US:NY", "postcode:10000...10299"), (flat(4, 200),)),
    ShippingZone(0, "Everywhere else", (), (flat(5, 2500),)),
]


@pytest.mark.parametrize(
    ("address", "zone_id"),
    [
        (US_CA, 1),
        (Address(country="US", state="CA", postcode="94000"), 2),  # postcode misses zone 1
        (Address(country="us", state="ny", postcode="10001"), 2),  # zone 2 comes first
        (Address(country="IR", state="THR"), 3),
        (Address(country="DE"), 0),
    ],
)
def test_match_zone_first_match_then_rest_of_world(address, zone_id):
    assert match_zone(ZONES, address).id == zone_id


def test_match_zone_postcode_range():
    ny_first = [ZONES[3], ZONES[1]]
    assert match_zone(ny_first, Address(country="US", state="NY", postcode="10250")).id == 4
    assert match_zone(ny_first, Address(country="US", state="NY", postcode="10300")).id == 2


def test_match_zone_without_a_fallback_zone_gives_an_empty_rest_of_world():
    zone = match_zone(ZONES[:3], Address(country="DE"))
    assert (zone.id, zone.methods) == (0, ())


def test_bad_zone_region_is_rejected():
    with pytest.raises(PricingError) as caught:
        ShippingZone(1, "x", ("United States",))
    assert caught.value.code == "invalid_zone_region"


def test_chosen_rate_falls_back_to_the_first_offered():
    zone = ShippingZone(1, "US", ("US",), (flat(1, 500), flat(2, 900, title="Express")))
    assert totals([line(1, 1, 1000)], zones=[zone], chosen="flat_rate:2").shipping_total == 900
    assert totals([line(1, 1, 1000)], zones=[zone], chosen="flat_rate:99").shipping_total == 500


def test_virtual_lines_need_no_shipping():
    zone = ShippingZone(1, "US", ("US",), (flat(1, 500),))
    result = totals([line(1, 1, 1000, needs_shipping=False)], zones=[zone])
    assert (result.needs_shipping, result.shipping_rates, result.shipping_total) == (False, (), 0)


# --- several coupons, individual use, renderings -------------------------------------------------


def test_individual_use_coupon_replaces_the_applied_ones_in_totals():
    lines = [line(1, 2, 2500)]  # 50.00
    applied = [fixed_cart("a", 1000, id=3), percent("b", 10, id=4)]
    # Both together: 10% of 50.00 = 500 and 10.00 -> 15.00 off.
    assert totals(lines, applied).discount_total == 1500
    solo = percent("solo", 20, id=5, individual_use=True)
    verdict = validate_coupon(solo, "SOLO", lines, CustomerRef(), NOW, applied)
    kept = [c for c in applied if c.code not in verdict.removes] + [solo]
    result = totals(lines, kept)
    # Alone: 20% of 50.00 = 10.00.
    assert (verdict.removes, verdict.discount, result.discount_total) == (("a", "b"), 1000, 1000)
    assert [c.code for c in result.coupon_lines] == ["solo"]


def test_as_wc_dict_money_strings():
    rates = (rate(1, "US", "10", name="Sales tax"),)
    zone = ShippingZone(1, "US", ("US",), (flat(4, 500),))
    result = totals([line(1, 2, 1250, name="Mug", sku="MUG-1")], [fixed_cart("five", 500)],
                    tax=TaxSettings(rates=rates), zones=[zone])  # fmt: skip
    # Items 25.00 - 5.00 = 20.00, tax 2.00; shipping 5.00 + 0.50 tax; total 27.50.
    wc = result.as_wc_dict(2)
    assert {k: wc[k] for k in ("discount_total", "discount_tax", "shipping_total", "shipping_tax",
                               "cart_tax", "total", "total_tax")} == {
        "discount_total": "5.00", "discount_tax": "0.50", "shipping_total": "5.00",
        "shipping_tax": "0.50", "cart_tax": "2.00", "total": "27.50", "total_tax": "2.50",
    }  # fmt: skip
    assert wc["line_items"][0] == {
        "product_id": 1, "variation_id": 0, "quantity": 2, "name": "Mug", "sku": "MUG-1",
        "tax_class": "", "subtotal": "25.00", "subtotal_tax": "2.50", "total": "20.00",
        "total_tax": "2.00", "taxes": [{"id": 1, "total": "2.00", "subtotal": "2.50"}],
    }  # fmt: skip
    assert wc["coupon_lines"] == [{"code": "five", "discount": "5.00", "discount_tax": "0.50"}]
    assert wc["tax_lines"][0]["rate_code"] == "US-SALES TAX-1"
    assert wc["shipping_lines"][0]["method_id"] == "flat_rate"
    store_api = result.as_store_api_totals()
    assert (store_api["total_price"], store_api["total_items"], store_api["total_discount"]) == (
        "2750",
        "2500",
        "500",
    )
    assert store_api["tax_lines"] == [{"name": "Sales tax", "price": "250", "rate": "10%"}]
    assert (store_api["currency_prefix"], store_api["currency_minor_unit"]) == ("$", 2)


# --- properties -----------------------------------------------------------------------------------

PROPERTY_RATES = (
    rate(1, "US", "7.25", state="CA"),
    rate(2, "US", "5"),
    rate(3, "", "1.5", priority=2, compound=True),
    rate(4, "US", "3", priority=3, shipping=False),
)
PROPERTY_ZONE = ShippingZone(1, "US", ("US",), (flat(1, 799), free(2, "either", 5000)))

lines_strategy = st.lists(
    st.builds(
        LineInput,
        product_id=st.integers(1, 6),
        quantity=st.integers(1, 4),
        unit_price_minor=st.integers(0, 9999),
        on_sale=st.booleans(),
        taxable=st.booleans(),
        needs_shipping=st.booleans(),
        category_ids=st.lists(st.integers(1, 3), max_size=2).map(tuple),
    ),
    min_size=1,
    max_size=5,
)


@st.composite
def coupons_strategy(draw):
    found = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["percent", "fixed_cart", "fixed_product"]))
        amount = Decimal(draw(st.integers(0, 10000))) / 100 if kind == "percent" else draw(
            st.integers(0, 20000))  # fmt: skip
        found.append(
            Coupon(
                id=index + 1,
                code=f"c{index}",
                discount_type=kind,
                amount=amount,
                exclude_sale_items=draw(st.booleans()),
                free_shipping=draw(st.booleans()),
            )
        )
    return found


@settings(max_examples=200)
@given(
    lines_strategy,
    coupons_strategy(),
    st.booleans(),
    st.booleans(),
    st.sampled_from([US_CA, Address(country="US", state="TX"), Address(country="IR")]),
)
def test_totals_add_up(lines, coupons, include_tax, round_at_subtotal, address):
    tax = TaxSettings(include_tax, round_at_subtotal, PROPERTY_RATES)
    result = totals(lines, coupons, address=address, tax=tax, zones=[PROPERTY_ZONE])
    assert result.total == (
        result.items_total + result.cart_tax + result.shipping_total + result.shipping_tax
    )
    assert result.total_tax == result.cart_tax + result.shipping_tax
    assert result.discount_total == sum(c.discount for c in result.coupon_lines)
    assert result.discount_tax == sum(c.discount_tax for c in result.coupon_lines)
    assert result.discount_total >= 0 and result.discount_tax >= 0
    for item in result.lines:
        assert 0 <= item.discount <= item.price  # a coupon never makes a line negative
        assert item.total >= 0 and item.total_tax >= 0
        assert item.total <= item.subtotal
    if include_tax:
        # The customer pays the (adjusted) shelf prices less the discounts, to the cent.
        paid = sum(item.price - item.discount for item in result.lines)
        assert result.items_total + result.cart_tax == paid
    if not round_at_subtotal:
        assert result.items_total == sum(item.total for item in result.lines)
        assert result.cart_tax == sum(item.total_tax for item in result.lines)
