"""Exact token usage counts without a database write per request.

Each authenticated request adds one to an in-memory counter (O(1), no I/O). A flush
adds the counts to the stored ones (``usage_count = usage_count + n``, so two
processes on one database never lose each other's counts) at most ``interval``
seconds after the first unflushed use, and once more at shutdown through
``ctx.closers``. Nothing runs while nobody uses a token.

A token whose count cannot be stored does not hold back the others: the batch falls
back to one savepoint per token, and only the refused ones wait for the next flush.

Reads are exact too: the stored value plus what is still in memory. A read that a
flush overlapped is retried, so a count is never seen twice or not at all.

``Context.open`` creates the process's tracker (``ctx.usage``) and registers its
closer, so ``ctx.close()`` flushes it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from store import tokens as token_sql

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx

log = logging.getLogger("shopkeep.usage")

FLUSH_INTERVAL_S = 0.5
T = TypeVar("T")


class UsageTracker:
    def __init__(self, ctx: Context, interval: float = FLUSH_INTERVAL_S) -> None:
        self._ctx = ctx
        self._interval = interval
        self._pending: dict[str, list] = {}  # token_id -> [count, last_used_at]
        self._in_flight: dict[str, list] = {}  # being written by a flush
        # called with each stored batch right after its commit (e.g. the token cache)
        self.listeners: list[Callable[[dict[str, list]], None]] = []
        self._generation = 0  # moves when a flush starts and when it ends
        self._idle = asyncio.Event()
        self._idle.set()
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None
        self._flush_lock = asyncio.Lock()
        self.closed = False

    def record(self, token_id: str, when: str) -> None:
        entry = self._pending.get(token_id)
        if entry is None:
            self._pending[token_id] = [1, when]
        else:
            entry[0] += 1
            entry[1] = max(entry[1], when)
        if self._timer is None and self._task is None and not self.closed:
            self._timer = asyncio.get_running_loop().call_later(self._interval, self._spawn)

    def record_use(
        self, token_id: str, when: str, count: int, last_used_at: str | None
    ) -> tuple[int, str]:
        """``record`` and then ``adjust`` in one call: the authentication hot path."""
        self.record(token_id, when)
        pending = self._pending[token_id]
        count += pending[0]
        last = max(last_used_at or "", pending[1])
        flying = self._in_flight.get(token_id)
        if flying is not None:
            count += flying[0]
            last = max(last, flying[1])
        return count, last

    def adjust(self, token_id: str, count: int, last_used_at: str | None) -> tuple[int, str | None]:
        """Stored (count, last_used_at) plus what has not been stored yet."""
        for unstored in (self._in_flight, self._pending):
            entry = unstored.get(token_id)
            if entry is not None:
                count += entry[0]
                last_used_at = max(last_used_at or "", entry[1])
        return count, last_used_at

    async def consistent(self, fetch: Callable[[], Awaitable[T]]) -> T:
        """Run a read that no flush overlapped. Call ``adjust`` right after, without
        awaiting in between."""
        while True:
            await self._idle.wait()
            generation = self._generation
            result = await fetch()
            if generation == self._generation and self._idle.is_set():
                return result

    def _spawn(self) -> None:
        self._timer = None
        self._task = asyncio.get_running_loop().create_task(self._scheduled_flush())

    async def _scheduled_flush(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("could not store token usage; will retry")
        finally:
            self._task = None
            if self._pending and not self.closed:
                self._timer = asyncio.get_running_loop().call_later(self._interval, self._spawn)

    async def flush(self) -> None:
        async with self._flush_lock:
            if not self._pending:
                return
            batch, self._pending = self._pending, {}
            self._in_flight = batch
            self._generation += 1
            self._idle.clear()
            try:
                async with self._ctx.store.transaction() as tx:
                    refused = await _add_usage(tx, batch)
            except BaseException:
                self._requeue(batch)
                raise
            else:
                # no await from the commit to here: readers never see a batch twice
                stored = {key: entry for key, entry in batch.items() if key not in refused}
                for listener in self.listeners:
                    listener(stored)
                if refused:
                    self._requeue(refused)
                    log.error("could not store the usage of tokens %s; will retry", list(refused))
            finally:
                self._in_flight = {}
                self._generation += 1
                self._idle.set()

    def _requeue(self, batch: dict[str, list]) -> None:
        for token_id, (count, last) in batch.items():
            entry = self._pending.setdefault(token_id, [0, last])
            entry[0] += count
            entry[1] = max(entry[1], last)

    async def close(self) -> None:
        """Stop the timer and store everything counted so far."""
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if not self._ctx.store.closed:
            await self.flush()


async def _add_usage(tx: Tx, batch: dict[str, list]) -> dict[str, list]:
    """Add the batch's counts in one statement; if that fails, token by token, so one
    that cannot be stored does not hold back the others. Returns the refused ones;
    raises the batch's error if no token could be stored (the store is failing)."""
    rows = [(count, last, token_id) for token_id, (count, last) in batch.items()]
    try:
        async with tx.savepoint("usage_batch"):
            await token_sql.add_usage(tx, rows)
        return {}
    except Exception as exc:
        error = exc
    refused = {}
    for count, last, token_id in rows:
        try:
            async with tx.savepoint("usage_token"):
                await token_sql.add_usage(tx, [(count, last, token_id)])
        except Exception:
            refused[token_id] = batch[token_id]
    if len(refused) == len(batch):
        raise error
    return refused
