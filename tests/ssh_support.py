"""A real SSH client (asyncssh's) on the console over SSH, its screen rendered by pyte
the way a terminal would show it (import as ``from ssh_support import ...``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncssh
import pyte
from wait_support import until

from service.accounts import ssh_keys
from service.app.context import Context
from service.app.runtime import Runtime


def new_key(comment: str = "tester@laptop") -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519", comment=comment)


def public_line(key: asyncssh.SSHKey) -> str:
    return key.export_public_key("openssh").decode()


async def register(ctx: Context, user_id: int, key: asyncssh.SSHKey) -> ssh_keys.SshKey:
    return await ssh_keys.add(ctx, user_id, public_line(key))


def address(runtime: Runtime) -> tuple[str, int]:
    assert runtime.ssh is not None and runtime.ssh.address is not None
    return runtime.ssh.address


async def connect(
    runtime: Runtime, email: str, key: asyncssh.SSHKey, **options: object
) -> asyncssh.SSHClientConnection:
    host, port = address(runtime)
    return await asyncssh.connect(
        host,
        port,
        username=email,
        client_keys=[key],
        known_hosts=None,
        agent_path=None,
        config=None,
        preferred_auth="publickey",
        **options,  # type: ignore[arg-type]
    )


@dataclass
class Screen:
    """A console session on a pyte screen of ``width`` x ``height``."""

    process: asyncssh.SSHClientProcess[bytes]
    screen: pyte.Screen
    reader: asyncio.Task[None] | None = None
    received: bytearray = field(default_factory=bytearray)

    @classmethod
    async def open(
        cls, conn: asyncssh.SSHClientConnection, width: int = 100, height: int = 30
    ) -> Screen:
        process = await conn.create_process(
            term_type="xterm-256color", term_size=(width, height), encoding=None
        )
        opened = cls(process, pyte.Screen(width, height))
        opened.reader = asyncio.create_task(opened._read())
        return opened

    async def _read(self) -> None:
        stream = pyte.ByteStream(self.screen)
        while True:
            data = await self.process.stdout.read(65536)
            if not data:
                return
            self.received += data
            stream.feed(data)

    @property
    def lines(self) -> list[str]:
        return list(self.screen.display)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    async def shows(self, *words: str, what: str = "") -> None:
        await until(lambda: all(w in self.text for w in words), what=what or f"{words} shown")

    def press(self, keys: str) -> None:
        self.process.stdin.write(keys.encode())

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(height, width)
        self.process.change_terminal_size(width, height)

    async def ended(self) -> None:
        assert self.reader is not None
        await asyncio.wait_for(self.reader, 30)
