"""The Users screen makes a WooCommerce API key: a form, then a one-time reveal."""

from __future__ import annotations

from support import OPERATOR
from textual.widgets import DataTable, Input, Static

from service.accounts import api_keys
from service.accounts import users as accounts
from tui.app import ConsoleApp
from tui.modals.api_key_form import ApiKeyFormModal
from tui.modals.reveal import RevealSecretModal


async def wait_for(pilot, condition) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("condition never held")


async def test_users_screen_creates_and_reveals_a_key_once(runtime):
    ctx = runtime.ctx
    user = await accounts.create_user(ctx, "shop@example.com", "long enough", "shop_manager")
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("3")
        await wait_for(
            pilot,
            lambda: (
                app.screen.query("#user-table")
                and app.screen.query_one("#user-table", DataTable).row_count == 1
            ),
        )
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, ApiKeyFormModal))
        await pilot.press("enter")  # empty description: the form stays, with the error
        await wait_for(
            pilot,
            lambda: "description" in str(app.screen.query_one("#form-errors", Static).render()),
        )
        app.screen.query_one("#description", Input).value = "[b]Sync[/b]"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RevealSecretModal))
        shown = str(app.screen.query_one("#secret", Static).render())
        ck, cs = shown.split("\n")
        assert ck.startswith("ck_") and cs.startswith("cs_")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RevealSecretModal))
    [key] = await api_keys.list_for_user(ctx, OPERATOR, user.id)
    assert key.description == "[b]Sync[/b]" and key.permissions == "read"
    assert key.truncated_key == ck[-7:]
