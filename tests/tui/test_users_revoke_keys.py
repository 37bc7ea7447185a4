"""The Users screen's ``K``: the selected user's WooCommerce API keys and application
passwords, each revoked after a confirmation; the API refuses it from then on. The
console's actor decides what may be seen and revoked, and data is shown as text."""

from __future__ import annotations

from typing import Any

import aiohttp
from hostile import ESCAPES, MARKUP, RAW
from support import OPERATOR, basic_auth, make_account
from table_support import records, shown
from textual.command import CommandPalette
from textual.widgets import DataTable, Static
from wait_support import settled, until

from service.accounts import api_keys
from service.accounts import users as accounts
from service.audit import log as audit
from service.audit.log import AuditQuery
from tui.app import ConsoleApp
from tui.modals.api_keys import ApiKeysModal
from tui.modals.confirm import ConfirmModal
from tui.screens.help import HelpScreen
from tui.text import cell

PRODUCTS = "/wp-json/woonoow/v1/products"
HTTPS = {"X-Forwarded-Proto": "https"}  # from a trusted proxy: Basic keys are accepted


def keys_shown(app: ConsoleApp) -> list[dict[str, str]]:
    return records(app.screen, "#api-key-table")


def passwords_shown(app: ConsoleApp) -> list[dict[str, str]]:
    return records(app.screen, "#app-password-table")


def errors(app: ConsoleApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def open_keys_of(app: ConsoleApp, pilot: Any, email: str) -> None:
    """Users screen, the row of ``email``, ``K``; until its lists are loaded."""
    await pilot.press("3")
    await until(lambda: email in [r["email"] for r in records(app.screen, "#user-table")], pilot)
    table = app.screen.query_one("#user-table", DataTable)
    table.move_cursor(row=[r["email"] for r in records(table)].index(email))
    await pilot.press("K")
    await until(lambda: isinstance(app.screen, ApiKeysModal), pilot)
    await settled(pilot)


async def status_with_key(runtime: Any, key: api_keys.NewApiKey) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            runtime.url + PRODUCTS,
            headers={**basic_auth(key.consumer_key, key.consumer_secret), **HTTPS},
        ) as resp,
    ):
        return resp.status


async def status_with_password(runtime: Any, email: str, password: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.get(runtime.url + PRODUCTS, headers=basic_auth(email, password)) as resp,
    ):
        return resp.status


async def test_the_list_shows_the_selected_users_keys_and_passwords_only(runtime):
    ctx = runtime.ctx
    shop = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    other = await accounts.create_user(ctx, "other@example.com", "long enough", "shop_manager")
    sync = await api_keys.create(ctx, OPERATOR, shop.id, "Shop sync", "read_write")
    await api_keys.create(ctx, OPERATOR, shop.id, "Reports", "read")
    theirs = await api_keys.create(ctx, OPERATOR, other.id, "Their key", "write")
    _, password = await accounts.create_app_password(ctx, shop.id, "Phone")
    await accounts.create_app_password(ctx, other.id, "Their phone")
    await accounts.authenticate_app_password(ctx, shop.email, password)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_keys_of(app, pilot, shop.email)
        await until(lambda: len(keys_shown(app)) == 2, pilot)
        first, second = keys_shown(app)
        assert first["description"] == "Shop sync" and second["description"] == "Reports"
        assert first["key"] == "…" + sync.consumer_key[-7:]  # as WooCommerce shows it
        assert (first["permissions"], second["permissions"]) == ("read_write", "read")
        assert first["created"].endswith(" UTC") and first["last access"] == "never"
        [phone] = passwords_shown(app)
        assert phone["name"] == "Phone" and phone["last used"].endswith(" UTC")
        picture = app.export_screenshot()
        for secret in (sync.consumer_key, sync.consumer_secret, theirs.consumer_key[-7:]):
            assert secret not in picture
        assert "Their" not in picture

        await pilot.press("escape")
        await until(lambda: app.screen.id == "users", pilot)
        await open_keys_of(app, pilot, other.email)
        await until(lambda: [k["description"] for k in keys_shown(app)] == ["Their key"], pilot)
        assert [p["name"] for p in passwords_shown(app)] == ["Their phone"]
        assert errors(app) == []


