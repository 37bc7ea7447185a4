"""Who may open a console over SSH, and that nothing but a console is offered."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest
from ssh_support import address, connect, new_key
from wait_support import DEADLINE_S

from service.accounts import ssh_keys
from service.common import throttle


async def test_an_unknown_key_is_refused(ssh_runtime, admin_key):
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "admin@example.com", new_key())


async def test_a_key_of_another_user_does_not_open_this_users_console(
    ssh_runtime, admin_key, manager_key
):
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "admin@example.com", manager_key.key)


async def test_a_customers_key_is_refused(ssh_runtime, customer_key):
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "alice@example.com", customer_key.key)


async def test_an_unknown_user_is_refused(ssh_runtime):
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "nobody@example.com", new_key())


async def test_passwords_are_not_accepted(ssh_runtime, admin_key):
    host, port = address(ssh_runtime)
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            host,
            port,
            username="admin@example.com",
            password="long enough password",
            client_keys=None,
            known_hosts=None,
            agent_path=None,
            config=None,
        )


async def test_a_command_is_refused_with_a_clear_message(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        result = await conn.run("cat /etc/passwd")
        assert result.exit_status == 1
        assert result.stdout == ""
        assert "runs no commands, only the admin console" in str(result.stderr)
        port = address(ssh_runtime)[1]
        assert f"ssh -p {port} admin@example.com@" in str(result.stderr)


async def test_sftp_is_refused_with_a_clear_message(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        process = await conn.create_process(subsystem="sftp")
        await process.wait_closed()
        assert process.exit_status == 1
        assert "offers no sftp (no file transfer)" in await process.stderr.read()
        with pytest.raises((asyncssh.Error, OSError)):
            async with conn.start_sftp_client() as sftp:
                await sftp.listdir(".")


async def test_a_shell_without_a_terminal_is_refused(ssh_runtime, admin_key):
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        process = await conn.create_process()  # no term_type: no PTY
        await process.wait_closed()
        assert process.exit_status == 1
        assert "needs a terminal; ask for one with -t" in await process.stderr.read()
        assert ssh_runtime.ssh.sessions == set()


async def test_port_forwarding_is_refused(ssh_runtime, admin_key):
    host, api_port = ssh_runtime.address
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError) as refused:
            await conn.open_connection(host, api_port)
        assert refused.value.code == asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED
        assert "forwarding is refused" in refused.value.reason
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", api_port)


async def test_failed_sign_ins_are_throttled_like_passwords(ssh_runtime, admin_key):
    ssh_runtime.settings.throttle_account_ip = 2
    ssh_runtime.ctx.guesses = throttle.GuessThrottle(
        throttle.GuessLimits.from_settings(ssh_runtime.settings)
    )
    stranger = new_key()
    for _ in range(2):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(ssh_runtime, "admin@example.com", stranger)
    # now even the right key is refused from this address, with a banner saying why
    banners: list[str] = []

    class Client(asyncssh.SSHClient):
        def auth_banner_received(self, msg: str, lang: str) -> None:
            banners.append(msg)

    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "admin@example.com", admin_key.key, client_factory=Client)
    assert banners and "too many failed sign-in attempts" in banners[0]
    locks = await ssh_runtime.ctx.guesses.locks()
    assert "admin@example.com" in locks
    # the console's Unlock forgets them
    await ssh_runtime.ctx.guesses.unlock("admin@example.com")
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key):
        pass


async def test_one_connection_offering_many_keys_counts_once(ssh_runtime, admin_key):
    ssh_runtime.settings.throttle_account_ip = 2
    ssh_runtime.ctx.guesses = throttle.GuessThrottle(
        throttle.GuessLimits.from_settings(ssh_runtime.settings)
    )
    host, port = address(ssh_runtime)
    # an agent with several keys, the right one last: the sign-in succeeds, twice
    for _ in range(3):
        conn = await asyncssh.connect(
            host,
            port,
            username="admin@example.com",
            client_keys=[new_key(), new_key(), new_key(), admin_key.key],
            known_hosts=None,
            agent_path=None,
            config=None,
        )
        conn.close()
        await conn.wait_closed()


async def test_a_sign_in_records_when_the_key_was_last_used(ssh_runtime, admin_key):
    ctx = ssh_runtime.ctx
    assert (await ssh_keys.list_for_user(ctx, admin_key.user.id))[0].last_used_at is None
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key):
        pass
    # the server records it just after the sign-in succeeds: poll, within a deadline
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while (await ssh_keys.list_for_user(ctx, admin_key.user.id))[0].last_used_at is None:
        assert loop.time() < deadline, "last_used_at never recorded"
        await asyncio.sleep(0.01)


async def test_a_removed_key_no_longer_opens_the_console(ssh_runtime, admin_key):
    ctx = ssh_runtime.ctx
    fingerprint = admin_key.key.get_fingerprint("sha256")
    await ssh_keys.remove(ctx, admin_key.user.id, fingerprint)
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(ssh_runtime, "admin@example.com", admin_key.key)
