"""``run.py serve --ssh-port``: the host key's fingerprint on stderr, the console over SSH
from another process, and the key file beside the database."""

from __future__ import annotations

import asyncio
import re
import stat
import subprocess
import sys
from pathlib import Path

import asyncssh
import pyte
from support import REPO, ServerProcess, start_server
from wait_support import until

from service.ssh import host_key


def _users(db: Path, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "run.py"), "--db", str(db), "users", *args],
        cwd=REPO,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _serve_with_ssh(db: Path, key: asyncssh.SSHKey) -> tuple[ServerProcess, int, str]:
    """An admin holding ``key``, then ``serve --ssh-port 0``: the server, its SSH port and
    the fingerprint of the host key file, checked against what it printed."""
    _users(
        db, "create", "admin@example.com", "--password", "long enough", "--role", "administrator"
    )
    _users(db, "ssh-key", "add", "admin@example.com", "-", stdin=key.export_public_key().decode())
    server = start_server(db, "--ssh-port", "0")
    line = next(x for x in server.stderr_lines if x.startswith("SSH console on "))
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert found is not None
    key_file = Path(str(db) + ".ssh_host_ed25519_key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    fingerprint = host_key.fingerprint(host_key.load_or_create(str(key_file))[0])
    assert f"host key ED25519 {fingerprint} (new)" in line
    return server, int(found.group(1)), fingerprint


async def test_serve_prints_the_host_key_and_serves_the_console(tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    server, port, fingerprint = _serve_with_ssh(tmp_path / "shop.db", key)
    async with asyncssh.connect(
        "127.0.0.1",
        port,
        username="admin@example.com",
        client_keys=[key],
        known_hosts=None,
        agent_path=None,
        config=None,
    ) as conn:
        assert conn.get_server_host_key().get_fingerprint("sha256") == fingerprint
        process = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
        screen = pyte.Screen(100, 30)
        stream = pyte.ByteStream(screen)

        async def read() -> None:
            while data := await process.stdout.read(65536):
                stream.feed(data)

        reader = asyncio.create_task(read())
        await until(lambda: "signed in as admin@example.com" in "\n".join(screen.display))
        process.stdin.write(b"q")
        await asyncio.wait_for(reader, 30)
    assert server.stop() == 0
