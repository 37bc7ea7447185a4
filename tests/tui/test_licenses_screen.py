"""The Licenses screen driven with the Pilot, as an admin would."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from license_support import issue, licensed_product
from table_support import records
from textual.widgets import Input, Static, TabbedContent
from wait_support import settled, until

from service.accounts import users as accounts
from service.common.clock import FrozenClock
from service.licensing import activation as license_activation
from service.licensing import admin as licenses
from service.licensing import oauth as license_oauth
from store import licenses as sql
from tui.app import ConsoleApp
from tui.modals.confirm import ConfirmModal
from tui.modals.license_activate import ActivateDomainModal
from tui.modals.license_detail import LicenseDetailModal
from tui.modals.license_form import ExtendLicenseModal, IssueLicenseModal
from tui.modals.reveal import RevealSecretModal

TOKEN = re.compile(r"act_[A-Za-z0-9]{40}")


@pytest.fixture
async def ctx(runtime):
    runtime.ctx.clock = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    return runtime.ctx


def rows(screen, table_id: str) -> list[dict[str, str]]:
    return records(screen, table_id)


def errors_shown(form) -> str:
    return str(form.query_one("#form-errors", Static).render())


async def wait_for(pilot, kind):
    await until(lambda: isinstance(pilot.app.screen, kind), pilot, what=f"{kind.__name__} open")
    return pilot.app.screen


async def wait_until(pilot, check):
    await until(check, pilot)


async def open_licenses(pilot):
    await pilot.press("6")
    await pilot.pause()
    assert pilot.app.current_mode == "licenses"
    await wait_until(pilot, lambda: pilot.app.screen.query_one("#license-table").row_count)


async def test_activate_on_a_domain_and_copy_the_token(runtime, ctx):
    product = await licensed_product(ctx, limit=2)
    lic = await issue(ctx, product)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45), notifications=True) as pilot:
        await open_licenses(pilot)
        assert rows(app.screen, "#license-table")[0]["key"] == lic["license_key"]
        await pilot.press("a")
        modal = await wait_for(pilot, ActivateDomainModal)
        modal.query_one("#domain", Input).value = "https://www.Customer-Shop.ir/"
        await pilot.click("#submit")
        reveal = await wait_for(pilot, RevealSecretModal)
        token = str(reveal.query_one("#secret", Static).render()).strip()
        assert TOKEN.fullmatch(token)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == token
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, RevealSecretModal))
        await wait_until(pilot, lambda: rows(app.screen, "#license-table")[0]["sites"] == "1/2")
        assert all(token not in c for r in rows(app.screen, "#license-table") for c in r.values())
    verdict = await license_activation.validate(
        ctx, lic["license_key"], activation_token=token, domain="customer-shop.ir"
    )
    assert verdict.valid
    activation = await sql.activation_for_domain(ctx.store, lic["id"], "customer-shop.ir")
    assert (
        activation["method"] == "console" and activation["activated_by"] is None
    )  # the operator has no id


async def test_activate_form_shows_errors_and_stays_open(runtime, ctx):
    product = await licensed_product(ctx, limit=1)
    lic = await issue(ctx, product)
    await license_activation.activate(ctx, lic["license_key"], "taken.com")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_licenses(pilot)
        await pilot.press("a")
        modal = await wait_for(pilot, ActivateDomainModal)
        modal.query_one("#domain", Input).value = "not a domain"
        await pilot.click("#submit")
        await settled(pilot)
        assert "not a valid domain" in errors_shown(modal)
        modal.query_one("#domain", Input).value = "second.com"
        await pilot.click("#submit")
        await settled(pilot)
        assert isinstance(app.screen, ActivateDomainModal)
        assert "1 of 1" in errors_shown(modal)


async def test_approve_a_pending_oauth_request_and_see_it_vanish(runtime, ctx):
    owner = await accounts.create_user(ctx, "owner@example.com", "owner-password", "customer")
    product = await licensed_product(ctx, method="oauth", limit=1)
    lic = await issue(ctx, product, customer_id=owner.id)
    pending = await license_activation.activate(
        ctx, lic["license_key"], "shop.ir", return_url="https://shop.ir/cb"
    )
    assert isinstance(pending, license_oauth.PendingApproval)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45), notifications=True) as pilot:
        await open_licenses(pilot)
        app.screen.query_one("#license-tabs", TabbedContent).active = "tab-pending"
        await settled(pilot)
        table_rows = rows(app.screen, "#pending-table")
        assert len(table_rows) == 1
        row = table_rows[0]
        domain, product_name, customer = row["domain"], row["product"], row["customer"]
        masked, expires_in = row["license"], row["expires in"]
        assert (domain, product_name, customer) == ("shop.ir", "Pro Plugin", "owner@example.com")
        assert lic["license_key"] not in masked and masked.endswith(lic["license_key"][-4:])
        assert expires_in == "15:00"
        ctx.clock.advance(seconds=75)
        app.screen.query_one("#pending-list").tick()
        assert rows(app.screen, "#pending-table")[0]["expires in"] == "13:45"
        app.screen.query_one("#pending-table").focus()
        await pilot.press("a")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("y")
        reveal = await wait_for(pilot, RevealSecretModal)
        token = str(reveal.query_one("#secret", Static).render()).strip()
        assert TOKEN.fullmatch(token)
        await pilot.press("c")
        assert app.clipboard == token
        await pilot.press("enter")
        await wait_until(pilot, lambda: not rows(app.screen, "#pending-table"))
    request = await sql.request_by_id(ctx.store, 1)
    assert request["status"] == "approved" and request["confirmed_by"] is None
    activation = await sql.activation_for_domain(ctx.store, lic["id"], "shop.ir")
    assert activation["method"] == "oauth" and activation["activated_by"] is None
    assert (await license_activation.validate(ctx, lic["license_key"], domain="shop.ir")).valid


async def test_deny_and_expired_requests_leave_the_list(runtime, ctx):
    product = await licensed_product(ctx, method="oauth")
    lic = await issue(ctx, product)
    for domain in ("one.ir", "two.ir"):
        await license_activation.activate(
            ctx, lic["license_key"], domain, return_url=f"https://{domain}/cb"
        )
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45), notifications=True) as pilot:
        await open_licenses(pilot)
        app.screen.query_one("#license-tabs", TabbedContent).active = "tab-pending"
        await settled(pilot)
        app.screen.query_one("#pending-table").focus()
        await pilot.press("n")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(rows(app.screen, "#pending-table")) == 1)
        ctx.clock.advance(minutes=15)
        app.screen.query_one("#pending-list").tick()
        assert rows(app.screen, "#pending-table") == []
    assert await license_oauth.pending_requests(ctx) == []


async def test_deactivate_a_site_with_confirmation(runtime, ctx):
    product = await licensed_product(ctx, limit=3)
    lic = await issue(ctx, product)
    for domain in ("a.ir", "b.ir"):
        await license_activation.activate(ctx, lic["license_key"], domain)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45), notifications=True) as pilot:
        await open_licenses(pilot)
        await pilot.press("enter")
        detail = await wait_for(pilot, LicenseDetailModal)
        assert [r["domain"] for r in rows(detail, "#activation-table")] == ["b.ir", "a.ir"]
        await pilot.press("x")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("n")  # changed my mind
        await wait_for(pilot, LicenseDetailModal)
        await pilot.press("x")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_until(
            pilot, lambda: rows(detail, "#activation-table")[-1]["status"] == "deactivated"
        )
        statuses = [r["status"] for r in rows(detail, "#activation-table")]
        assert statuses == ["active", "deactivated"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: rows(app.screen, "#license-table")[0]["sites"] == "1/3")
    verdict = await license_activation.validate(ctx, lic["license_key"], domain="b.ir")
    assert verdict.code == "site_inactive"


async def test_issue_disable_reenable_and_extend(runtime, ctx):
    await accounts.create_user(ctx, "buyer@example.com", "buyer-password", "customer")
    await licensed_product(ctx, limit=2, days=30)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45), notifications=True) as pilot:
        await pilot.press("6")
        await pilot.pause()
        app.screen.query_one("#license-table").focus()
        await pilot.press("i")
        form = await wait_for(pilot, IssueLicenseModal)
        form.query_one("#customer", Input).value = "nobody@example.com"
        await pilot.click("#submit")
        await settled(pilot)
        assert "no account" in str(form.query_one("#form-errors", Static).render())
        form.query_one("#customer", Input).value = "buyer@example.com"
        form.query_one("#limit", Input).value = "unlimited"
        await pilot.click("#submit")
        await wait_until(pilot, lambda: not isinstance(app.screen, IssueLicenseModal))
        await wait_until(pilot, lambda: rows(app.screen, "#license-table"))
        row = rows(app.screen, "#license-table")[0]
        key, expires = row["key"], row["expires"]
        assert (row["customer"], row["status"], row["sites"], row["source"]) == (
            "buyer@example.com",
            "inactive",
            "0/∞",
            "manual",
        )
        assert expires == "2026-03-31 09:00 UTC"

        await pilot.press("d")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_until(
            pilot, lambda: rows(app.screen, "#license-table")[0]["status"] == "disabled"
        )
        await pilot.press("d")
        await wait_for(pilot, ConfirmModal)
        await pilot.press("y")
        await wait_until(
            pilot, lambda: rows(app.screen, "#license-table")[0]["status"] == "inactive"
        )

        await pilot.press("t")
        extend = await wait_for(pilot, ExtendLicenseModal)
        extend.query_one("#days", Input).value = "10"
        await pilot.click("#submit")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExtendLicenseModal))
        await wait_until(
            pilot,
            lambda: rows(app.screen, "#license-table")[0]["expires"] == "2026-04-10 09:00 UTC",
        )
        await pilot.press("c")
        assert app.clipboard == key
    (lic,), _ = await licenses.list_licenses(ctx)
    assert lic["activation_limit"] is None and lic["created_by"] is None


async def test_search_and_status_filter(runtime, ctx):
    product = await licensed_product(ctx)
    first = await issue(ctx, product)
    await issue(ctx, product, status="revoked")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_licenses(pilot)
        assert len(rows(app.screen, "#license-table")) == 2
        await pilot.press("slash")
        await pilot.press(*first["license_key"][:9])
        await wait_until(pilot, lambda: len(rows(app.screen, "#license-table")) == 1)
        assert rows(app.screen, "#license-table")[0]["key"] == first["license_key"]
        app.screen.query_one("#license-search", Input).value = ""
        app.screen.query_one("#license-status").value = "revoked"
        await wait_until(
            pilot,
            lambda: [r["status"] for r in rows(app.screen, "#license-table")] == ["revoked"],
        )
