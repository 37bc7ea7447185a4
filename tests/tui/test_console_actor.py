"""The console acts as someone: the local operator at this terminal, or the signed-in
user (over SSH, or `console --as`), and what it does is attributed to them."""

from __future__ import annotations

from support import OPERATOR, make_account
from table_support import records
from wait_support import settled, until

from service.accounts import users as accounts
from service.audit import log as audit
from service.audit.log import AuditQuery
from service.integrations import tokens
from tui.app import ConsoleApp


async def newest(ctx, action: str) -> audit.AuditEntry:
    _, found = await audit.search(ctx, AuditQuery(action=action), limit=1)
    assert found, f"no {action} entry"
    return found[0]


async def test_a_revoke_on_the_tokens_screen_is_the_local_operators(runtime):
    ctx = runtime.ctx
    owner = await accounts.create_user(ctx, "owner@example.com", "owner-password", "customer")
    await tokens.generate(ctx, OPERATOR, name="Main store", user_id=owner.id)
    app = ConsoleApp(runtime, actor=OPERATOR)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("2")
        await until(lambda: len(records(app.screen, "#token-table")) == 1, pilot)
        await pilot.press("d")  # revoke: the screen's worker writes
        await pilot.pause()
        await pilot.press("y")
        await until(lambda: records(app.screen, "#token-table") == [], pilot)
    entry = await newest(ctx, "token.revoke")
    assert (entry.face, entry.address) == ("console", None)
    assert entry.actor.kind == "operator"
    assert entry.actor.name == "tester@testhost (local console)"
    assert entry.actor.user_id is None and entry.summary == {"name": "Main store"}


async def test_the_default_actor_is_named_after_the_os_user_and_host(runtime):
    app = ConsoleApp(runtime)
    assert app.actor.is_admin and app.actor.id is None
    assert app.actor.display_name.endswith("(local console)") and "@" in app.actor.display_name
    assert app.user is None


async def test_a_shop_manager_sees_only_their_own_account_and_no_admin_keys(runtime):
    ctx = runtime.ctx
    await make_account(ctx, "boss@example.com", "administrator")
    manager = (await make_account(ctx, "shop@example.com", "shop_manager", "Shop")).user
    app = ConsoleApp(runtime, actor=manager)
    async with app.run_test(size=(140, 45)) as pilot:
        assert "signed in as shop@example.com (Shop, shop manager)" in app.sub_title
        await pilot.press("3")
        await until(lambda: len(records(app.screen, "#user-table")) == 1, pilot)
        await settled(pilot)
        assert [row["email"] for row in records(app.screen, "#user-table")] == [manager.email]
        for action in ("create", "role", "toggle_active", "unlock"):
            assert app.screen.check_action(action, ()) is False
        await pilot.press("c")  # hidden, so nothing opens
        await settled(pilot)
        assert app.screen.id == "users"
