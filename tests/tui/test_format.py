"""One formatting of values (tui/format.py) and right-to-left isolation (tui/text.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from service.pricing import StoreMoney
from tui.format import ago, clock_time, countdown, minor_money, moment, money
from tui.text import FSI, PDI, cell, has_rtl, isolate, markup

NBSP = "\u00a0"
TOMAN = StoreMoney(currency="IRT", decimals=0, currency_position="right_space")
DOLLAR = StoreMoney(currency="USD", decimals=2)
EURO_DE = StoreMoney(
    currency="EUR",
    decimals=2,
    currency_position="right_space",
    thousand_separator=".",
    decimal_separator=",",
)


def test_money_uses_the_shops_currency_decimals_and_separators():
    assert money("1420000", TOMAN) == f"1,420,000{NBSP}تومان"
    assert money("1420000.00", TOMAN) == f"1,420,000{NBSP}تومان"  # the REST form of IRT
    assert money("1250.5", DOLLAR) == "$1,250.50"
    assert money("1234567.891", EURO_DE) == f"1.234.567,89{NBSP}€"
    assert money("-12.5", DOLLAR) == "-$12.50"
    assert money(0, DOLLAR) == "$0.00"


def test_money_never_shows_what_is_not_an_amount():
    for value in (None, "", "  ", "abc", "[b]1[/b]", "1e400", "NaN"):
        assert money(value, DOLLAR) == "—", value


def test_minor_units_are_shown_the_same_way():
    rial_cents = StoreMoney(currency="IRT", decimals=2, currency_position="right_space")
    assert minor_money("892100000", rial_cents) == f"8,921,000.00{NBSP}تومان"
    assert minor_money(1250, DOLLAR) == "$12.50"
    assert minor_money(None, DOLLAR) == minor_money("x", DOLLAR) == "—"


def test_moments_are_shown_to_the_minute_in_utc_with_the_zone_named():
    assert moment("2026-05-26T14:03:59Z") == "2026-05-26 14:03 UTC"
    assert moment("2026-05-26T14:03:00") == "2026-05-26 14:03 UTC"  # WooCommerce's form
    assert moment("2026-05-26T17:33:00+03:30") == "2026-05-26 14:03 UTC"
    tehran = timezone(timedelta(hours=3, minutes=30))
    assert moment(datetime(2026, 5, 26, 17, 33, tzinfo=tehran)) == "2026-05-26 14:03 UTC"
    assert moment(None) == moment("") == moment("not a date") == "—"
    assert moment(None, empty="never") == "never"
    assert clock_time(datetime(2026, 5, 26, 14, 3, 7, tzinfo=UTC).timestamp()) == "14:03:07"


def test_ages_and_countdowns():
    now = datetime(2026, 5, 26, 14, 0, tzinfo=UTC)
    assert ago(None, now) == "never"
    assert ago("2026-05-26T13:59:30Z", now) == "just now"
    assert ago("2026-05-26T13:55:00Z", now) == "5 minutes ago"
    assert ago("2026-05-23T13:00:00Z", now) == "3 days ago"
    assert ago("2026-05-26T15:00:00Z", now) == "in the future"
    assert countdown("2026-05-26T14:04:59Z", now) == "04:59"
    assert countdown("2026-05-26T13:00:00Z", now) == countdown(None, now) == "00:00"


def test_rtl_cells_are_isolated_so_columns_keep_their_order():
    name = cell("مهدی یوسفی")
    assert name.plain == f"{FSI}مهدی یوسفی{PDI}"
    assert name.cell_len == 10  # the marks take no room
    assert cell(f"966,000{NBSP}تومان").plain.startswith(FSI)
    assert cell("Main store").plain == "Main store"
    assert cell("۱۲۳ 456").plain == "۱۲۳ 456"  # digits alone have no direction of their own


def test_a_cut_rtl_cell_keeps_its_closing_mark():
    long = cell("فروشگاه " * 20, 12)
    assert long.plain.startswith(FSI) and long.plain.endswith(f"…{PDI}")
    assert long.cell_len == 12


def test_data_cannot_open_or_close_an_isolate_of_its_own():
    hostile = cell("abc\u2069\u202edef مهدی")
    assert hostile.plain == f"{FSI}abc⟨PDI⟩⟨RLO⟩def مهدی{PDI}"
    assert cell("\u2068x").plain == "⟨FSI⟩x"


def test_markup_values_with_rtl_text_are_isolated():
    content = markup("Revoke [b]$name[/b] ($preview)?", name="فروشگاه اصلی", preview="wc_sk…")
    assert content.plain == f"Revoke {FSI}فروشگاه اصلی{PDI} (wc_sk…)?"
    assert isolate("plain") == "plain"
    assert has_rtl("שלום") and has_rtl("سلام") and not has_rtl("٣ 3")
