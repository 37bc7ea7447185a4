"""A console signed in as an account (over SSH, or ``console --as``) follows that
account as stored: deleted meanwhile, it ends saying so; the local operator's console
has no account to follow."""

from __future__ import annotations

from wait_support import settled

from service.accounts import customers
from service.accounts import users as accounts
from service.accounts.actors import local_operator
from tui.app import ConsoleApp

OPERATOR = local_operator("cli")


async def test_an_account_deleted_meanwhile_ends_the_console(runtime):
    ctx = runtime.ctx
    manager = await accounts.create_user(
        ctx, "manager@example.com", "a long password", "shop_manager"
    )
    app = ConsoleApp(runtime, actor=manager, face="ssh")
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        app.live.stop()  # both changes land before the console rereads the account
        await accounts.update_user(ctx, manager.id, role="customer", actor=OPERATOR)
        await customers.delete_customer(ctx, manager.id, force=True)
        assert await app.reread_user() is False
    assert app.signed_out == "shopkeep: signed out: the account manager@example.com was deleted."


async def test_the_local_operators_console_follows_no_account(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        assert await app.reread_user() is True
        assert app.is_running and app.signed_out == ""
