"""Money: parsing, rounding, REST strings and display strings (integer minor units)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.pricing import (
    PricingError,
    StoreMoney,
    display_price,
    format_amount,
    parse_amount,
    parse_optional_amount,
    round_half_down,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("12.50", 2, 1250),
        ("12", 2, 1200),
        (" 12.5 ", 2, 1250),
        (12.5, 2, 1250),
        (12, 2, 1200),
        (0.1, 2, 10),  # parsed from "0.1", not 0.1000000000000000055...
        (Decimal("3.33"), 2, 333),
        ("1.005", 2, 101),  # half-up: 100.5 -> 101
        ("1.004", 2, 100),
        ("12.5", 0, 13),  # zero-decimal currency (IRR, JPY): 12.5 -> 13
        ("1.2345", 3, 1235),  # 1234.5 -> 1235
        (".5", 2, 50),
        ("+7", 2, 700),
        ("0", 2, 0),
    ],
)
def test_parse_amount_accepts_numbers_and_rounds_half_up(value, decimals, expected):
    assert parse_amount(value, decimals) == expected


@pytest.mark.parametrize(
    "value",
    ["abc", "", "  ", "NaN", "nan", "inf", "1e3", "1,000", "12.5.0", "--1", float("nan"),
     float("inf"), True, None, [12]],
)  # fmt: skip
def test_parse_amount_rejects_non_numbers(value):
    with pytest.raises(PricingError) as caught:
        parse_amount(value, 2, field="amount")
    assert caught.value.code == "invalid_amount"
    assert caught.value.field == "amount"


def test_parse_amount_rejects_negative_unless_allowed():
    with pytest.raises(PricingError, match="negative"):
        parse_amount("-1.00", 2)
    assert parse_amount("-1.005", 2, allow_negative=True) == -101  # half away from zero


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("  ", None), ("0", None), ("0.00", None), ("5", 500)],
)
def test_parse_optional_amount_treats_blank_and_zero_as_no_limit(value, expected):
    assert parse_optional_amount(value, 2) == expected


@pytest.mark.parametrize(
    ("minor", "decimals", "expected"),
    [
        (1250, 2, "12.50"),
        (5, 2, "0.05"),
        (0, 2, "0.00"),
        (-5, 2, "-0.05"),
        (-1250, 2, "-12.50"),
        (1200, 0, "1200"),
        (1235, 3, "1.235"),
        (123456789, 2, "1234567.89"),
    ],
)
def test_format_amount_gives_woocommerce_rest_strings(minor, decimals, expected):
    assert format_amount(minor, decimals) == expected


def test_display_price_left_with_thousands():
    assert display_price(123450, StoreMoney()) == "$1,234.50"


def test_display_price_negative_puts_sign_before_symbol():
    assert display_price(-500, StoreMoney()) == "-$5.00"


def test_display_price_euro_style_separators_right_space():
    store = StoreMoney(
        currency="EUR",
        currency_position="right_space",
        thousand_separator=".",
        decimal_separator=",",
    )
    assert display_price(123450, store) == "1.234,50\u00a0€"


def test_display_price_zero_decimals_and_persian_symbol():
    store = StoreMoney(currency="IRT", decimals=0, currency_position="right_space")
    assert display_price(1250000, store) == "1,250,000\u00a0تومان"


def test_display_price_symbol_override_and_unknown_currency():
    assert display_price(100, StoreMoney(currency="USD", symbol="US$")) == "US$1.00"
    assert display_price(100, StoreMoney(currency="XYZ", currency_position="right")) == "1.00XYZ"


def test_store_money_rejects_unknown_position():
    with pytest.raises(PricingError) as caught:
        StoreMoney(currency_position="middle")
    assert caught.value.field == "currency_position"


@pytest.mark.parametrize(
    ("value", "up", "down"),
    [
        (Fraction(5, 2), 3, 2),  # 2.5
        (Fraction(-5, 2), -3, -2),  # halves go away from / toward zero
        (Fraction(2499, 1000), 2, 2),
        (Fraction(2501, 1000), 3, 3),
        (Fraction(3), 3, 3),
        (Decimal("166.5"), 167, 166),
    ],
)
def test_round_half_up_and_half_down(value, up, down):
    assert round_half_up(value) == up
    assert round_half_down(value) == down


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=4))
def test_format_then_parse_round_trips(minor, decimals):
    assert parse_amount(format_amount(minor, decimals), decimals) == minor


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_parse_of_two_place_decimals_is_exact(value):
    assert parse_amount(str(value), 2) == int(value * 100)


@pytest.mark.parametrize("huge", [10**30, "1" + "0" * 30, 1e30, "999999999999999"])
def test_absurdly_large_amounts_are_a_pricing_error_not_a_crash(huge):
    with pytest.raises(PricingError, match="too large"):
        parse_amount(huge, 2)
