"""The PostgreSQL store (asyncpg): the same interface as the SQLite one (store/base.py).

A pool of connections; reads outside a transaction take any of them. Store modules
write SQLite's SQL with ``?`` or ``:name`` placeholders: each SQL string is translated
once (cached) into PostgreSQL's (``$n`` placeholders, and the few idioms of SQLite's
that PostgreSQL spells otherwise, see ``_REWRITES``).

Write transactions run concurrently, in this process and in others on the same
database (READ COMMITTED, PostgreSQL's default). What SQLite's single writer made safe
is made safe here by the database itself: a service that reads, decides and writes
first takes the row it decides on (``Tx.lock``: ``SELECT … FOR UPDATE`` on the license,
the coupon, the product, the order, the cart), so a second writer waits for the first
to commit and then reads what it wrote; claims are unique constraints with ``ON
CONFLICT``; counters are additive (``SET n = n + ?``); ``seq`` comes from a sequence
(migration 0014). ``serialize_writes=True`` restores one writer per process.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from store.base import (
    Conflict,
    DataError,
    Dialect,
    Params,
    Queries,
    Row,
    Store,
    SyncConnection,
    SyncCursor,
    Tx,
)
from store.errors import StoreError
from store.migrations import latest_version, pg_migration_files
from store.notify import Listener

T = TypeVar("T")

POOL_MIN = 1
POOL_MAX = 10
CONNECT_TIMEOUT_S = 10.0
# Two processes migrating the same database at once: the second waits for the first.
_MIGRATION_LOCK = 0x5_3407_0017

# -- SQL translation ----------------------------------------------------------------------

_REWRITES: list[tuple[re.Pattern[str], str]] = [
    # SQLite's LIKE folds ASCII case; ILIKE folds case.
    (re.compile(r"\bLIKE\b"), "ILIKE"),
    (re.compile(r"([\w.]+) = \? COLLATE NOCASE"), r"lower(\1) = lower(?)"),
    (re.compile(r"([\w.]+) COLLATE NOCASE"), r"lower(\1)"),
    (re.compile(r"json_extract\(([\w.]+), '\$\.(\w+)'\)"), r"(\1::jsonb ->> '\2')"),
    (
        re.compile(r"json_each\(([\w.]+)\)(?:\s+([a-z_]\w*))?"),
        r"jsonb_array_elements_text(\1::jsonb) AS \2(value)",
    ),
    (re.compile(r"\binstr\("), "strpos("),
    # max(a, b) of two values (a time that never moves back) is greatest() there.
    (re.compile(r"\bmax\(coalesce\("), "greatest(coalesce("),
    (re.compile(r"\bMAX\(0, "), "GREATEST(0, "),
    # SQLite's IS compares any two values, NULL or not.
    (re.compile(r"\bIS NOT \?"), "IS DISTINCT FROM ?"),
    (re.compile(r"\bIS \?"), "IS NOT DISTINCT FROM ?"),
    (re.compile(r"\bIS NOT (:\w+)"), r"IS DISTINCT FROM \1"),
    (re.compile(r"\bIS (:\w+)"), r"IS NOT DISTINCT FROM \1"),
    (re.compile(r"\bgroup_concat\("), "string_agg("),
    (re.compile(r"\bchar\(10\)"), "chr(10)"),
    # The Monday starting a date's week.
    (
        re.compile(r"\bdate\(([\w.]+), '-6 days', 'weekday 1'\)"),
        r"to_char(date_trunc('week', substr(\1, 1, 10)::date), 'YYYY-MM-DD')",
    ),
    (re.compile(r"\s+INDEXED BY \w+"), ""),
    # store/base.py next_seq: max(seq) + 1 is only safe with one writer; here each
    # table's seq has a sequence (migration 0014).
    (
        re.compile(r"\(SELECT coalesce\(max\(seq\), 0\) \+ 1 FROM (\w+)\)"),
        r"nextval('\1_seq_order')",
    ),
]
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|::|\?|:[A-Za-z_]\w*")
_translated: dict[str, tuple[str, tuple[str, ...] | None]] = {}


def _rewrite(sql: str) -> str:
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    # json_each without an alias: its rows are read as ``value``.
    return sql.replace(" AS (value)", " AS j(value)")


def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """PostgreSQL's text of ``sql`` and, for ``:name`` placeholders, the names in
    ``$n`` order (None: positional ``?``). Cached per SQL string."""
    done = _translated.get(sql)
    if done is not None:
        return done
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if token.startswith(":") and token != "::":
            name = token[1:]
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return token

    text = _TOKENS.sub(number, _rewrite(sql))
    if positional and names:
        raise ValueError(f"both ? and :name placeholders in one statement: {sql[:60]}")
    done = (text, tuple(names) if names else None)
    if len(_translated) < 10_000:
        _translated[sql] = done
    return done


def _bind(sql: str, params: Params) -> tuple[str, Sequence[Any]]:
    text, names = translate(sql)
    if names is None:
        return text, tuple(params) if not isinstance(params, dict) else ()
    if not isinstance(params, dict):
        raise TypeError(f"named placeholders need a dict of parameters: {sql[:60]}")
    return text, [params[name] for name in names]


_TEXT_TYPES = {"text", "varchar", "bpchar", "name"}
_INT_TYPES = {"int2", "int4", "int8"}


async def _coerced(conn: Any, query: str, args: Sequence[Any]) -> list[Any]:
    """``args`` converted as SQLite's column affinity would: a number bound to text, a
    numeric string to an integer. Asked for only after asyncpg refused an argument."""
    stmt = await conn.prepare(query)
    fixed = list(args)
    for i, kind in enumerate(stmt.get_parameters()):
        value = fixed[i]
        if value is None:
            continue
        if kind.name in _TEXT_TYPES and not isinstance(value, str):
            fixed[i] = str(int(value)) if isinstance(value, bool) else str(value)
        elif kind.name in _INT_TYPES and isinstance(value, str):
            with suppress(ValueError):
                fixed[i] = int(value)
        elif kind.name in {"float4", "float8"} and isinstance(value, int):
            fixed[i] = float(value)
    return fixed


async def _call(method: Callable[..., Any], conn: Any, query: str, args: Sequence[Any]) -> Any:
    try:
        return await method(query, *args)
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise Conflict(str(exc)) from exc
    except asyncpg.DataError as exc:
        if not str(exc).startswith("invalid input for query argument"):
            raise DataError(str(exc)) from exc
    try:
        return await method(query, *await _coerced(conn, query, args))
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise Conflict(str(exc)) from exc
    except asyncpg.DataError as exc:
        raise DataError(str(exc)) from exc


def _rowcount(status: str) -> int:
    """The rows a command changed, from its status ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


