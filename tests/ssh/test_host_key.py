"""The SSH server's host key: made once beside the database, private, and stable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from service.app.runtime import Runtime, StartupError
from service.ssh import host_key
from tui.ssh import console_factory


def test_the_host_key_is_made_once_with_mode_0600_and_then_reused(tmp_path):
    path = tmp_path / "shop.db.ssh_host_ed25519_key"
    key, created = host_key.load_or_create(str(path))
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.get_algorithm() == "ssh-ed25519"
    again, created_again = host_key.load_or_create(str(path))
    assert not created_again
    assert host_key.fingerprint(again) == host_key.fingerprint(key)
    assert host_key.fingerprint(key).startswith("SHA256:")


def test_a_host_key_others_may_read_is_refused(tmp_path):
    path = tmp_path / "shop.db.ssh_host_ed25519_key"
    host_key.load_or_create(str(path))
    path.chmod(0o644)
    with pytest.raises(host_key.HostKeyError, match="chmod 600"):
        host_key.load_or_create(str(path))


async def test_the_runtime_announces_the_fingerprint_of_the_key_beside_the_database(settings):
    settings.port = 0
    settings.ssh_port = 0
    rt = Runtime(settings)
    await rt.open()
    try:
        notice = await rt.start_ssh(console_factory(rt))
        path = Path(settings.db + ".ssh_host_ed25519_key")
        key, _ = host_key.load_or_create(str(path))
        assert rt.ssh is not None
        assert f"host key ED25519 {host_key.fingerprint(key)} (new)" in notice
        assert f"ssh -p {rt.ssh.address[1]} EMAIL@127.0.0.1" in notice
    finally:
        await rt.close()


async def test_a_taken_ssh_port_is_one_line(settings):
    settings.ssh_port = 0
    first = Runtime(settings)
    await first.open()
    try:
        await first.start_ssh(console_factory(first))
        assert first.ssh is not None and first.ssh.address is not None
        settings.ssh_port = first.ssh.address[1]
        second = Runtime(settings)
        await second.open()
        try:
            with pytest.raises(StartupError, match=f"SSH port {settings.ssh_port} .* in use"):
                await second.start_ssh(console_factory(second))
        finally:
            await second.close()
    finally:
        await first.close()


def _serve_settings(*flags: str):
    import run

    return run.settings_from(run.build_parser().parse_args(["serve", *flags]))


def test_the_host_key_file_is_beside_sqlite_in_the_working_directory_on_postgresql_or_given():
    assert _serve_settings("--db", "/srv/shop.db").ssh_host_key_file == (
        "/srv/shop.db.ssh_host_ed25519_key"
    )
    on_postgres = _serve_settings("--db", "postgresql://shop@db.example/shopkeep")
    assert on_postgres.ssh_host_key_file == "shopkeep.ssh_host_ed25519_key"
    given = _serve_settings("--db", "postgresql://shop@db.example/shopkeep", "--ssh-host-key",
                            "/etc/shopkeep/host_key")  # fmt: skip
    assert given.ssh_host_key_file == "/etc/shopkeep/host_key"
    assert _serve_settings("--db", ":memory:").ssh_host_key_file is None


async def test_the_runtime_makes_the_host_key_at_the_file_given(settings, tmp_path):
    settings.port = 0
    settings.ssh_port = 0
    settings.ssh_host_key_path = str(tmp_path / "host_key")
    rt = Runtime(settings)
    await rt.open()
    try:
        notice = await rt.start_ssh(console_factory(rt))
        key, created = host_key.load_or_create(str(tmp_path / "host_key"))
        assert not created
        assert f"host key ED25519 {host_key.fingerprint(key)} (new)" in notice
        assert not _exists(settings.db + ".ssh_host_ed25519_key")
    finally:
        await rt.close()


def _exists(path: str) -> bool:
    return Path(path).exists()
