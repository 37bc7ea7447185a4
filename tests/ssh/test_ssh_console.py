"""The console over SSH, as an admin sees it through a real SSH client and a terminal
emulator: the screens, several sessions at once, resizing, and the session's end."""

from __future__ import annotations

import asyncssh
import pytest
from ssh_support import Screen, connect
from wait_support import until

from service.accounts import users as accounts
from service.app.runtime import Runtime

DASHBOARD = "Requests per second"


def open_sessions(rt: Runtime) -> int:
    assert rt.ssh is not None
    return len(rt.ssh.sessions)


async def test_the_admin_sees_the_dashboard_then_the_tokens_screen(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 100, 30)
        await term.shows(DASHBOARD)
        await until(lambda: "signed in as admin@example.com" in term.lines[0], what="the header")
        term.press("2")
        await term.shows("Generate", "Revoke", what="the Tokens screen's keys in the footer")
        assert DASHBOARD not in term.text
        term.press("q")
        await term.ended()
        assert term.process.exit_status == 0
    await until(lambda: open_sessions(ssh_runtime) == 0, what="the session freed")


async def test_the_login_name_is_the_email_in_any_case(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "Admin@Example.COM", admin_key.key) as conn:
        term = await Screen.open(conn)
        await term.shows("signed in as admin@example.com")


async def test_two_sessions_at_once_each_on_its_own_screen(ssh_runtime, admin_key, manager_key):
    async with (
        await connect(ssh_runtime, "admin@example.com", admin_key.key) as first,
        await connect(ssh_runtime, "manager@example.com", manager_key.key) as second,
    ):
        admin = await Screen.open(first, 100, 30)
        manager = await Screen.open(second, 90, 28)
        await admin.shows(DASHBOARD, "signed in as admin@example.com")
        await manager.shows(DASHBOARD, "signed in as manager@example.com")
        assert open_sessions(ssh_runtime) == 2
        admin.press("2")
        await admin.shows("Generate", "Revoke")
        manager.press("4")
        await manager.shows("filter routes")
        assert DASHBOARD not in admin.text and "filter routes" not in admin.text
        assert "Revoke" not in manager.text
        # and the same person may hold two sessions of their own
        again = await Screen.open(first, 80, 24)
        await again.shows(DASHBOARD)
        assert "Revoke" in admin.text
        assert open_sessions(ssh_runtime) == 3


async def test_a_window_change_lays_the_console_out_again(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 100, 30)
        await term.shows(DASHBOARD)

        def footer_end() -> int:
            return len(term.lines[-1].rstrip())

        await until(lambda: 90 < footer_end() <= 100, what="the footer across 100 columns")
        term.resize(140, 40)
        await until(lambda: footer_end() > 130, what="the footer across 140 columns")
        assert "palette" in term.lines[39]
        term.resize(70, 20)
        await until(lambda: 60 < footer_end() <= 70 and "palette" in term.lines[19])


async def test_a_disconnect_stops_that_console_and_frees_it(ssh_runtime, admin_key):
    conn = await connect(ssh_runtime, "admin@example.com", admin_key.key)
    term = await Screen.open(conn)
    await term.shows(DASHBOARD)
    assert open_sessions(ssh_runtime) == 1
    conn.close()
    await until(lambda: open_sessions(ssh_runtime) == 0, what="the session count dropping")
    assert ssh_runtime.ssh is not None and not ssh_runtime.ssh.connections


async def test_at_the_session_limit_a_new_console_is_refused_with_a_reason(ssh_runtime, admin_key):
    ssh_runtime.settings.ssh_max_sessions = 1
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn)
        await term.shows(DASHBOARD)
        refused = await conn.create_process(term_type="xterm", term_size=(80, 24))
        await refused.wait_closed()
        assert refused.exit_status == 1
        assert "all 1 console sessions are in use" in await refused.stderr.read()
        assert open_sessions(ssh_runtime) == 1


async def test_an_idle_console_is_closed_with_a_reason(ssh_runtime, admin_key):
    ssh_runtime.settings.ssh_idle_timeout_s = 0.5
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn)
        await term.ended()
        assert b"without a key press" in term.received
        assert open_sessions(ssh_runtime) == 0


async def test_a_user_deactivated_cannot_sign_in_again(ssh_runtime, admin_key):
    assert ssh_runtime.ctx is not None
    # Another administrator first: the last active one cannot be deactivated.
    await accounts.create_user(
        ssh_runtime.ctx, "other@example.com", "a long password", "administrator"
    )
    await accounts.update_user(ssh_runtime.ctx, admin_key.user.id, is_active=False)
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "admin@example.com", admin_key.key)


async def test_stopping_the_runtime_ends_every_console(ssh_runtime, admin_key):
    conn = await connect(ssh_runtime, "admin@example.com", admin_key.key)
    term = await Screen.open(conn)
    await term.shows(DASHBOARD)
    assert ssh_runtime.ssh is not None
    await ssh_runtime.ssh.close()
    await term.ended()
    assert b"the server is stopping" in term.received
    assert not ssh_runtime.ssh.sessions
