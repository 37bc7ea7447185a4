"""Registering SSH keys: what is accepted, the fingerprint OpenSSH prints, and the CLI."""

from __future__ import annotations

import subprocess
import sys

import asyncssh
import pytest
from ssh_support import new_key, public_line
from support import REPO, make_account

from service.accounts import ssh_keys
from service.common.errors import ServiceError


def field_error(err: pytest.ExceptionInfo[ServiceError]) -> str:
    return " ".join(err.value.fields["public_key"])


async def test_a_key_is_known_by_the_fingerprint_openssh_prints(ctx, admin):
    key = new_key("me@laptop")
    added = await ssh_keys.add(ctx, admin.user.id, "\n" + public_line(key) + "\n")
    assert added.fingerprint == key.get_fingerprint("sha256")
    assert added.fingerprint.startswith("SHA256:") and not added.fingerprint.endswith("=")
    assert added.key_type == "ssh-ed25519"
    assert added.comment == "me@laptop"
    assert added.public_key == public_line(key).rsplit(" ", 1)[0]
    assert [k.fingerprint for k in await ssh_keys.list_for_user(ctx, admin.user.id)] == [
        added.fingerprint
    ]


async def test_the_same_key_twice_for_one_user_is_refused(ctx, admin, manager):
    line = public_line(new_key())
    await ssh_keys.add(ctx, admin.user.id, line)
    with pytest.raises(ServiceError) as err:
        await ssh_keys.add(ctx, admin.user.id, line)
    assert "already has the key SHA256:" in field_error(err)
    await ssh_keys.add(ctx, manager.user.id, line)  # another user may hold the same key


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Paste one public key"),
        ("ssh-ed25519 not-base64", "not an SSH public key"),
        ("hello world", "not an SSH public key"),
    ],
)
async def test_what_is_not_a_public_key_is_refused(ctx, admin, text, says):
    with pytest.raises(ServiceError) as err:
        await ssh_keys.add(ctx, admin.user.id, text)
    assert says in field_error(err)


async def test_a_private_key_is_refused_and_not_kept(ctx, admin):
    private = new_key().export_private_key().decode()
    with pytest.raises(ServiceError) as err:
        await ssh_keys.add(ctx, admin.user.id, private)
    assert "That is a private key" in field_error(err)
    assert await ssh_keys.list_for_user(ctx, admin.user.id) == []


async def test_weak_keys_are_refused(ctx, admin):
    rsa = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    with pytest.raises(ServiceError) as err:
        await ssh_keys.add(ctx, admin.user.id, public_line(rsa))
    assert "at least 2048 bits" in field_error(err)


async def test_two_keys_on_one_line_are_refused(ctx, admin):
    text = public_line(new_key()) + public_line(new_key())
    with pytest.raises(ServiceError) as err:
        await ssh_keys.add(ctx, admin.user.id, text)
    assert "one key at a time" in field_error(err)


async def test_remove_takes_the_fingerprint_with_or_without_its_prefix(ctx, admin):
    first = await ssh_keys.add(ctx, admin.user.id, public_line(new_key()))
    second = await ssh_keys.add(ctx, admin.user.id, public_line(new_key()))
    await ssh_keys.remove(ctx, admin.user.id, first.fingerprint)
    await ssh_keys.remove(ctx, admin.user.id, second.fingerprint.removeprefix("SHA256:"))
    assert await ssh_keys.list_for_user(ctx, admin.user.id) == []
    with pytest.raises(ServiceError) as err:
        await ssh_keys.remove(ctx, admin.user.id, first.fingerprint)
    assert err.value.status == 404


async def test_only_active_admins_and_managers_may_open_the_console(ctx, admin, customer):
    key = new_key()
    fingerprint = key.get_fingerprint("sha256")
    for account in (admin, customer):
        await ssh_keys.add(ctx, account.user.id, public_line(key))
    assert (await ssh_keys.console_user(ctx, "ADMIN@example.com", fingerprint)).id == admin.user.id
    assert await ssh_keys.console_user(ctx, "alice@example.com", fingerprint) is None
    assert await ssh_keys.console_user(ctx, "admin@example.com", "SHA256:other") is None


# -- the CLI ------------------------------------------------------------------------------
def _run(db, *args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), "--db", str(db), "users", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_cli_adds_lists_and_removes_keys(tmp_path, ctx):
    await make_account(ctx, "boss@example.com", "administrator")
    await make_account(ctx, "carol@example.com", "customer")
    db = ctx.settings.db
    await ctx.close()
    key = new_key("boss@laptop")
    fingerprint = key.get_fingerprint("sha256")
    pub = tmp_path / "id_ed25519.pub"
    pub.write_text(public_line(key))

    added = _run(db, "ssh-key", "add", "boss@example.com", str(pub))
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added {fingerprint} (ssh-ed25519) for boss@example.com"
    listed = _run(db, "ssh-key", "list", "boss@example.com")
    assert listed.stdout.startswith(fingerprint) and "boss@laptop" in listed.stdout
    again = _run(db, "ssh-key", "add", "boss@example.com", "-", stdin=public_line(key))
    assert again.returncode == 1 and "already has the key" in again.stderr
    other = public_line(new_key())
    customer = _run(db, "ssh-key", "add", "carol@example.com", "-", stdin=other)
    assert customer.returncode == 0
    assert "only active administrators and shop managers may open the console" in customer.stderr
    removed = _run(db, "ssh-key", "remove", "boss@example.com", fingerprint)
    assert removed.returncode == 0, removed.stderr
    assert _run(db, "ssh-key", "list", "boss@example.com").stdout == ""
    unknown = _run(db, "ssh-key", "list", "nobody@example.com")
    assert unknown.returncode == 1 and "no user with email" in unknown.stderr
