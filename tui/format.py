"""One way to show values across the console: money in the shop's currency with its
separators, moments in one human format with the zone named, ages and countdowns.

Each returns a string of our own making (digits, separators, the shop's symbol), never
a piece of the input: a value that is not a date or a number shows as ``—``. Wrap the
result in ``tui.text.cell`` like any other value (the symbol may be right-to-left).
"""

from __future__ import annotations

from datetime import UTC, datetime

from service.common.clock import parse_iso
from service.pricing import PricingError, StoreMoney, display_price, parse_amount

# The shop keeps and serves every time in UTC (see service/catalog/rules.wc_date), so the
# console shows UTC and says so, whatever the admin's own terminal zone is.
ZONE = "UTC"
NONE = "—"


def moment(value: str | datetime | None, *, empty: str = NONE) -> str:
    """``2026-05-26 14:03 UTC``: an ISO timestamp (with or without a zone; none means
    UTC) or a datetime, to the minute; ``empty`` when there is none."""
    when = value if isinstance(value, datetime) else _parse(value)
    if when is None:
        return empty
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} {ZONE}"


def clock_time(epoch_seconds: float) -> str:
    """The time of day of a live event, ``14:03:07`` in UTC (the table says UTC)."""
    return f"{datetime.fromtimestamp(epoch_seconds, UTC):%H:%M:%S}"


def _parse(value: str | None) -> datetime | None:
    try:
        return parse_iso(value)
    except ValueError:
        return None


def ago(value: str | None, now: datetime) -> str:
    """'never', 'just now', '5 minutes ago', '2 hours ago', '3 days ago'."""
    then = _parse(value)
    if then is None:
        return "never"
    seconds = int((now - then).total_seconds())
    if seconds < 0:
        return "in the future"
    if seconds < 45:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size) if unit != "day" else seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def countdown(expires_at: str | None, now: datetime) -> str:
    """Minutes and seconds left, ``04:59``; ``00:00`` once over."""
    end = _parse(expires_at)
    left = max(0, int((end - now).total_seconds())) if end else 0
    return f"{left // 60:02d}:{left % 60:02d}"


def money(amount: str | int | float | None, store: StoreMoney) -> str:
    """A REST money value (``"1250.00"``, ``"1420000"``) as the shop prints prices:
    ``1,420,000 تومان``, ``$12.50``. Blank, or not a number: ``—``."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return NONE
    try:
        minor = parse_amount(amount, store.decimals, allow_negative=True)
    except PricingError:
        return NONE
    return display_price(minor, store)


def minor_money(minor: int | str | None, store: StoreMoney) -> str:
    """Integer minor units (the Store API's prices, ``"142000000"`` at 2 decimals)."""
    if minor is None or (isinstance(minor, str) and not minor.strip()):
        return NONE
    try:
        return display_price(int(minor), store)
    except ValueError:
        return NONE
