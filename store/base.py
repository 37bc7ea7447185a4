"""The store's interface, whatever the database: what services and store modules see.

``Store.open(url)`` picks the backend from the URL: a path (or ``sqlite:``) opens the
embedded SQLite store (store/db.py); ``postgresql://…`` opens PostgreSQL (store/pg.py).
Store modules write their SQL once, with ``?`` or ``:name`` placeholders, in the SQL both
databases accept; where they must differ they ask ``db.dialect``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from store.errors import StoreError

if TYPE_CHECKING:
    from store.search_cache import SearchCache

Params = Sequence[Any] | dict[str, Any]
Dialect = Literal["sqlite", "postgresql"]
T = TypeVar("T")


class Row(Protocol):
    """A result row: a column by name (``row["id"]``) or position, ``dict(row)``, the
    values in order. sqlite3.Row and asyncpg's Record both are one."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class SyncCursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...


class SyncConnection(Protocol):
    """What ``Tx.run_sync`` work receives: statements run one by one, no awaiting."""

    def execute(self, sql: str, parameters: tuple[Any, ...] = ..., /) -> SyncCursor: ...


class Conflict(Exception):
    """A write broke a uniqueness, reference or check rule of the schema.

    Services catch this, never the driver's own error, so both backends raise the
    same type."""


class DataError(Exception):
    """Values the database cannot store (an integer past 64 bits, a NUL in text)."""


def next_seq(table: str) -> str:
    """The SQL value of a new row's ``seq`` (its insertion order, the tie-breaker of
    lists sorted by a timestamp): one more than the table's largest. On SQLite this is
    evaluated inside the single writer's transaction, so two inserts never get the same
    number; PostgreSQL, with many writers, draws it from the table's sequence instead
    (store/pg.py rewrites this text; migration 0014)."""
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return f"(SELECT coalesce(max(seq), 0) + 1 FROM {table})"


def existing(row: Row | None, what: str) -> Row:
    """``row``, which the caller knows exists (a foreign key or its own write in this
    transaction points at it): a missing one is a broken invariant, not a user's error."""
    if row is None:
        raise StoreError(f"{what} is missing")
    return row


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


class Queries(ABC):
    """Reads, on the store (committed data) or inside a transaction."""

    dialect: Dialect

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchrow(self, sql: str, params: Params = ()) -> Row:
        """The one row of a query that always yields one (an aggregate)."""
        row = await self.fetchone(sql, params)
        if row is None:
            raise StoreError(f"no row from a query that always yields one: {sql[:60]}")
        return row

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Tx(Queries):
    """An open write transaction."""

    depth: int  # transactions nested in this one (savepoints)

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an integer ``id``; returns the new id."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    def savepoint(self, name: str = "block") -> AbstractAsyncContextManager[None]:
        """Undo this block's writes if it raises; the transaction goes on."""

    @abstractmethod
    async def run_sync(self, work: Callable[[SyncConnection], T]) -> T:
        """Run ``work(connection)`` inside this transaction, off the event loop, with
        statements that do not await (a batch sent in one go)."""

    async def lock(self, table: str, row_id: Any) -> None:
        """Hold ``table``'s row ``row_id`` until this transaction ends (a no-op where
        one writer at a time is the rule already: SQLite)."""


class Listening(Protocol):
    """Notifications from every process of a deployment (store/notify.py)."""

    @property
    def listening(self) -> bool: ...

    def changed(self) -> None:
        """This process committed: tell the other processes (coalesced)."""

    async def notify(self, channel: str, payload: str) -> None: ...

    async def close(self) -> None: ...


class Store(Queries):
    """Owns the connections. Open with ``await Store.open(url_or_path)``."""

    path: str
    closed: bool
    # Called after each committed (outermost) transaction: must not block or raise.
    on_commit: list[Callable[[], object]]
    # Searches' matched ids (store/search_cache.py): SQLite's; None on PostgreSQL.
    search_cache: SearchCache | None = None

    @classmethod
    async def open(cls, url: str | Path) -> Store:
        """The store at ``url``: ``postgresql://…`` for PostgreSQL, else a SQLite file
        (a path, or ``sqlite:PATH``)."""
        text = str(url)
        if is_postgres_url(text):
            from store.pg import PgStore

            return await PgStore.open(text)
        from store.db import SqliteStore

        return await SqliteStore.open(text.removeprefix("sqlite:"))

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A write transaction. Inside another transaction of this store, in the same
        task, it is a savepoint of that one: the outer transaction commits both or
        neither, so every service write can run inside a caller's transaction."""

    async def run_transaction(self, work: Callable[[SyncConnection], T]) -> T:
        """``work(connection)`` in a write transaction of its own (``transaction()`` and
        ``Tx.run_sync``), statements that do not await. SQLite begins, runs and commits
        it in one trip to the writer's thread."""
        async with self.transaction() as tx:
            return await tx.run_sync(work)

    @abstractmethod
    async def data_version(self) -> int:
        """A number that moves whenever another connection or process has committed."""

    async def listen(
        self, handlers: Mapping[str, Callable[[str], object]], on_lost: Callable[[], object]
    ) -> Listening | None:
        """Call ``handlers[channel](payload)`` for each notification any process's
        committed transaction sent; ``on_lost()`` when some may have been missed. None
        where one process owns the data (SQLite: its writers tell its caches directly,
        and ``data_version`` shows the commits of a console beside it)."""
        return None

    @abstractmethod
    async def close(self) -> None: ...
