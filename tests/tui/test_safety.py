"""Issue 14's safety rules in the console: what cannot be undone asks first, naming
the object (No leaves everything as it was, Yes applies); the last active
administrator stays; an application password is named before it is made."""

from __future__ import annotations

from license_support import issue, licensed_product
from support import OPERATOR, make_account
from table_support import cell_text
from textual.widgets import DataTable, Input, Select, Static
from wait_support import settled, until

from service.accounts import users as accounts
from service.common.errors import ServiceError
from service.integrations import tokens
from service.licensing import admin as licenses
from tui.app import ConsoleApp
from tui.modals.app_password_form import AppPasswordModal
from tui.modals.confirm import ConfirmModal
from tui.modals.reveal import RevealSecretModal
from tui.modals.user_form import RoleModal


def question(app) -> str:
    assert isinstance(app.screen, ConfirmModal)
    return str(app.screen.query_one("#question", Static).render())


async def open_screen(pilot, key: str, table_id: str, rows: int = 1) -> DataTable:
    await pilot.press(key)
    await until(
        lambda: pilot.app.screen.query_one(table_id, DataTable).row_count >= rows,
        pilot,
        what=f"{table_id} filled",
    )
    table = pilot.app.screen.query_one(table_id, DataTable)
    table.focus()
    return table


async def choose(pilot, table: DataTable, key: object) -> None:
    table.move_cursor(row=table.get_row_index(str(key)))
    await settled(pilot)


async def change_role(pilot, role: str) -> None:
    await pilot.press("e")
    await until(lambda: isinstance(pilot.app.screen, RoleModal), pilot)
    pilot.app.screen.query_one("#role", Select).value = role
    await pilot.click("#save")
    await until(lambda: isinstance(pilot.app.screen, ConfirmModal), pilot)


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def test_role_changes_confirm_and_the_last_admin_stays(runtime):
    ctx = runtime.ctx
    first = (await make_account(ctx, "first@example.com", "administrator")).user
    second = (await make_account(ctx, "second@example.com", "administrator")).user
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        table = await open_screen(pilot, "3", "#user-table", rows=2)
        await choose(pilot, table, first.id)
        await change_role(pilot, "customer")
        assert "Change the role of user first@example.com from administrator to customer?" in (
            question(app)
        )
        await pilot.press("n")
        await settled(pilot)
        assert (await accounts.get_user(ctx, first.id)).role == "administrator"

        await change_role(pilot, "customer")
        await pilot.press("y")
        await until(lambda: (first.id, "customer") in shown_roles(table), pilot)

        await choose(pilot, table, second.id)
        await change_role(pilot, "shop_manager")
        await pilot.press("y")
        await until(lambda: errors(app), pilot, what="the refusal is shown")
        assert "second@example.com is the last active administrator" in errors(app)[0]
        assert (await accounts.get_user(ctx, second.id)).role == "administrator"

        await pilot.press("x")  # deactivating the last administrator is refused alike
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        assert "Deactivate user second@example.com?" in question(app)
        await pilot.press("y")
        await until(lambda: len(errors(app)) == 2, pilot)
        assert (await accounts.get_user(ctx, second.id)).is_active


def shown_roles(table: DataTable) -> set[tuple[int, str]]:
    return {
        (int(cell_text(table, i, "id")), cell_text(table, i, "role"))
        for i in range(table.row_count)
    }


async def test_deactivating_a_user_asks_first(runtime):
    ctx = runtime.ctx
    shop = (await make_account(ctx, "shop@example.com", "shop_manager")).user
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_screen(pilot, "3", "#user-table")
        await choose(pilot, table, shop.id)
        await pilot.press("x")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        assert "Deactivate user shop@example.com?" in question(app)
        await pilot.press("escape")
        await settled(pilot)
        assert (await accounts.get_user(ctx, shop.id)).is_active
        await pilot.press("x")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("y")
        await settled(pilot)
        assert not (await accounts.get_user(ctx, shop.id)).is_active


async def test_token_regenerate_and_revoke_cancelled_leave_it_working(runtime):
    ctx = runtime.ctx
    owner = await accounts.create_user(ctx, "owner@example.com", "owner-password", "customer")
    issued = await tokens.generate(ctx, OPERATOR, name="Main store", user_id=owner.id)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_screen(pilot, "2", "#token-table")
        for key, verb in (("r", "Regenerate"), ("d", "Revoke")):
            await pilot.press(key)
            await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
            assert f'{verb} token "Main store"' in question(app)
            await pilot.press("n")
            await settled(pilot)
            assert (await tokens.authenticate(ctx, issued.token, "127.0.0.1")).name == "Main store"
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("y")
        await settled(pilot)
        try:
            await tokens.authenticate(ctx, issued.token, "127.0.0.1")
            raise AssertionError("a revoked token still works")
        except ServiceError as err:
            assert err.status == 401


async def test_disabling_a_license_asks_first(runtime):
    ctx = runtime.ctx
    lic = await issue(ctx, await licensed_product(ctx, limit=2))
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_screen(pilot, "6", "#license-table")
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        assert f"Disable license {lic['license_key']}?" in question(app)
        await pilot.press("n")
        await settled(pilot)
        assert (await licenses.get_license(ctx, lic["id"]))["status"] == lic["status"]
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("y")
        await settled(pilot)
        assert (await licenses.get_license(ctx, lic["id"]))["status"] == "disabled"


async def test_an_application_password_needs_a_label(runtime):
    ctx = runtime.ctx
    user = await accounts.create_user(ctx, "app@example.com", "long enough", "shop_manager")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_screen(pilot, "3", "#user-table")
        await choose(pilot, table, user.id)
        await pilot.press("p")  # nothing is created yet: a form asks for the label
        await until(lambda: isinstance(app.screen, AppPasswordModal), pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert "label: Use 1 to 100 characters." in str(
            app.screen.query_one("#form-errors", Static).render()
        )
        app.screen.query_one("#label", Input).value = "Phone app"
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, RevealSecretModal), pilot)
        password = str(app.screen.query_one("#secret", Static).render()).strip()
        await pilot.press("escape")
        await settled(pilot)
    signed_in = await accounts.authenticate_app_password(ctx, user.email, password)
    assert signed_in.id == user.id


async def test_licenses_page_past_the_first_hundred(runtime):
    ctx = runtime.ctx
    product = await licensed_product(ctx, limit=1)
    for _ in range(105):
        await issue(ctx, product)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(150, 45)) as pilot:
        table = await open_screen(pilot, "6", "#license-table", rows=100)
        assert table.row_count == 100
        await pilot.press("ctrl+end")
        await until(lambda: table.row_count == 105, pilot, what="the next page loaded")
        assert "105 licenses" in str(app.screen.query_one("#license-count", Static).render())
