"""What ``Tx.run_sync`` relies on in aiosqlite beyond its public API (store/db.py).

aiosqlite 0.22 has no public way to run a callable on a connection's thread, so
``run_sync`` uses its private queue entry ``Connection._execute``. If an upgrade
changes that, these fail with the reason instead of the webhook failing in production.
"""

from __future__ import annotations

import inspect
import sqlite3
import threading

import aiosqlite
import pytest

from store import db
from store.db import Store


def test_the_installed_aiosqlite_is_the_pinned_series():
    assert aiosqlite.__version__.startswith("0.22."), (
        "store/db.py Tx.run_sync uses aiosqlite's private Connection._execute; "
        "check it against the new release before moving the pin in pyproject.toml"
    )


def test_the_private_queue_entry_is_still_a_coroutine_function():
    assert db._on_connection_thread is aiosqlite.Connection._execute
    assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)


@pytest.fixture
async def store(tmp_path):
    opened = await Store.open(tmp_path / "contract.db")
    yield opened
    await opened.close()


async def test_run_sync_runs_on_the_writer_thread_inside_the_transaction(store):
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('async', '1')")

        def work(conn: sqlite3.Connection) -> tuple[int, int | None, bool]:
            # sees the transaction's own uncommitted row, and writes into it
            seen = conn.execute("SELECT count(*) FROM meta WHERE key = 'async'").fetchone()[0]
            conn.execute("INSERT INTO meta (key, value) VALUES ('sync', '1')")
            return seen, threading.get_ident(), conn.in_transaction

        seen, work_thread, in_transaction = await tx.run_sync(work)
        assert (seen, in_transaction) == (1, True)
        await tx._conn.create_function("thread_id", 0, threading.get_ident)
        assert await tx.fetchval("SELECT thread_id()") == work_thread
    assert await store.fetchval("SELECT count(*) FROM meta WHERE key IN ('async', 'sync')") == 2


async def test_run_sync_writes_roll_back_with_the_transaction(store):
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.run_sync(lambda conn: conn.execute("INSERT INTO meta VALUES ('gone', '1')"))
            raise RuntimeError("undo")
    assert await store.fetchval("SELECT count(*) FROM meta WHERE key = 'gone'") == 0
