"""Money as integer minor units: parsing, rounding, REST strings and display strings."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING

from .errors import PricingError

if TYPE_CHECKING:
    from .model import StoreMoney

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)

# A small table; StoreMoney.symbol overrides it for anything else.
CURRENCY_SYMBOLS: dict[str, str] = {
    "AED": "د.إ",
    "AUD": "$",
    "BRL": "R$",
    "CAD": "$",
    "CHF": "CHF",
    "CNY": "¥",
    "EUR": "€",
    "GBP": "£",
    "INR": "₹",
    "IRR": "﷼",
    "IRT": "تومان",
    "JPY": "¥",
    "RUB": "₽",
    "SAR": "ر.س",
    "TRY": "₺",
    "USD": "$",
}

NBSP = "\u00a0"


def round_half_up(value: Fraction | Decimal | int) -> int:
    """Round to an integer, halves away from zero (PHP's default `round`)."""
    return _round(Fraction(value), halves_up=True)


def round_half_down(value: Fraction | Decimal | int) -> int:
    """Round to an integer, halves toward zero (PHP_ROUND_HALF_DOWN)."""
    return _round(Fraction(value), halves_up=False)


def _round(value: Fraction, *, halves_up: bool) -> int:
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    rest = magnitude - whole
    half = Fraction(1, 2)
    if rest > half or (halves_up and rest == half):
        whole += 1
    return sign * whole


# Far above any real price, far below SQLite's 64-bit integers.
MAX_MINOR_UNITS = 10**15


def parse_amount(
    value: str | int | float | Decimal,
    decimals: int,
    *,
    allow_negative: bool = False,
    field: str | None = None,
) -> int:
    """Parse "12.50", "12", 12.5 or Decimal into minor units, rounding half-up to `decimals`."""
    if isinstance(value, bool) or value is None:
        raise PricingError("invalid_amount", "Amount must be a number.", field)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr, so 0.1 parses as "0.1", not its binary expansion.
        number = _decimal_or_error(str(value), field)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _PLAIN_NUMBER.match(text):
            raise PricingError("invalid_amount", f'"{value}" is not a valid amount.', field)
        number = _decimal_or_error(text, field)
    else:
        raise PricingError("invalid_amount", "Amount must be a number.", field)
    if not number.is_finite():
        raise PricingError("invalid_amount", "Amount must be a finite number.", field)
    if number < 0 and not allow_negative:
        raise PricingError("invalid_amount", "Amount must not be negative.", field)
    if abs(number) * (Decimal(10) ** decimals) >= MAX_MINOR_UNITS:
        raise PricingError("invalid_amount", "Amount is too large.", field)
    scaled = (number * (Decimal(10) ** decimals)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(scaled)


def parse_optional_amount(
    value: str | int | float | Decimal | None, decimals: int, *, field: str | None = None
) -> int | None:
    """WooCommerce limits: None, "" and zero all mean "no limit"."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    minor = parse_amount(value, decimals, field=field)
    return minor or None


def _decimal_or_error(text: str, field: str | None) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise PricingError("invalid_amount", f'"{text}" is not a valid amount.', field) from exc


def format_amount(minor: int, decimals: int) -> str:
    """Minor units to a WooCommerce REST money string: 1250, 2 -> "12.50"."""
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(decimals + 1, "0")
    if decimals == 0:
        return sign + digits
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def currency_symbol(store: StoreMoney) -> str:
    if store.symbol is not None:
        return store.symbol
    return CURRENCY_SYMBOLS.get(store.currency.upper(), store.currency.upper())


def display_price(minor: int, store: StoreMoney) -> str:
    """Plain-text `wc_price`: separators, symbol and position from the store settings."""
    whole, _, fraction = format_amount(abs(minor), store.decimals).partition(".")
    grouped = _group_thousands(whole, store.thousand_separator)
    number = grouped + (store.decimal_separator + fraction if fraction else "")
    symbol = currency_symbol(store)
    layouts = {
        "left": f"{symbol}{number}",
        "right": f"{number}{symbol}",
        "left_space": f"{symbol}{NBSP}{number}",
        "right_space": f"{number}{NBSP}{symbol}",
    }
    text = layouts[store.currency_position]
    return f"-{text}" if minor < 0 else text


def _group_thousands(digits: str, separator: str) -> str:
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)
