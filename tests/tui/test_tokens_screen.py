"""The Tokens and Users screens driven with the Pilot, as an admin would."""

from __future__ import annotations

import re

from table_support import column, records, shown
from textual.widgets import DataTable, Input, Static
from wait_support import settled, until

from service.accounts import users as accounts
from service.common.errors import ServiceError
from service.integrations import tokens
from tui.app import ConsoleApp
from tui.modals.confirm import ConfirmModal
from tui.modals.reveal import RevealSecretModal
from tui.modals.token_form import GenerateTokenModal

TOKEN = re.compile(r"wc_sk_live_[a-z0-9]{40}")


async def open_tokens(pilot):
    await pilot.press("2")
    await pilot.pause()
    assert pilot.app.current_mode == "tokens"


async def generate(pilot, name: str) -> str:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(pilot.app.screen, GenerateTokenModal)
    pilot.app.screen.query_one("#name", Input).value = name
    await pilot.click("#generate")
    await until(lambda: isinstance(pilot.app.screen, RevealSecretModal), pilot)
    modal = pilot.app.screen
    assert isinstance(modal, RevealSecretModal)
    secret = str(modal.query_one("#secret", Static).render())
    assert TOKEN.fullmatch(secret.strip())
    return secret.strip()


async def test_generate_reveal_copy_and_close(runtime):
    await accounts.create_user(runtime.ctx, "owner@example.com", "owner-password", "shop_manager")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await open_tokens(pilot)
        secret = await generate(pilot, "فروشگاه اصلی")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == secret
        assert any("Copied" in n.message for n in app._notifications)
        await pilot.press("enter")
        await settled(pilot)
        assert not isinstance(app.screen, RevealSecretModal)
        rows = records(app.screen, "#token-table")
        assert [r["name"] for r in rows] == ["فروشگاه اصلی"]
        assert rows[0]["preview"] == f"{secret[:5]}...{secret[-6:]}"
        assert rows[0]["status"] == "active"
        # The secret is nowhere on screen any more, and it authenticates.
        assert all(secret not in cell for row in rows for cell in row.values())
        auth = await tokens.authenticate(runtime.ctx, secret, "127.0.0.1")
        assert auth.name == "فروشگاه اصلی"


async def test_form_errors_keep_the_form_open(runtime):
    app = ConsoleApp(runtime)
    await accounts.create_user(runtime.ctx, "owner@example.com", "owner-password", "customer")
    async with app.run_test(size=(140, 45)) as pilot:
        await open_tokens(pilot)
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "x" * 101
        app.screen.query_one("#ips", Input).value = "300.1.2.3"
        await pilot.click("#generate")
        await settled(pilot)
        assert isinstance(app.screen, GenerateTokenModal)
        errors = str(app.screen.query_one("#form-errors", Static).render())
        assert "name" in errors and "allowed_ips" in errors
        await pilot.press("escape")
        await pilot.pause()
        assert records(app.screen, "#token-table") == []


async def test_regenerate_then_revoke(runtime):
    await accounts.create_user(runtime.ctx, "owner@example.com", "owner-password", "customer")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_tokens(pilot)
        first = await generate(pilot, "Main store")
        await pilot.press("enter")
        await settled(pilot)

        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, RevealSecretModal), pilot)
        second = str(app.screen.query_one("#secret", Static).render()).strip()
        assert TOKEN.fullmatch(second) and second != first
        await pilot.press("c")
        assert app.clipboard == second
        await pilot.press("enter")
        await settled(pilot)
        try:
            await tokens.authenticate(runtime.ctx, first, "127.0.0.1")
            raise AssertionError("the old secret still works")
        except ServiceError as err:
            assert err.status == 401
        assert (await tokens.authenticate(runtime.ctx, second, "127.0.0.1")).name == "Main store"

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot)
        assert records(app.screen, "#token-table") == []
        await pilot.press("a")
        await settled(pilot)
        assert column(app.screen, "status", "#token-table") == ["revoked"]
        try:
            await tokens.authenticate(runtime.ctx, second, "127.0.0.1")
            raise AssertionError("a revoked token still works")
        except ServiceError as err:
            assert err.status == 401


async def test_users_screen_creates_a_user_and_a_token_for_them(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#email", Input).value = "shop@example.com"
        screen.query_one("#display-name", Input).value = "سارا"
        screen.query_one("#password", Input).value = "long enough password"
        await pilot.click("#create")
        await settled(pilot)
        rows = records(app.screen, "#user-table")
        assert [(r["email"], r["name"]) for r in rows] == [("shop@example.com", "سارا")]
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, GenerateTokenModal)
        app.screen.query_one("#name", Input).value = "Her store"
        await pilot.click("#generate")
        await until(lambda: isinstance(app.screen, RevealSecretModal), pilot)
        secret = str(app.screen.query_one("#secret", Static).render()).strip()
        auth = await tokens.authenticate(runtime.ctx, secret, "127.0.0.1")
        assert auth.user_email == "shop@example.com"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot)
        assert column(app.screen, "status", "#user-table") == ["inactive"]
        user = await accounts.find_user(runtime.ctx, "shop@example.com")
        assert user is not None and not user.is_active
        try:
            await tokens.authenticate(runtime.ctx, secret, "127.0.0.1")
            raise AssertionError("a deactivated user's token still works")
        except ServiceError as err:
            assert err.status == 401


async def test_details_show_the_tokens_recent_webhook_events(runtime):
    from support import OPERATOR

    from service.integrations import sync
    from tui.modals.token_detail import TokenDetailModal

    owner = await accounts.create_user(runtime.ctx, "o@example.com", "owner-password", "customer")
    issued = await tokens.generate(runtime.ctx, OPERATOR, name="Shop", user_id=owner.id)
    auth = await tokens.authenticate(runtime.ctx, issued.token, "127.0.0.1")
    await sync.handle_webhook(
        runtime.ctx,
        auth,
        {
            "event_id": "evt-1",
            "event_type": "product.created",
            "product": {"id": 41, "name": "Kettle", "price": "10", "regular_price": "10"},
        },
    )
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_tokens(pilot)
        await settled(pilot)
        await pilot.press("enter")
        await until(
            lambda: (
                isinstance(app.screen, TokenDetailModal)
                and records(app.screen, "#token-events")[0]["event"] != "no events yet"
            ),
            pilot,
        )
        assert isinstance(app.screen, TokenDetailModal)
        [event] = records(app.screen, "#token-events")
        assert event["event"] == "product.created" and event["product"] == "41"
        assert event["status"] == "processed" and event["event id"] == "evt-1"


async def test_persian_names_keep_the_table_aligned(runtime):
    from rich.cells import cell_len
    from support import OPERATOR

    owner = await accounts.create_user(runtime.ctx, "o@example.com", "owner-password", "customer")
    names = ["فروشگاه اصلی", "Main store", "می‌شود ۲"]
    for name in names:
        await tokens.generate(runtime.ctx, OPERATOR, name=name, user_id=owner.id)
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_tokens(pilot)
        await settled(pilot)
        table = app.screen.query_one("#token-table", DataTable)
        cells = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert sorted(shown(c) for c in cells) == sorted(names)  # intact (ZWNJ included)
        name_column = next(iter(table.columns.values()))
        assert name_column.content_width == max(cell_len(n) for n in [*names, "name"])
