"""Numbers typed into forms and search boxes: ASCII digits only, a form error otherwise."""

from __future__ import annotations

from license_support import issue, licensed_product
from textual.widgets import Input, Static, TabbedContent
from wait_support import until

from tui.app import ConsoleApp
from tui.modals.license_form import ExtendLicenseModal
from tui.text import parse_count


def test_parse_count_takes_ascii_digits_within_a_bound():
    assert parse_count(" 365 ", maximum=36_500) == 365
    for text in ("²", "۳۶۵", "٣", "3²", "-1", "+1", "1e3", "1_000", "", " ", "36501", "9" * 400):
        assert parse_count(text, maximum=36_500) is None, text


async def test_extend_with_a_superscript_is_a_form_error(runtime):
    product = await licensed_product(runtime.ctx)
    lic = await issue(runtime.ctx, product)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        app.push_screen(ExtendLicenseModal(lic))
        await until(
            lambda: isinstance(app.screen, ExtendLicenseModal) and app.screen.query("#days"),
            pilot,
            what="the Extend form is composed",
        )
        errors = app.screen.query_one("#form-errors", Static)
        for typed in ("²", "۱۰", "99999"):
            days = app.screen.query_one("#days", Input)
            days.value = typed
            days.focus()
            await pilot.press("enter")
            await until(lambda: str(errors.render()), pilot)
            assert isinstance(app.screen, ExtendLicenseModal)
            assert str(errors.render()).startswith("days: a whole number (digits 0-9)"), typed
            errors.update("")
        app.screen.query_one("#days", Input).value = "30"
        await pilot.click("#submit")
        await until(lambda: not isinstance(app.screen, ExtendLicenseModal), pilot)
        assert not isinstance(app.screen, ExtendLicenseModal)
        assert app.is_running and app.fatal_error is None


async def test_searching_orders_and_products_by_a_non_ascii_number(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await until(lambda: app.current_mode == "store", pilot)
        tries = (("orders", "#²"), ("orders", "۱۲"), ("products", "²"), ("customers", "³"))
        for tab, typed in tries:
            app.screen.query_one("#store-tabs", TabbedContent).active = f"tab-{tab}"
            widget = app.screen.query_one(f"#store-{tab}")
            widget.query_one(".tab-search", Input).value = typed
            count = widget.query_one(".tab-count", Static)
            await until(lambda c=count: "digits" in str(c.render()), pilot)
            assert str(count.render()) == "Numbers are searched with the digits 0-9.", (tab, typed)
        widget.query_one(".tab-search", Input).value = "#12"
        await until(lambda: str(count.render()) == "0 customers", pilot)
        assert app.is_running and app.fatal_error is None
