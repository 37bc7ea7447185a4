"""Over SSH the console is the signed-in person: their name and role in the header,
their rights on every screen (a shop manager manages no one else's account)."""

from __future__ import annotations

from ssh_support import Screen, connect
from textual.worker import Worker
from wait_support import until

from service.accounts import api_keys
from service.accounts import users as accounts
from service.audit import log as audit
from service.audit.log import AuditQuery
from tui.app import ConsoleApp

USERS_KEYS = ("SSH keys", "App password")


async def test_a_shop_manager_sees_only_their_own_account(ssh_runtime, admin_key, manager_key):
    async with await connect(ssh_runtime, "manager@example.com", manager_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as manager@example.com", "shop manager", what="the header")
        term.press("3")
        await term.shows(*USERS_KEYS, "manager@example.com", what="the Users screen")
        assert "admin@example.com" not in term.text
        assert "New user" not in term.text and "Change role" not in term.text
        term.press("c")  # not theirs: nothing opens
        term.press("q")
        await term.ended()
    assert (await accounts.get_user(ssh_runtime.ctx, manager_key.user.id)).role == "shop_manager"


async def test_a_shop_manager_revokes_their_own_api_key_over_ssh(
    ssh_runtime, admin_key, manager_key
):
    ctx = ssh_runtime.ctx
    mine = await api_keys.create(ctx, manager_key.user, manager_key.user.id, "Mine", "read")
    theirs = await api_keys.create(ctx, admin_key.user, admin_key.user.id, "Boss key", "read")
    async with await connect(ssh_runtime, "manager@example.com", manager_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as manager@example.com")
        term.press("3")
        await term.shows("manager@example.com", what="the Users screen")
        term.press("K")
        await term.shows("API keys and application passwords of manager@example.com", "Mine")
        assert "…" + mine.consumer_key[-7:] in term.text
        assert mine.consumer_key not in term.text and "Boss key" not in term.text
        term.press("d")
        await term.shows("Revoke the API key")
        term.press("y")
        await term.shows("Revoked the API key Mine")
    manager, admin = manager_key.user, admin_key.user
    assert await api_keys.list_for_user(ctx, manager, manager.id) == []
    assert [k.id for k in await api_keys.list_for_user(ctx, admin, admin.id)] == [theirs.info.id]
    _, [entry] = await audit.search(ctx, AuditQuery(action="api_key.revoke"))
    assert (entry.face, entry.actor.user_id) == ("ssh", manager_key.user.id)


async def test_the_administrator_sees_everyone_and_the_admin_keys(
    ssh_runtime, admin_key, manager_key
):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as admin@example.com", "administrator")
        term.press("3")
        await term.shows("New user", "Change role", "manager@example.com", "admin@example.com")


async def test_a_write_over_ssh_is_the_users_with_the_peer_address(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("signed in as admin@example.com")
        [session] = ssh_runtime.ssh.sessions
        app = session._console
        assert isinstance(app, ConsoleApp)
        # a worker the app starts (from its own task, as a key press would) writes
        workers: list[Worker[object]] = []
        rename = accounts.update_user(
            ssh_runtime.ctx, admin_key.user.id, display_name="Boss", actor=app.actor
        )
        app.call_later(lambda: workers.append(app.screen.run_worker(rename)))
        await until(lambda: workers, what="the worker started")
        [worker] = workers
        await worker.wait()
    _, [entry] = await audit.search(ssh_runtime.ctx, AuditQuery(action="user.update"))
    assert entry.face == "ssh" and entry.actor.user_id == admin_key.user.id
    assert entry.summary == {"email": "admin@example.com", "display_name": "Boss"}
    assert entry.address == "127.0.0.1"  # the client's IP, as on every face; no port