# -- connections ----------------------------------------------------------------------


def _numeric(text: str) -> int | float:
    # sum() of integers is numeric in PostgreSQL, an integer in SQLite: money stays int.
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def _setup(conn: Any) -> None:
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=_numeric, schema="pg_catalog", format="text"
    )


def redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text


class _PgQueries(Queries):
    dialect: Dialect = "postgresql"


class PgTx(_PgQueries, Tx):
    """An open write transaction on one pooled connection."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.depth = 0

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query, args = _bind(sql, params)
        rows: list[Row] = await _call(self._conn.fetch, self._conn, query, args)
        return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        query, args = _bind(sql, params)
        row: Row | None = await _call(self._conn.fetchrow, self._conn, query, args)
        return row

    async def execute(self, sql: str, params: Params = ()) -> int:
        query, args = _bind(sql, params)
        return _rowcount(await _call(self._conn.execute, self._conn, query, args))

    async def insert(self, sql: str, params: Params = ()) -> int:
        query, args = _bind(f"{sql} RETURNING id", params)
        row = await _call(self._conn.fetchrow, self._conn, query, args)
        if row is None:
            raise Conflict("the INSERT stored no row")
        return int(row[0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        bound = [_bind(sql, params) for params in rows]
        if not bound:
            return
        query = bound[0][0]
        await _call(self._conn.executemany, self._conn, query, [[args for _, args in bound]])

    @asynccontextmanager
    async def savepoint(self, name: str = "block") -> AsyncIterator[None]:
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

    async def lock(self, table: str, row_id: Any) -> None:
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        await self._conn.execute(f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", row_id)

    async def run_sync(self, work: Callable[[SyncConnection], T]) -> T:
        """``work`` runs on a worker thread; its statements are sent by the event loop on
        this transaction's connection, each through asyncpg's statement cache.

        Each statement sent from the thread costs a thread round trip, so a batch is
        first run *optimistically* (``_BlockingConnection(fast=True)``): its savepoints
        are left out, and statements whose results it does not read yet are held and
        sent together with the next one it reads (or at the end). The webhook's common
        job then costs one round trip instead of eight (an INSERT's row count is
        guessed, see ``_Held``). If anything in that run fails, would be undone (a
        statement error, a ``ROLLBACK TO``) or was guessed wrong, the whole batch is
        undone (``sync_batch``) and run again exactly, one statement at a time with
        every savepoint, so a failing job is undone alone as before.

        A cancelled caller waits for ``work`` to finish before the transaction rolls
        back."""
        await self._conn.execute("SAVEPOINT sync_batch")
        try:
            result = await self._on_thread(work, fast=True)
        except _Redo:
            await self._conn.execute("ROLLBACK TO sync_batch")
            result = await self._on_thread(work, fast=False)
        await self._conn.execute("RELEASE sync_batch")
        return result

    async def _on_thread(self, work: Callable[[SyncConnection], T], fast: bool) -> T:
        blocking = _BlockingConnection(self, asyncio.get_running_loop(), fast)

        def whole() -> T:
            result = work(blocking)
            blocking.flush()
            return result

        job = asyncio.ensure_future(asyncio.to_thread(whole))
        try:
            return await asyncio.shield(job)
        except asyncio.CancelledError:
            while not job.done():
                with suppress(BaseException):
                    await asyncio.shield(job)
            raise

    async def _sync_send(self, statements: list[tuple[str, Sequence[Any]]]) -> list[_SyncResult]:
        """Each statement in order, its result; the first error stops the rest."""
        results = []
        for sql, params in statements:
            query, args = _bind(sql, params)
            if not args:  # a savepoint: the simple protocol, nothing to prepare
                status = await self._conn.execute(query)
                results.append(_SyncResult(_rowcount(status), []))
            elif _RETURNS_ROWS.match(query):
                rows = await _call(self._conn.fetch, self._conn, query, args)
                results.append(_SyncResult(len(rows), rows))
            else:
                status = await _call(self._conn.execute, self._conn, query, args)
                results.append(_SyncResult(_rowcount(status), []))
        return results


_RETURNS_ROWS = re.compile(r"\s*(SELECT|WITH)\b|.*\bRETURNING\b", re.IGNORECASE | re.DOTALL)


class _Redo(BaseException):
    """The optimistic run of a batch met something it cannot undo alone: run it again
    exactly. A BaseException, so the batch's own ``except Exception`` lets it through."""