async def test_a_key_revoked_after_confirming_is_refused_by_the_api(runtime):
    ctx = runtime.ctx
    ctx.settings.trusted_proxies = ("127.0.0.1",)
    shop = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    leaked = await api_keys.create(ctx, OPERATOR, shop.id, "Leaked", "read")
    kept = await api_keys.create(ctx, OPERATOR, shop.id, "Kept", "read")
    assert await status_with_key(runtime, leaked) == 200
    app = ConsoleApp(runtime, actor=OPERATOR)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_keys_of(app, pilot, shop.email)
        await until(lambda: len(keys_shown(app)) == 2, pilot)

        await pilot.press("d")  # the first row, "Leaked"; cancelled: nothing happens
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        question = str(app.screen.query_one("#question", Static).render())
        assert "Leaked" in question and "…" + leaked.consumer_key[-7:] in question
        await pilot.press("n")
        await until(lambda: isinstance(app.screen, ApiKeysModal), pilot)
        await settled(pilot)
        assert len(keys_shown(app)) == 2
        assert await status_with_key(runtime, leaked) == 200

        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("y")
        await until(
            lambda: (
                isinstance(app.screen, ApiKeysModal)
                and [k["description"] for k in keys_shown(app)] == ["Kept"]
            ),
            pilot,
        )
        assert errors(app) == []
    assert await status_with_key(runtime, leaked) == 401
    assert await status_with_key(runtime, kept) == 200
    _, [entry] = await audit.search(ctx, AuditQuery(action="api_key.revoke"), limit=10)
    assert (entry.face, entry.actor.kind) == ("console", "operator")
    assert entry.target_id == str(leaked.info.id)


async def test_an_application_password_revoked_after_confirming_no_longer_signs_in(runtime):
    ctx = runtime.ctx
    shop = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    await api_keys.create(ctx, OPERATOR, shop.id, "Shop sync", "read")
    uuid, password = await accounts.create_app_password(ctx, shop.id, "Old laptop")
    assert await status_with_password(runtime, shop.email, password) == 200
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_keys_of(app, pilot, shop.email)
        await until(lambda: len(passwords_shown(app)) == 1, pilot)
        await pilot.press("tab")  # from the keys to the passwords
        await until(lambda: app.focused and app.focused.id == "app-password-table", pilot)
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await pilot.press("escape")  # cancelled
        await until(lambda: isinstance(app.screen, ApiKeysModal), pilot)
        await settled(pilot)
        assert await status_with_password(runtime, shop.email, password) == 200

        await pilot.click("#revoke")  # the button revokes from the last list focused
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        assert "Old laptop" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, ApiKeysModal), pilot)
        await until(lambda: passwords_shown(app) == [], pilot)
        assert len(keys_shown(app)) == 1  # the keys are another list
        assert errors(app) == []
    assert await status_with_password(runtime, shop.email, password) == 401
    _, [entry] = await audit.search(ctx, AuditQuery(action="app_password.revoke"), limit=10)
    assert (entry.target_id, entry.summary) == (uuid, {"user_id": shop.id, "label": "Old laptop"})


async def test_a_shop_managers_console_lists_and_revokes_only_their_own(runtime):
    ctx = runtime.ctx
    boss = (await make_account(ctx, "boss@example.com", "administrator")).user
    manager = (await make_account(ctx, "shop@example.com", "shop_manager")).user
    customer = await accounts.create_user(ctx, "alice@example.com", "long enough", "customer")
    await api_keys.create(ctx, OPERATOR, manager.id, "Mine", "read")
    theirs = await api_keys.create(ctx, OPERATOR, customer.id, "Alice's", "read")
    await accounts.create_app_password(ctx, customer.id, "Alice's phone")
    app = ConsoleApp(runtime, actor=manager)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_keys_of(app, pilot, manager.email)  # the only user they see
        await until(lambda: [k["description"] for k in keys_shown(app)] == ["Mine"], pilot)
        await pilot.press("escape")
        await until(lambda: app.screen.id == "users", pilot)

        app.push_screen(ApiKeysModal(customer))  # as if another's row were there
        await until(lambda: errors(app) == ["You may manage only your own API keys."], pilot)
        await settled(pilot)
        assert keys_shown(app) == [] and passwords_shown(app) == []
        await pilot.press("d")
        await settled(pilot)
        assert isinstance(app.screen, ApiKeysModal)
        assert app.is_running and len(errors(app)) == 1
    assert [k.id for k in await api_keys.list_for_user(ctx, boss, customer.id)] == [theirs.info.id]


