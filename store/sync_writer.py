"""The webhook's writes, run synchronously on the writer connection's own thread.

A webhook touches three or four rows. Sent one statement at a time, each statement
is a round trip to the database thread while the write lock is held, and those
round trips, not SQLite, limit throughput. ``run`` hands a whole batch of events to
the writer thread in one go, inside the caller's open transaction. Events of several
tenants share that transaction, so each runs in its own savepoint (``isolated``): one
that fails is undone alone and the others still commit. (On PostgreSQL the batch runs
on a worker thread that hands statements to the event loop, first optimistically
without savepoints and held together, again exactly if a job fails: store/pg.py
``PgTx.run_sync``.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from store import audit as audit_sql
from store.base import Conflict, DataError, Dialect, SyncConnection
from store.db import Store, Tx, next_seq

T = TypeVar("T")


async def run(tx: Tx, work: Callable[[SyncSql], T]) -> T:
    """Run ``work(SyncSql)`` on the writer's thread, inside the open transaction ``tx``."""
    return await tx.run_sync(lambda conn: work(SyncSql(conn, tx.dialect)))


async def run_transaction(store: Store, work: Callable[[SyncSql], T]) -> T:
    """Run ``work(SyncSql)`` in a transaction of its own: on SQLite the BEGIN, the work
    and the COMMIT are one trip to the writer's thread."""
    return await store.run_transaction(lambda conn: work(SyncSql(conn, store.dialect)))


# The advisory-lock namespace of webhook owners (PostgreSQL; two int4 keys).
_OWNER_LOCKS = 0x5359_4E43


def _insert(conn: SyncConnection, table: str, row: dict[str, Any], conflict: str = "") -> int:
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(
        f"INSERT INTO {table} ({names}, seq) VALUES ({marks}, {next_seq(table)}){conflict}",
        tuple(row.values()),
    )
    return cursor.rowcount


class JobFailed(Exception):
    """A job raised inside ``SyncSql.isolated``; its writes were undone, the
    transaction goes on. The job's own exception is ``cause``."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


def is_data_error(exc: BaseException) -> bool:
    """The values themselves cannot be stored: text the database cannot encode (an
    unpaired surrogate, a NUL in PostgreSQL), an integer past 64 bits, a constraint they
    break."""
    return isinstance(
        exc, (UnicodeEncodeError, OverflowError, sqlite3.IntegrityError, Conflict, DataError)
    )


class SyncSql:
    """Statements for one transaction on the writer thread (no awaiting here)."""

    def __init__(self, conn: SyncConnection, dialect: Dialect = "sqlite") -> None:
        self._conn = conn
        self._dialect = dialect
        # With many writers (PostgreSQL) a product is read FOR UPDATE: two events for
        # one product, in two processes, apply one after the other, each checking
        # staleness against what the other stored.
        self._for_update = " FOR UPDATE" if dialect == "postgresql" else ""

    def isolated(self, work: Callable[[], T]) -> T:
        """``work()`` in its own savepoint. If it raises, its writes are undone and
        :class:`JobFailed` is raised; if the undoing itself fails (the transaction is
        gone), that error is raised instead and the whole transaction must fail."""
        self._conn.execute("SAVEPOINT sync_job")
        try:
            result = work()
        except Exception as exc:
            self._conn.execute("ROLLBACK TO sync_job")
            self._conn.execute("RELEASE sync_job")
            raise JobFailed(exc) from exc
        self._conn.execute("RELEASE sync_job")
        return result

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo this block's writes if it raises; the transaction goes on."""
        self._conn.execute("SAVEPOINT sync_event")
        try:
            yield
        except Exception:
            self._conn.execute("ROLLBACK TO sync_event")
            self._conn.execute("RELEASE sync_event")
            raise
        self._conn.execute("RELEASE sync_event")

    def hold_owners(self, user_ids: Iterable[int]) -> None:
        """Before a group's events: hold each owner's lock until the commit (PostgreSQL).

        Two processes' groups holding the same owner's events (a plugin retrying against
        both) would otherwise claim them in different orders and deadlock on the event
        log's unique key; taken in id order first, one group waits for the other and
        then finds its claims (``skipped``). Owners are independent, so other tenants'
        groups do not wait. SQLite has one writer: nothing to do."""
        if self._dialect != "postgresql":
            return
        for user_id in sorted(set(user_ids)):
            key = user_id & 0x7FFF_FFFF  # int4; two owners sharing a key only wait more
            self._conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_OWNER_LOCKS, key))

    def audit(self, entry: dict[str, Any]) -> None:
        """One audit log entry (store/audit.py's ``insert``), in this transaction."""
        self._conn.execute(audit_sql.INSERT_SQL, audit_sql.insert_params(entry))

    # -- the event log -----------------------------------------------------------------

    def claim_event(self, row: dict[str, Any]) -> bool:
        """Insert unless (user_id, event_id) exists; True when this call inserted it."""
        return (
            _insert(self._conn, "sync_events", row, " ON CONFLICT (user_id, event_id) DO NOTHING")
            == 1
        )

    def event_by_key(self, user_id: int, event_id: str) -> Any:
        return self._conn.execute(
            "SELECT id, status, action, product_id FROM sync_events "
            "WHERE user_id = ? AND event_id = ?",
            (user_id, event_id),
        ).fetchone()

    def note_duplicate(self, row_id: str, when: str) -> None:
        self._conn.execute(
            "UPDATE sync_events SET duplicates = duplicates + 1, updated_at = ? WHERE id = ?",
            (when, row_id),
        )

    def retry_event(self, row_id: str, row: dict[str, Any]) -> None:
        """Take over a failed event's row for a new attempt."""
        assignments = ", ".join(f"{name} = ?" for name in row)
        self._conn.execute(
            f"UPDATE sync_events SET {assignments}, attempts = attempts + 1 WHERE id = ?",
            (*row.values(), row_id),
        )

    def finish_event(self, row_id: str, **outcome: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in outcome)
        self._conn.execute(
            f"UPDATE sync_events SET {assignments} WHERE id = ?", (*outcome.values(), row_id)
        )

    # -- products ----------------------------------------------------------------------

    def product_by_external(self, user_id: int, source: str, external_id: str) -> Any:
        return self._conn.execute(
            "SELECT id, is_active, date_modified, content_hash FROM knowledge_products "
            "WHERE user_id = ? AND external_source = ? AND external_id = ?" + self._for_update,
            (user_id, source, external_id),
        ).fetchone()

    def insert_product(self, row: dict[str, Any]) -> bool:
        """Insert unless the owner's product exists (another process stored it after our
        read: ON CONFLICT waits for its commit); True when this call inserted it."""
        conflict = " ON CONFLICT (user_id, external_source, external_id) DO NOTHING"
        return _insert(self._conn, "knowledge_products", row, conflict) == 1

    def update_product(self, product_id: str, row: dict[str, Any]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in row)
        self._conn.execute(
            f"UPDATE knowledge_products SET {assignments} WHERE id = ?",
            (*row.values(), product_id),
        )

    def deactivate_product(self, product_id: str, when: str, date_modified: str | None) -> None:
        self._conn.execute(
            "UPDATE knowledge_products SET is_active = 0, deleted_at = ?, updated_at = ?, "
            "date_modified = coalesce(?, date_modified) WHERE id = ?",
            (when, when, date_modified, product_id),
        )
