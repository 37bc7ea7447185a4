"""The embedded SQLite store: one writer connection behind a lock, one reader, WAL.

Every write goes through ``async with store.transaction() as tx`` which takes the
lock, issues ``BEGIN IMMEDIATE`` and commits, or rolls back on any exception
(cancellation included, shielded so the connection is never left mid-transaction).
Reads outside a transaction use a second connection; WAL lets it read while the
writer writes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from store.base import (
    Conflict,
    Dialect,
    Params,
    Queries,
    Row,
    Store,
    SyncConnection,
    Tx,
    existing,
    next_seq,
)
from store.errors import StoreError
from store.migrations import apply_migrations
from store.search_cache import SearchCache

__all__ = [
    "Conflict",
    "Params",
    "Row",
    "SqliteStore",
    "SqliteTx",
    "Store",
    "StoreError",
    "Tx",
    "existing",
    "next_seq",
]

BUSY_TIMEOUT_S = 5.0

T = TypeVar("T")


@contextmanager
def _conflicts() -> Iterator[None]:
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise Conflict(str(exc)) from exc


class _Queries(Queries):
    """Query helpers shared by the reader and by a transaction."""

    _conn: aiosqlite.Connection
    dialect: Dialect = "sqlite"

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchrow(self, sql: str, params: Params = ()) -> Row:
        """The one row of a query that always yields one (an aggregate)."""
        row = await self.fetchone(sql, params)
        if row is None:
            raise StoreError(f"no row from a query that always yields one: {sql[:60]}")
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to the connection's thread (execute, fetch, close in one call)
        # instead of three.
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


# aiosqlite runs every call on one thread per connection, in order, through a queue
# that only its private ``Connection._execute`` reaches: version 0.22 has no public way
# to run a callable there. ``Tx.run_sync`` needs exactly that, so this is the one use of
# it, read here at import so a release without it fails at start, not mid-request.
# pyproject pins aiosqlite to 0.22.x; tests/store/test_aiosqlite_contract.py checks it.
_on_connection_thread = aiosqlite.Connection._execute


class SqliteTx(_Queries, Tx):
    """An open write transaction."""

    def __init__(self, conn: aiosqlite.Connection, raw: sqlite3.Connection) -> None:
        self._conn = conn
        self._raw = raw  # the sqlite3 connection behind ``conn``, for run_sync
        self.depth = 0  # transactions nested in this one (savepoints)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        with _conflicts():
            async with self._conn.execute(sql, params) as cur:
                return cur.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an integer ``id``; returns the new id."""
        with _conflicts():
            async with self._conn.execute(f"{sql} RETURNING id", params) as cur:
                row = await cur.fetchone()
        if row is None:
            raise Conflict("the INSERT stored no row")
        return int(row[0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with _conflicts():
            await self._conn.executemany(sql, rows)

    @asynccontextmanager
    async def savepoint(self, name: str = "block") -> AsyncIterator[None]:
        """Undo this block's writes if it raises; the transaction goes on. (On
        cancellation the whole transaction is rolled back anyway.)"""
        if not name.isidentifier():
            raise ValueError(f"not a savepoint name: {name!r}")
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except Exception:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        await self._conn.execute(f"RELEASE {name}")

    async def run_sync(self, work: Callable[[SyncConnection], T]) -> T:
        """Run ``work(connection)`` on the writer's own thread, inside this transaction.

        A batch of small statements sent one by one costs a thread round trip each
        while the write lock is held; this sends the whole batch in one. ``work``
        must not block on anything but SQLite. It is queued behind (and before) the
        transaction's other statements on the same thread, so a cancelled caller's
        rollback still runs after it.
        """
        raw = self._raw
        result: T = await _on_connection_thread(self._conn, lambda: work(raw))
        return result


# The transaction the running task holds, so a nested ``transaction()`` joins it.
_open_tx: ContextVar[tuple[SqliteStore, SqliteTx, asyncio.Task[Any] | None] | None] = ContextVar(
    "open_tx", default=None
)


class SqliteStore(_Queries, Store):
    """Owns the connections. Open with ``await Store.open(path)``."""

    def __init__(
        self,
        path: str,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        writer_raw: sqlite3.Connection,
    ):
        self.path = path
        self._writer = writer
        self._writer_raw = writer_raw
        self._conn = reader
        self._lock = asyncio.Lock()
        self.closed = False
        # Called after each committed (outermost) transaction: must not block or raise.
        self.on_commit: list[Callable[[], object]] = []
        self.search_cache: SearchCache | None = SearchCache()

    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        path = str(path)
        try:
            # Fail on a missing folder, a read-only or a locked file here, before any
            # aiosqlite thread exists (its failed connect reports to the loop later).
            await asyncio.to_thread(_probe, path)
            writer = await _connect(path)
        except sqlite3.Error as exc:
            raise StoreError(_describe(path, exc)) from exc
        try:
            await writer.execute("PRAGMA journal_mode=WAL")
            await apply_migrations(writer)
            async with writer.execute("SELECT 1") as cursor:
                writer_raw = cursor.connection
            reader = await _connect(path)
        except sqlite3.Error as exc:
            await writer.close()
            raise StoreError(_describe(path, exc)) from exc
        except StoreError:
            await writer.close()
            raise
        return cls(path, writer, reader, writer_raw)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        """A write transaction. Inside another transaction of this store, in the same
        task, it is a savepoint of that one: the outer transaction commits both or
        neither, so every service write can run inside a caller's transaction."""
        held = _open_tx.get()
        if held is not None and held[0] is self and held[2] is asyncio.current_task():
            tx = held[1]
            tx.depth += 1
            try:
                async with tx.savepoint(f"nested_{tx.depth}"):
                    yield tx
            finally:
                tx.depth -= 1
            return
        async with self._lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            tx = SqliteTx(self._writer, self._writer_raw)
            token = _open_tx.set((self, tx, asyncio.current_task()))
            try:
                yield tx
            except BaseException:
                await asyncio.shield(self._writer.rollback())
                raise
            finally:
                _open_tx.reset(token)
            try:
                with _conflicts():
                    await asyncio.shield(self._writer.commit())
            except BaseException:
                # A failed commit (a deferred constraint) leaves the transaction open.
                await asyncio.shield(self._writer.rollback())
                raise
            for committed in self.on_commit:
                committed()

    async def run_transaction(self, work: Callable[[SyncConnection], T]) -> T:
        """``work(connection)`` in a transaction of its own: BEGIN, the work and COMMIT
        (or ROLLBACK if it raises) in one trip to the writer's thread, where
        ``transaction()`` and ``run_sync`` take three. Inside a transaction of this
        task it joins that one (a savepoint), as ``transaction()`` does."""
        held = _open_tx.get()
        if held is not None and held[0] is self and held[2] is asyncio.current_task():
            return await super().run_transaction(work)
        raw = self._writer_raw

        def whole() -> T:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = work(raw)
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:  # a failed COMMIT (a deferred constraint) too
                    raw.execute("ROLLBACK")
                raise
            return result

        async with self._lock:
            # Once queued the work runs to its end: a cancelled caller waits for it, so
            # a commit is followed by the commit hooks (the caches) whatever happens.
            job = asyncio.ensure_future(_on_connection_thread(self._writer, whole))
            cancelled = False
            while not job.done():
                try:
                    await asyncio.shield(job)
                except asyncio.CancelledError:
                    cancelled = True
                except BaseException:
                    break
            with _conflicts():
                result: T = job.result()
        for committed in self.on_commit:
            committed()
        if cancelled:
            raise asyncio.CancelledError
        return result

    async def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version`` on the reader: it moves whenever another
        connection (this store's writer, or another process) has committed."""
        return int(await self.fetchval("PRAGMA data_version"))

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        async with self._lock:
            for conn in (self._conn, self._writer):
                with suppress(sqlite3.Error):
                    await conn.execute("PRAGMA optimize")
                await conn.close()


def _probe(path: str) -> None:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    finally:
        conn.close()


async def _connect(path: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _describe(path: str, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"database {path} is locked by another process ({text})"
    if "readonly" in text:
        return f"database {path} is not writable ({text})"
    if "unable to open" in text:
        return f"cannot open database {path}: {text}"
    return f"database {path}: {text}"