class _SyncResult:
    def __init__(self, rowcount: int, rows: list[Any]) -> None:
        self.rowcount = rowcount
        self._rows = rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None


class _Held:
    """The cursor of a statement not sent yet: reading it sends everything held. An
    INSERT's row count is taken to be ``guess`` (1) without sending: a claim that finds
    its row already taken is the rare case; the count is checked when it is sent."""

    def __init__(self, conn: _BlockingConnection, guess: int | None) -> None:
        self._conn = conn
        self.guess = guess
        self.relied = False  # the work went on from the guess: check it when sent
        self.result: _SyncResult | None = None

    def _sent(self) -> _SyncResult:
        if self.result is None:
            self._conn.flush()
        assert self.result is not None
        return self.result

    @property
    def rowcount(self) -> int:
        if self.result is None and self.guess is not None:
            self.relied = True
            return self.guess
        return self._sent().rowcount

    def fetchone(self) -> Any:
        return self._sent().fetchone()


_NOT_SENT = _SyncResult(0, [])


class _BlockingConnection:
    """The connection ``run_sync`` work sees, on its worker thread. ``fast``: savepoints
    left out and statements held until a result is read (see ``PgTx.run_sync``)."""

    def __init__(self, tx: PgTx, loop: asyncio.AbstractEventLoop, fast: bool) -> None:
        self._tx = tx
        self._loop = loop
        self._fast = fast
        self._held: list[tuple[str, Sequence[Any], _Held]] = []

    def execute(self, sql: str, parameters: tuple[Any, ...] = (), /) -> SyncCursor:
        if not self._fast:
            return self._send([(sql, parameters)])[0]
        verb = sql.lstrip()[:9].upper()
        if verb.startswith(("SAVEPOINT", "RELEASE")):
            return _NOT_SENT
        if verb.startswith("ROLLBACK"):
            raise _Redo
        guess = 1 if verb.startswith("INSERT") and "RETURNING" not in sql.upper() else None
        cursor = _Held(self, guess)
        self._held.append((sql, parameters, cursor))
        return cursor

    def flush(self) -> None:
        held, self._held = self._held, []
        if not held:
            return
        try:
            results = self._send([(sql, params) for sql, params, _ in held])
        except Exception as exc:
            raise _Redo from exc
        for (_, _, cursor), result in zip(held, results, strict=True):
            if cursor.relied and result.rowcount != cursor.guess:
                raise _Redo  # the run went on from a wrong guess: redo it exactly
            cursor.result = result

    def _send(self, statements: list[tuple[str, Sequence[Any]]]) -> list[_SyncResult]:
        future = asyncio.run_coroutine_threadsafe(self._tx._sync_send(statements), self._loop)
        return future.result()


