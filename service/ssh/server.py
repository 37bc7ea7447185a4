"""The SSH server: public keys only, a console per terminal session, nothing else.

The SSH user name is the account's email (``ssh -p 2222 you@example.com@host``: OpenSSH
splits at the last ``@``). A key opens a console when it is registered to that user and
the user is an active administrator or shop manager (``service.accounts.ssh_keys``).
A connection that ends without signing in counts as one failed attempt for the name
it tried, in the same guess throttle as passwords (realm ``ssh_key``), however many
keys the client offered (an agent may hold several). Port forwarding, agent and X11
forwarding, SCP and SFTP are refused.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, TextIO

import asyncssh

from service.accounts import ssh_keys
from service.common import throttle
from service.common.errors import ServiceError
from service.ssh import host_key
from service.ssh.session import ConsoleFactory, ConsoleSession

if TYPE_CHECKING:
    from service.accounts.users import User
    from service.app.context import Context
    from service.common.config import Settings

log = logging.getLogger("shopkeep.ssh")

REALM = "ssh_key"
LOGIN_TIMEOUT_S = 60.0
KEEPALIVE_S = 60.0
STOP_TIMEOUT_S = 5.0
FORWARDING_REFUSED = "Shopkeep's SSH server offers only the admin console; forwarding is refused"


def forwarding_refused() -> asyncssh.ChannelOpenError:
    return asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, FORWARDING_REFUSED)


class SshService:
    """The listener, its connections and the consoles open on them."""

    def __init__(self, ctx: Context, console: ConsoleFactory) -> None:
        self.ctx = ctx
        self.settings: Settings = ctx.settings
        self.console = console
        self.key, self.key_created = host_key.load_or_create(ctx.settings.ssh_host_key_file)
        self.fingerprint = host_key.fingerprint(self.key)
        self.address: tuple[str, int] | None = None
        self.sessions: set[ConsoleSession] = set()
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        # Textual redirects sys.stdout/stderr while an app runs and restores them when it
        # stops; consoles stop in any order, so the streams are put back when the server stops.
        self._streams: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)

    async def start(self, host: str, port: int) -> tuple[str, int]:
        asyncssh_log = logging.getLogger("asyncssh")
        if asyncssh_log.level == logging.NOTSET:  # a line per channel event is too much
            asyncssh_log.setLevel(logging.WARNING)
        self._acceptor = await asyncssh.create_server(
            lambda: ConsoleServer(self),
            host,
            port,
            config=None,
            server_host_keys=[self.key],
            public_key_auth=True,
            password_auth=False,
            kbdint_auth=False,
            host_based_auth=False,
            gss_host=None,
            allow_pty=True,
            line_editor=False,  # raw keys go to the console, which echoes nothing itself
            encoding=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            sftp_factory=None,
            login_timeout=LOGIN_TIMEOUT_S,
            keepalive_interval=KEEPALIVE_S,
        )
        self.address = (host, self._acceptor.get_port())
        log.info("ssh console on %s:%d, host key %s", *self.address, self.fingerprint)
        return self.address

    def how_to_connect(self, email: str) -> str:
        host, port = self.address or (self.settings.host, self.settings.ssh_port or 22)
        if host in ("", "0.0.0.0", "::"):  # listening everywhere: no one address to name
            host = "HOST"
        return f"ssh -p {port} {email}@{host}"

    def admit(self, session: ConsoleSession) -> str:
        """Count ``session`` in, or say why not (the limit is reached)."""
        limit = self.settings.ssh_max_sessions
        if len(self.sessions) >= limit:
            log.warning("ssh console refused to %s: %d open (the limit)", session.peer, limit)
            return f"all {limit} console sessions are in use; try again later."
        self.sessions.add(session)
        return ""

    def release(self, session: ConsoleSession) -> None:
        self.sessions.discard(session)

    async def close(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
        tasks = [s.task for s in self.sessions if s.task is not None]
        for session in list(self.sessions):
            session.stop("shopkeep: the server is stopping.")
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_TIMEOUT_S)
        for conn in list(self.connections):
            conn.close()
        for conn in list(self.connections):
            await conn.wait_closed()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
            self._acceptor = None
        sys.stdout, sys.stderr = self._streams


class ConsoleServer(asyncssh.SSHServer):
    """One connection: who signs in, and what they may open."""

    def __init__(self, service: SshService) -> None:
        self.service = service
        self.ctx = service.ctx
        self.peer = "unknown"  # the client's IP: what logs, throttles and the audit log name
        self.user: User | None = None
        self._conn: asyncssh.SSHServerConnection | None = None
        self._attempts: dict[str, throttle.Attempt] = {}
        self._locked: set[str] = set()
        # the user each login name's key was found for, until a signature proves it
        self._found: dict[str, tuple[User, str]] = {}

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else "unknown"
        self.service.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self.service.connections.discard(self._conn)
        if self.user is None and self._attempts:
            log.info("ssh sign-in failed from %s as %s", self.peer, ", ".join(self._attempts))

    # -- authentication ------------------------------------------------------------------
    async def begin_auth(self, username: str) -> bool:
        name = throttle.account_name(username)
        if name in self._attempts or name in self._locked:
            return True
        try:
            self._attempts[name] = await self.ctx.guesses.begin(REALM, username, self.peer)
        except ServiceError as err:
            self._locked.add(name)
            retry = err.data.get("retry_after", "some")
            log.warning("ssh sign-in throttled from %s as %s", self.peer, name)
            if self._conn is not None:
                self._conn.send_auth_banner(
                    f"shopkeep: too many failed sign-in attempts; try again in {retry} seconds.\r\n"
                )
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        name = throttle.account_name(username)
        if name in self._locked:
            return False
        fingerprint = ssh_keys.fingerprint_of(key)
        user = await ssh_keys.console_user(self.ctx, username, fingerprint)
        if user is None:
            return False
        self._found[name] = (user, fingerprint)
        return True

    async def auth_completed(self) -> None:
        assert self._conn is not None
        name = throttle.account_name(self._conn.get_extra_info("username") or "")
        user, fingerprint = self._found[name]
        attempt = self._attempts.get(name)
        if attempt is not None:
            await self.ctx.guesses.succeeded(attempt)
        self.user = user
        await ssh_keys.mark_used(self.ctx, user.id, fingerprint)
        log.info("ssh %s signed in from %s with %s", user.email, self.peer, fingerprint)

    # -- what a signed-in client may open ------------------------------------------------
    def session_requested(self) -> ConsoleSession:
        assert self.user is not None
        return ConsoleSession(self.service, self.user, self.peer)

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        raise forwarding_refused()

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("ssh %s asked to forward %s:%d; refused", self.peer, listen_host, listen_port)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        raise forwarding_refused()

    def unix_server_requested(self, listen_path: str) -> bool:
        return False
