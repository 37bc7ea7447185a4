"""An SSH console holds the signed-in person's rights as they are now: a role changed
meanwhile takes effect, and someone who may no longer open a console is signed out
with a line saying why, whoever made the change and from wherever."""

from __future__ import annotations

from ssh_support import Screen, connect
from wait_support import until

from service.accounts import users as accounts
from service.accounts.actors import local_operator
from service.app.runtime import Runtime
from tui.app import ConsoleApp

OPERATOR = local_operator("cli")


def console_of(rt: Runtime) -> ConsoleApp:
    assert rt.ssh is not None
    [session] = rt.ssh.sessions
    app = session._console
    assert isinstance(app, ConsoleApp)
    return app


def open_sessions(rt: Runtime) -> int:
    assert rt.ssh is not None
    return len(rt.ssh.sessions)


async def test_a_demoted_administrator_goes_on_with_a_shop_managers_rights(ssh_runtime, admin_key):
    ctx = ssh_runtime.ctx
    await accounts.create_user(ctx, "other@example.com", "a long password", "administrator")
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as admin@example.com", "administrator")
        term.press("7")
        await term.shows("user.create", "ssh_key.add", what="the audit log")

        await accounts.update_user(ctx, admin_key.user.id, role="shop_manager", actor=OPERATOR)

        await term.shows("shop manager", "Only administrators can read the audit log.")
        assert "ssh_key.add" not in term.text
        app = console_of(ssh_runtime)
        assert app.actor.role == "shop_manager" and not app.actor.can("list_users")
        term.press("3")
        await term.shows("admin@example.com", what="the Users screen")
        assert "other@example.com" not in term.text and "Change role" not in term.text
        term.press("q")
        await term.ended()


async def test_a_deactivated_user_is_signed_out_saying_why(ssh_runtime, admin_key):
    ctx = ssh_runtime.ctx
    await accounts.create_user(ctx, "other@example.com", "a long password", "administrator")
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as admin@example.com")

        await accounts.update_user(ctx, admin_key.user.id, is_active=False, actor=OPERATOR)

        await term.ended()
        assert b"shopkeep: signed out: the account admin@example.com was deactivated." in (
            term.received
        )
    await until(lambda: open_sessions(ssh_runtime) == 0, what="the session freed")


async def test_a_shop_manager_made_a_customer_is_signed_out(ssh_runtime, manager_key):
    async with await connect(ssh_runtime, "manager@example.com", manager_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as manager@example.com")

        await accounts.update_user(
            ssh_runtime.ctx, manager_key.user.id, role="customer", actor=OPERATOR
        )

        await term.ended()
        assert b"signed out: manager@example.com is now a customer; only administrators" in (
            term.received
        )
    await until(lambda: open_sessions(ssh_runtime) == 0, what="the session freed")
