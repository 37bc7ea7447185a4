"""Notifications between the processes of one PostgreSQL deployment (LISTEN/NOTIFY).

One dedicated connection per process (never a pooled one: a pooled connection is
reset when returned, which would end its LISTEN). It listens to the channels it was
given and hands each payload to that channel's handler. Notifications are sent by the
database itself (triggers, migration 0015), so they are transactional: delivered when
the writing transaction commits, whichever code or process wrote.

When the connection is lost, notifications may have been missed: ``on_lost`` is called
at once (callers drop every cache) and again once a new connection listens (anything
committed in between was missed too). It reconnects every ``retry_s`` seconds, and a
keep-alive query notices a connection that died silently.

``changed()`` is the store's commit hook: it tells other processes that this one
committed (``NOTIFY shopkeep_changes``), at most once per ``CHANGES_INTERVAL_S``, so a
burst of writes costs one message, not one per transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

import asyncpg

log = logging.getLogger("shopkeep.notify")

Handler = Callable[[str], object]

CHANGES = "shopkeep_changes"
CHANGES_INTERVAL_S = 0.2
RETRY_S = 1.0
KEEPALIVE_S = 10.0
CONNECT_TIMEOUT_S = 10.0
_FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class Listener:
    def __init__(
        self,
        url: str,
        handlers: Mapping[str, Handler],
        on_lost: Callable[[], object],
        retry_s: float = RETRY_S,
    ) -> None:
        self._url = url
        self._handlers = dict(handlers)
        self._on_lost = on_lost
        self.retry_s = retry_s
        self._conn: Any = None
        self._busy = asyncio.Lock()  # one operation at a time on the connection
        self._listening = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._changes_due: asyncio.Handle | None = None
        self._changes_pending = False
        self._sending: set[asyncio.Task[None]] = set()
        self._loop = asyncio.get_running_loop()
        self.reconnects = 0

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    async def start(self) -> None:
        """Start listening; returns once the first connection listens (or after
        ``CONNECT_TIMEOUT_S``: it keeps trying in the background)."""
        self._task = asyncio.create_task(self._run(), name="store-listener")
        with suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), CONNECT_TIMEOUT_S)

    async def wait_listening(self) -> None:
        await self._listening.wait()

    async def _run(self) -> None:
        first = True
        while not self._closing:
            try:
                conn = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT_S)
            except _FAILURES as exc:
                log.warning("cannot listen for notifications (retrying): %s", exc)
                await asyncio.sleep(self.retry_s)
                continue
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
            try:
                for channel in self._handlers:
                    await conn.add_listener(channel, self._deliver)
            except _FAILURES:
                conn.terminate()
                await asyncio.sleep(self.retry_s)
                continue
            self._conn = conn
            self._listening.set()
            if not first:
                self.reconnects += 1
                log.warning("listening for notifications again; caches dropped")
                self._lost()
            first = False
            await self._watch(conn, lost)
            self._conn = None
            self._listening.clear()
            if not self._closing:
                log.warning("lost the notification connection; caches dropped, reconnecting")
                self._lost()
                with suppress(*_FAILURES):
                    conn.terminate()
                await asyncio.sleep(self.retry_s)

    async def _watch(self, conn: Any, lost: asyncio.Event) -> None:
        """Until the connection is lost or the listener closes."""
        while not (self._closing or lost.is_set()):
            with suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), KEEPALIVE_S)
                return
            try:
                async with self._busy:
                    await conn.fetchval("SELECT 1", timeout=KEEPALIVE_S)
            except _FAILURES:
                return

    def _deliver(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        if channel == CHANGES and conn is not None and pid == conn.get_server_pid():
            return  # our own "changed": this process knew at commit
        handler = self._handlers.get(channel)
        if handler is None:
            return
        try:
            handler(payload)
        except Exception:  # a handler must not stop the others
            log.exception("notification handler for %s failed", channel)

    def _lost(self) -> None:
        try:
            self._on_lost()
        except Exception:
            log.exception("dropping caches after a lost notification connection failed")

    # -- telling the others ---------------------------------------------------------------

    def changed(self) -> None:
        """This process committed: tell the others soon (coalesced)."""
        if self._changes_due is not None:  # a message is due, or its interval runs
            self._changes_pending = True
            return
        self._changes_due = self._loop.call_soon(self._send_changes)

    def _send_changes(self) -> None:
        self._changes_pending = False
        if self._closing:
            self._changes_due = None
            return
        task = self._loop.create_task(self._notify(CHANGES, ""))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        self._changes_due = self._loop.call_later(CHANGES_INTERVAL_S, self._interval_over)

    def _interval_over(self) -> None:
        self._changes_due = None
        if self._changes_pending:
            self.changed()

    async def _notify(self, channel: str, payload: str) -> None:
        conn = self._conn
        if conn is None:
            return  # nobody can be told now; the others poll data_version as well
        try:
            async with self._busy:
                await conn.execute("SELECT pg_notify($1, $2)", channel, payload)
        except _FAILURES as exc:
            log.warning("cannot notify %s: %s", channel, exc)

    async def notify(self, channel: str, payload: str) -> None:
        """Tell every process listening to ``channel`` now (outside any transaction)."""
        await self._notify(channel, payload)

    async def close(self) -> None:
        self._closing = True
        if self._changes_due is not None:
            self._changes_due.cancel()
            self._changes_due = None
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(*_FAILURES):
                await asyncio.wait_for(conn.close(), 2.0)
        self._listening.clear()
