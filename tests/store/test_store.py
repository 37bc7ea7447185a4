"""The store: migrations, transactions, refusal of newer schemas."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from store.db import Conflict, Store, StoreError
from store.migrations import latest_version, migration_files, split_statements


async def test_migrates_an_empty_file_and_reopens_idempotently(tmp_path):
    path = tmp_path / "fresh.db"
    store = await Store.open(path)
    assert await store.fetchval("PRAGMA user_version") == latest_version()
    tables = {
        r[0] for r in await store.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"meta", "users", "app_passwords"} <= tables
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('probe', 'kept')")
    await store.close()

    again = await Store.open(path)
    assert await again.fetchval("PRAGMA user_version") == latest_version()
    assert await again.fetchval("SELECT value FROM meta WHERE key='probe'") == "kept"
    assert await again.fetchval("PRAGMA journal_mode") == "wal"
    assert await again.fetchval("PRAGMA foreign_keys") == 1
    await again.close()


def test_migration_files_are_numbered_without_gaps():
    numbers = [n for n, _ in migration_files()]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_rollback_on_error_leaves_nothing_half_written(tmp_path):
    store = await Store.open(tmp_path / "tx.db")
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            await tx.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
            raise RuntimeError("boom")
    assert await store.fetchval("SELECT count(*) FROM meta WHERE key IN ('a','b')") == 0
    # A constraint failure half-way rolls back the earlier statement too.
    with pytest.raises(Conflict):
        async with store.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('c', '1')")
            await tx.execute("INSERT INTO meta (key, value) VALUES ('c', '2')")
    assert await store.fetchval("SELECT count(*) FROM meta WHERE key = 'c'") == 0
    # The connection is usable afterwards.
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('d', '1')")
    assert await store.fetchval("SELECT value FROM meta WHERE key = 'd'") == "1"
    await store.close()


async def test_concurrent_transactions_serialise(tmp_path):
    import asyncio

    store = await Store.open(tmp_path / "c.db")
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")

    async def bump():
        async with store.transaction() as tx:
            value = int(await tx.fetchval("SELECT value FROM meta WHERE key='n'"))
            await asyncio.sleep(0)
            await tx.execute("UPDATE meta SET value=? WHERE key='n'", (str(value + 1),))

    await asyncio.gather(*(bump() for _ in range(50)))
    assert await store.fetchval("SELECT value FROM meta WHERE key='n'") == "50"
    await store.close()


async def test_refuses_a_database_newer_than_the_code(tmp_path):
    path = tmp_path / "new.db"
    async with aiosqlite.connect(path) as conn:
        await conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
        await conn.commit()
    with pytest.raises(StoreError, match="newer than this Shopkeep"):
        await Store.open(path)


async def test_unwritable_location_is_a_store_error(tmp_path):
    with pytest.raises(StoreError):
        await Store.open(tmp_path / "missing-dir" / "x.db")


def test_split_statements_keeps_triggers_whole():
    sql = """CREATE TABLE t (a);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = 1;
  UPDATE t SET a = 2;
END;
-- trailing comment
"""
    parts = split_statements(sql)
    assert len(parts) == 2
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")


async def test_read_only_database_is_a_clear_store_error(tmp_path):
    import os

    path = tmp_path / "ro.db"
    store = await Store.open(path)
    await store.close()
    os.chmod(path, 0o444)
    if os.access(path, os.W_OK):  # running as root: permissions do not bind
        pytest.skip("the file stays writable for this user")
    with pytest.raises(StoreError, match="not writable"):
        await Store.open(path)


async def test_locked_database_is_a_clear_store_error(tmp_path, monkeypatch):
    import store.db as db_module

    path = tmp_path / "locked.db"
    await (await Store.open(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_S", 0.2)
    try:
        with pytest.raises(StoreError, match="locked"):
            await Store.open(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def _keys(store: Store) -> set[str]:
    return {r[0] for r in await store.fetchall("SELECT key FROM meta WHERE key LIKE 'n%'")}


async def test_a_transaction_inside_another_is_part_of_it(tmp_path):
    store = await Store.open(tmp_path / "nested.db")
    async with store.transaction() as outer:
        await outer.execute("INSERT INTO meta (key, value) VALUES ('n1', '1')")
        async with store.transaction() as inner:
            assert inner is outer
            await inner.execute("INSERT INTO meta (key, value) VALUES ('n2', '1')")
        # A failed inner block undoes its own writes only; the caller decides the rest.
        with pytest.raises(Conflict):
            async with store.transaction() as inner:
                await inner.execute("INSERT INTO meta (key, value) VALUES ('n3', '1')")
                await inner.execute("INSERT INTO meta (key, value) VALUES ('n1', '2')")
    assert await _keys(store) == {"n1", "n2"}

    # The outer transaction failing undoes what the inner one had written.
    with pytest.raises(RuntimeError):
        async with store.transaction() as outer:
            async with store.transaction() as inner:
                await inner.execute("INSERT INTO meta (key, value) VALUES ('n4', '1')")
            raise RuntimeError("the caller gives up")
    assert await _keys(store) == {"n1", "n2"}
    await store.close()


async def test_another_task_does_not_join_an_open_transaction(tmp_path):
    store = await Store.open(tmp_path / "tasks.db")
    seen: list[set[str]] = []

    async def other() -> None:
        async with store.transaction() as tx:
            rows = await tx.fetchall("SELECT key FROM meta WHERE key LIKE 'n%'")
            seen.append({r[0] for r in rows})

    async with store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('n1', '1')")
        task = asyncio.create_task(other())
        await asyncio.sleep(0)  # let it start: it must wait for the write lock
        assert not task.done()
    await task
    assert seen == [{"n1"}]
    await store.close()


async def test_a_transaction_run_on_the_writer_thread_commits_or_leaves_nothing(fresh_store):
    """``run_transaction``: the work commits with its value (and the commit hooks run),
    a work that raises leaves nothing, and inside an open transaction it joins it."""
    store = fresh_store
    commits: list[int] = []
    store.on_commit.append(lambda: commits.append(1))

    def write(key: str, fail: bool = False) -> object:
        def work(conn: object) -> str:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, '1')", (key,))  # type: ignore[attr-defined]
            if fail:
                raise RuntimeError("the work gives up")
            return key

        return work

    assert await store.run_transaction(write("r1")) == "r1"
    assert commits == [1]
    with pytest.raises(RuntimeError):
        await store.run_transaction(write("r2", fail=True))
    with pytest.raises(Conflict):
        await store.run_transaction(write("r1"))  # the key exists: the work fails
    assert commits == [1]
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.run_transaction(write("r3"))  # part of the outer transaction
            raise RuntimeError("the caller gives up")
    rows = await store.fetchall("SELECT key FROM meta WHERE key LIKE 'r%'")
    assert {r[0] for r in rows} == {"r1"}
