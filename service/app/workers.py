"""``serve --workers N``: N processes answering on one port, over PostgreSQL.

The parent prepares the database once (migrations, the shop's secrets, the demo seed,
audit retention), opens the listening socket, and forks N workers; each runs its own
event loop and Context and accepts connections on the inherited socket (the kernel
hands each new connection to one waiting worker, so a busy or stopped worker never
holds connections another could take). The parent only supervises:

- SIGTERM or SIGINT: every worker is told to stop (SIGTERM: finish in-flight requests,
  flush, close) and the parent exits 0 once all have.
- A worker that dies is reported, and the whole server stops with status 1: a worker
  crashing is a bug or a lost database, and a service manager (systemd's
  ``Restart=on-failure``) restarting the whole server is simpler to reason about than
  half a deployment restarting itself in a loop.

Refused on SQLite: one file has one writer, and its caches and throttles live in one
process's memory.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace

from service.app import loop as event_loop
from service.app.context import Context, StartupError
from service.app.runtime import Runtime
from service.common.config import Settings
from service.demo import seed as demo

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def refusal(settings: Settings, workers: int) -> str | None:
    """Why ``serve --workers`` cannot run with these settings (one line), or None."""
    if workers < 1:
        return "--workers: at least 1"
    if workers == 1:
        return None
    if not settings.on_postgres:
        return (
            "--workers needs PostgreSQL (--db postgresql://…): a SQLite file has one writer "
            "and keeps its caches and throttles in one process; run a single process"
        )
    if settings.ssh_port is not None:
        return "--ssh-port cannot be shared by workers; serve SSH from `run.py console --no-api`"
    return None


async def _prepare(settings: Settings) -> list[str]:
    """Migrations, secrets and the demo seed, once, before any worker starts."""
    ctx = await Context.open(settings)
    try:
        return await demo.seed(ctx) if settings.demo else []
    finally:
        await ctx.close()


def _listen(settings: Settings) -> socket.socket:
    try:
        sock = socket.create_server((settings.host, settings.port), backlog=1024)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {settings.port} on {settings.host} is already in use"
            ) from None
        raise StartupError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from None
    sock.set_inheritable(True)
    return sock


async def _work(settings: Settings, sock: socket.socket, ready: int) -> None:
    runtime = Runtime(settings)
    try:
        await runtime.open()
        await runtime.start_api(sock=sock)
        runtime.install_signal_handlers()
        event_loop.settle_heap()
        os.write(ready, b"+")
        os.close(ready)
        await runtime.wait_for_stop()
    finally:
        await runtime.close()


def _worker(settings: Settings, sock: socket.socket, ready: int) -> int:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it sends SIGTERM
    try:
        event_loop.run(_work(settings, sock, ready))
    except Exception as exc:
        print(f"shopkeep: worker {os.getpid()}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


class Supervisor:
    def __init__(self, settings: Settings, workers: int, say: Callable[[str], None]) -> None:
        self.settings = settings
        self.count = workers
        self.say = say
        self.pids: set[int] = set()
        self._stopping = False

    def run(self) -> int:
        for line in asyncio.run(_prepare(self.settings)):
            self.say(line)
        sock = _listen(self.settings)
        host, port = sock.getsockname()[:2]
        worker_settings = self._worker_settings(port)
        read_ready, write_ready = os.pipe()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        for _ in range(self.count):
            pid = os.fork()
            if pid == 0:
                os.close(read_ready)
                os._exit(_worker(worker_settings, sock, write_ready))
            self.pids.add(pid)
        os.close(write_ready)
        sock.close()  # the workers hold it
        if not self._wait_ready(read_ready):
            os.close(read_ready)
            return self._stop_all(0 if self._stopping else 1)
        os.close(read_ready)
        scheme = "https" if self.settings.tls_cert else "http"
        self.say(f"listening on {scheme}://{self.settings.host or host}:{port}")
        return self._supervise()

    def _worker_settings(self, port: int) -> Settings:
        return replace(self.settings, port=port, demo=False)

    def _wait_ready(self, read_ready: int) -> bool:
        """Until every worker said it listens; False if one died first."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        ready = 0
        os.set_blocking(read_ready, False)
        while ready < self.count and not self._stopping:
            if self._reap(blocking=False):
                return False
            with suppress(BlockingIOError):
                ready += len(os.read(read_ready, self.count))
            if time.monotonic() > deadline:
                self.say("shopkeep: workers did not start in time")
                return False
            time.sleep(0.02)
        return not self._stopping

    def _supervise(self) -> int:
        while not self._stopping:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                return 0
            if pid in self.pids:
                self.pids.discard(pid)
                if not self._stopping:
                    self.say(f"shopkeep: worker {pid} {_how(status)}; stopping the server")
                    return self._stop_all(1)
        return self._stop_all(0)

    def _reap(self, blocking: bool) -> bool:
        """Reap exited workers; True if one had died."""
        died = False
        while self.pids:
            try:
                pid, status = os.waitpid(-1, 0 if blocking else os.WNOHANG)
            except ChildProcessError:
                self.pids.clear()
                return True
            if pid == 0:
                return died
            if pid in self.pids:
                self.pids.discard(pid)
                died = True
                if not self._stopping:
                    self.say(f"shopkeep: worker {pid} {_how(status)}")
        return died

    def _on_signal(self, signum: int, _frame: object) -> None:
        """Tell every worker to stop; ``os.wait`` then returns as they exit."""
        self._stopping = True
        for pid in self.pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def _stop_all(self, code: int) -> int:
        self._stopping = True
        for pid in self.pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.pids and time.monotonic() < deadline:
            if not self._reap(blocking=False):
                time.sleep(0.02)
        for pid in self.pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self.say(f"shopkeep: worker {pid} did not stop in {STOP_TIMEOUT_S:.0f} s; killed")
        self._reap(blocking=True)
        return code


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


def serve(settings: Settings, workers: int, say: Callable[[str], None]) -> int:
    return Supervisor(settings, workers, say).run()