_open_tx: ContextVar[tuple[PgStore, PgTx, asyncio.Task[Any] | None] | None] = ContextVar(
    "open_pg_tx", default=None
)


class PgStore(_PgQueries, Store):
    """A pool of connections to one PostgreSQL database."""

    def __init__(self, url: str, pool: Any, serialize_writes: bool = False) -> None:
        self.path = redacted(url)
        self._url = url
        self._pool = pool
        self._lock: asyncio.Lock | None = asyncio.Lock() if serialize_writes else None
        self.closed = False
        self.on_commit: list[Callable[[], object]] = []

    @classmethod
    async def open(cls, url: str) -> PgStore:  # type: ignore[override]
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=POOL_MIN,
                max_size=POOL_MAX,
                init=_setup,
                timeout=CONNECT_TIMEOUT_S,
            )
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as e:
            raise StoreError(f"cannot open PostgreSQL {redacted(url)}: {_one_line(e)}") from e
        except ValueError as exc:  # a malformed URL
            raise StoreError(f"not a PostgreSQL URL {redacted(url)}: {_one_line(exc)}") from exc
        try:
            async with pool.acquire() as conn:
                await apply_migrations(conn)
        except asyncpg.PostgresError as exc:
            await pool.close()
            raise StoreError(f"PostgreSQL {redacted(url)}: {_one_line(exc)}") from exc
        except BaseException:
            await pool.close()
            raise
        return cls(url, pool)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query, args = _bind(sql, params)
        async with self._pool.acquire() as conn:
            rows: list[Row] = await _call(conn.fetch, conn, query, args)
            return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        query, args = _bind(sql, params)
        async with self._pool.acquire() as conn:
            row: Row | None = await _call(conn.fetchrow, conn, query, args)
            return row

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
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
        if self._lock is None:
            async with self._transaction() as tx:
                yield tx
            return
        async with self._lock, self._transaction() as tx:
            yield tx

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[PgTx]:
        async with self._pool.acquire() as conn:
            await conn.execute("BEGIN")
            tx = PgTx(conn)
            token = _open_tx.set((self, tx, asyncio.current_task()))
            try:
                yield tx
            except BaseException:
                await asyncio.shield(conn.execute("ROLLBACK"))
                raise
            finally:
                _open_tx.reset(token)
            try:
                await asyncio.shield(_call(conn.execute, conn, "COMMIT", ()))
            except BaseException:
                with suppress(asyncpg.PostgresError, asyncpg.InterfaceError):
                    await asyncio.shield(conn.execute("ROLLBACK"))
                raise
        for committed in self.on_commit:
            committed()

    async def data_version(self) -> int:
        """The next transaction id of the cluster: it moves whenever any transaction
        that writes has started (in this process or another)."""
        return int(await self.fetchval("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"))

    async def listen(
        self, handlers: Mapping[str, Callable[[str], object]], on_lost: Callable[[], object]
    ) -> Listener:
        listener = Listener(self._url, handlers, on_lost)
        await listener.start()
        return listener

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._lock is not None:
            async with self._lock:
                await self._pool.close()
        else:
            await self._pool.close()


async def apply_migrations(conn: Any) -> int:
    """Bring the database to the latest version, one step per transaction, recorded in
    ``schema_migrations``; returns the version."""
    latest = latest_version()
    # Up to date (every open but the first): one query, not a transaction per step.
    if await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL"):
        current = await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
        if current == latest:
            return latest
    version = 0
    for number, path in pg_migration_files():
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            version = int(
                await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
            )
            if version > latest:
                raise StoreError(
                    f"database schema version {version} is newer than this Shopkeep ({latest}); "
                    "upgrade Shopkeep"
                )
            if number <= version:
                continue
            await conn.execute(path.read_text(encoding="utf-8"))
            await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", number)
            version = number
    return version