async def test_a_revoke_is_refused_once_the_signed_in_admin_is_demoted(runtime):
    """An administrator signed in over SSH opens a customer's keys; demoted to shop
    manager while the confirmation is open, their yes is refused by the service."""
    ctx = runtime.ctx
    await make_account(ctx, "root@example.com", "administrator")
    boss = (await make_account(ctx, "boss@example.com", "administrator")).user
    customer = await accounts.create_user(ctx, "alice@example.com", "long enough", "customer")
    key = await api_keys.create(ctx, OPERATOR, customer.id, "Alice's", "read")
    app = ConsoleApp(runtime, actor=boss)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_keys_of(app, pilot, customer.email)
        await until(lambda: len(keys_shown(app)) == 1, pilot)
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        await accounts.update_user(ctx, boss.id, role="shop_manager", actor=OPERATOR)
        await until(lambda: not app.actor.is_admin, pilot)
        await pilot.press("y")
        await until(lambda: "No such API key." in errors(app), pilot)
        await settled(pilot)
        assert isinstance(app.screen, ApiKeysModal) and keys_shown(app) == []
        assert app.is_running
    assert [k.id for k in await api_keys.list_for_user(ctx, OPERATOR, customer.id)] == [key.info.id]


async def test_hostile_descriptions_and_labels_are_shown_as_text(runtime):
    ctx = runtime.ctx
    shop = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    hostile = MARKUP + ESCAPES
    for text in hostile:
        await api_keys.create(ctx, OPERATOR, shop.id, text, "read")
        await accounts.create_app_password(ctx, shop.id, text[:100])
    app = ConsoleApp(runtime)
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        await open_keys_of(app, pilot, shop.email)
        await until(lambda: len(keys_shown(app)) == len(hostile), pilot)
        await until(lambda: len(passwords_shown(app)) == len(hostile), pilot)
        descriptions = [k["description"] for k in keys_shown(app)]
        assert descriptions == [shown(cell(text.strip(), 30)) for text in hostile]
        labels = {p["name"] for p in passwords_shown(app)}
        assert labels == {shown(cell(text[:100].strip(), 40)) for text in hostile}
        for literal in (
            "[/]",
            "[bold red]x",
            "[@click=app.quit]quit[/]",
            "$name \\[b] [b]not bold",
        ):
            assert literal in [k["description"] for k in keys_shown(app)]
            assert literal in [p["name"] for p in passwords_shown(app)]
        picture = app.export_screenshot()
        for raw in RAW:
            assert raw not in picture

        table = app.screen.query_one("#api-key-table", DataTable)
        table.move_cursor(row=hostile.index("[@click=app.quit]quit[/]"))
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, ConfirmModal), pilot)
        question = str(app.screen.query_one("#question", Static).render())
        assert "Revoke the API key [@click=app.quit]quit[/] (…" in question
        await pilot.press("y")
        await until(lambda: len(keys_shown(app)) == len(hostile) - 1, pilot)
        assert app.is_running and errors(app) == []


async def test_the_palette_opens_it_and_help_names_its_key(runtime):
    ctx = runtime.ctx
    shop = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    await api_keys.create(ctx, OPERATOR, shop.id, "Shop sync", "read")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("3")
        await settled(pilot)
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        help_table = app.screen.query_one("#help-keys", DataTable)
        rows = [[str(c) for c in help_table.get_row_at(i)] for i in range(help_table.row_count)]
        assert ["K", "List and revoke the user's API keys, app passwords"] in [
            row[:2] for row in rows
        ]
        await pilot.press("escape")
        await settled(pilot)

        await pilot.press("ctrl+p")
        await until(lambda: isinstance(app.screen, CommandPalette), pilot)
        await pilot.press(*"Revoke an API key")
        await settled(pilot)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, ApiKeysModal), pilot)
        await until(lambda: [k["description"] for k in keys_shown(app)] == ["Shop sync"], pilot)
