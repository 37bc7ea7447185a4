"""Runtime: opens the store, starts and stops the web runner, runs the console.

Order on the way up: store (migrations, secrets) -> demo seed -> web runner -> SSH
server (when asked) -> console (or wait for a signal). On the way down, the reverse:
console exits -> SSH consoles stop -> runner cleanup (stop accepting, finish in-flight
requests within the shutdown timeout) -> flush counters -> close the store.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import ssl
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from aiohttp import web

from service.app.assembly import build_registry, create_app
from service.app.context import Context, StartupError
from service.audit import log as audit
from service.common.clock import Clock
from service.common.config import Settings
from service.demo import seed as demo
from service.http.accesslog import BUFFER as ACCESS_LOG
from service.http.accesslog import BufferedAccessLogger, DashboardLogger

if TYPE_CHECKING:
    from textual.app import App

    from service.ssh.server import SshService
    from service.ssh.session import ConsoleFactory

log = logging.getLogger("shopkeep.runtime")
RETENTION_INTERVAL_S = 24 * 3600.0


class Runtime:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.ctx: Context | None = None
        self.runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None
        self.notices: list[str] = []
        self.ssh: SshService | None = None
        self._stop = asyncio.Event()
        self._retention: asyncio.Task[None] | None = None

    @property
    def url(self) -> str | None:
        if self.address is None:
            return None
        scheme = "https" if self.settings.tls_cert else "http"
        return f"{scheme}://{self.address[0]}:{self.address[1]}"

    async def open(self) -> Context:
        self.ctx = await Context.open(self.settings, self.clock)
        self.ctx.registry = build_registry()
        if self.settings.demo:
            self.notices.extend(await demo.seed(self.ctx))
        if self.settings.audit_retention_days > 0:
            await self.prune_audit()
            self._retention = asyncio.create_task(self._prune_daily(), name="audit-retention")
        return self.ctx

    async def prune_audit(self) -> int:
        """Retention: the only deletion of audit entries (see the audit_log trigger)."""
        assert self.ctx is not None
        removed = await audit.prune(self.ctx, self.settings.audit_retention_days)
        if removed:
            log.info(
                "audit log: removed %d entries older than %d days",
                removed,
                self.settings.audit_retention_days,
            )
        return removed

    async def _prune_daily(self) -> None:
        while True:
            await asyncio.sleep(RETENTION_INTERVAL_S)
            try:
                await self.prune_audit()
            except Exception:  # the store is busy or closing: try again tomorrow
                log.exception("audit log retention failed")

    async def start_api(self, sock: socket.socket | None = None) -> str:
        """Serve the API on ``--host``/``--port``, or on ``sock`` (a listening socket
        shared by ``serve --workers``)."""
        assert self.ctx is not None
        app = create_app(self.ctx)
        self.runner = web.AppRunner(
            app,
            access_log=logging.getLogger("shopkeep.access"),
            access_log_class=(
                BufferedAccessLogger if self.settings.access_log else DashboardLogger
            ),
            shutdown_timeout=self.settings.shutdown_timeout_s,
            handle_signals=False,
        )
        tls = self._tls_context()
        await self.runner.setup()
        site: web.BaseSite
        if sock is not None:
            site = web.SockSite(self.runner, sock, ssl_context=tls)
        else:
            site = web.TCPSite(self.runner, self.settings.host, self.settings.port, ssl_context=tls)
        try:
            await site.start()
        except OSError as exc:
            await self.runner.cleanup()
            self.runner = None
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {self.settings.port} on {self.settings.host} is already in use"
                ) from None
            raise StartupError(
                f"cannot listen on {self.settings.host}:{self.settings.port}: {exc.strerror or exc}"
            ) from None
        host, port = self.runner.addresses[0][:2]
        self.address = (self.settings.host if self.settings.host else host, port)
        if not self.settings.site_url:
            self.settings.site_url = self.url or ""
        log.info("listening on %s", self.url)
        return self.url or ""

    async def start_ssh(self, console: ConsoleFactory) -> str:
        """The console over SSH on ``--ssh-host``/``--ssh-port``; returns the notice to show
        (where it listens and the host key's fingerprint)."""
        from service.ssh.host_key import HostKeyError
        from service.ssh.server import SshService

        assert self.ctx is not None and self.settings.ssh_port is not None
        host = self.settings.ssh_host or self.settings.host
        try:
            ssh = SshService(self.ctx, console)
        except HostKeyError as exc:
            raise StartupError(str(exc)) from None
        try:
            await ssh.start(host, self.settings.ssh_port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"SSH port {self.settings.ssh_port} on {host} is already in use"
                ) from None
            raise StartupError(f"cannot listen for SSH on {host}: {exc.strerror or exc}") from None
        self.ssh = ssh
        return self.ssh_notice or ""

    @property
    def ssh_notice(self) -> str | None:
        if self.ssh is None or self.ssh.address is None:
            return None
        host, port = self.ssh.address
        made = " (new)" if self.ssh.key_created else ""
        return (
            f"SSH console on {host}:{port} (ssh -p {port} EMAIL@{host}); "
            f"host key ED25519 {self.ssh.fingerprint}{made}"
        )

    def _tls_context(self) -> ssl.SSLContext | None:
        """HTTPS for local development, from --tls-cert/--tls-key (PEM files)."""
        cert, key = self.settings.tls_cert, self.settings.tls_key
        if not cert and not key:
            return None
        if not (cert and key):
            raise StartupError("--tls-cert and --tls-key go together")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as exc:
            raise StartupError(f"cannot load the TLS certificate {cert}: {exc}") from None
        return context

    def request_stop(self) -> None:
        self._stop.set()

    def install_signal_handlers(self, on_signal: Callable[[], object] | None = None) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal or self.request_stop)

    async def wait_for_stop(self) -> None:
        await self._stop.wait()

    async def run_console(self, app: App) -> int:
        """Run the console until it exits; return its exit status, non-zero when it
        stopped on an unexpected error (the traceback is logged). Either way the
        caller's ``close()`` then shuts the API down cleanly."""
        self.install_signal_handlers(app.exit)
        try:
            await app.run_async()
        except Exception:
            log.critical("console crashed; stopping the API", exc_info=True)
            return 1
        code = app.return_code or 0
        if code:
            log.error("console exited with status %d; stopping the API", code)
        return code

    async def close(self) -> None:
        if self._retention is not None:
            self._retention.cancel()
            with suppress(asyncio.CancelledError):
                await self._retention
            self._retention = None
        if self.ssh is not None:
            await self.ssh.close()
            self.ssh = None
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
            ACCESS_LOG.flush()
        if self.ctx is not None:
            await self.ctx.close()
            self.ctx = None
        log.info("stopped")
