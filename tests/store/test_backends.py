"""The store interface behaves the same on SQLite and PostgreSQL: transactions, nesting,
conflicts, run_sync, errors; and both migrated schemas hold the same tables and columns."""

from __future__ import annotations

import asyncio

import pytest

from store import sync_writer
from store.db import Conflict, Store, StoreError
from store.pg import redacted, translate


async def test_a_transaction_commits_or_rolls_back_whole(fresh_store):
    with pytest.raises(Conflict):
        async with fresh_store.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('c', '1')")
            await tx.execute("INSERT INTO meta (key, value) VALUES ('c', '2')")
    assert await fresh_store.fetchval("SELECT count(*) FROM meta WHERE key = 'c'") == 0
    async with fresh_store.transaction() as tx:
        assert await tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("d", "1")) == 1
        assert (
            await tx.execute("UPDATE meta SET value = :v WHERE key = :k", {"v": "2", "k": "d"}) == 1
        )
    row = await fresh_store.fetchone("SELECT key, value FROM meta WHERE key = ?", ("d",))
    assert row is not None
    assert (row["key"], row[1], dict(row)) == ("d", "2", {"key": "d", "value": "2"})


async def test_a_nested_transaction_is_a_savepoint_of_the_outer_one(fresh_store):
    async with fresh_store.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with pytest.raises(RuntimeError):
            async with fresh_store.transaction() as inner:
                assert inner is tx
                await inner.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
                raise RuntimeError("undo the inner block only")
    keys = [r["key"] for r in await fresh_store.fetchall("SELECT key FROM meta ORDER BY key")]
    assert "outer" in keys and "inner" not in keys


async def test_a_read_modify_write_under_a_row_lock_loses_no_update(fresh_store):
    # SQLite: one writer at a time. PostgreSQL: writers run at once (in this process
    # or others); Tx.lock makes each wait for the row, then read what the last wrote.
    async with fresh_store.transaction() as tx:
        product = await tx.insert(
            "INSERT INTO products (type, status, name, stock_quantity, created_at, modified_at)"
            " VALUES ('simple', 'publish', 'P', 0, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z')"
        )

    async def bump() -> None:
        async with fresh_store.transaction() as tx:
            await tx.lock("products", product)
            sql = "SELECT stock_quantity FROM products WHERE id = ?"
            value = await tx.fetchval(sql, (product,))
            await asyncio.sleep(0)
            await tx.execute(
                "UPDATE products SET stock_quantity = ? WHERE id = ?", (value + 1, product)
            )

    await asyncio.gather(*(bump() for _ in range(20)))
    assert (
        await fresh_store.fetchval("SELECT stock_quantity FROM products WHERE id = ?", (product,))
        == 20
    )


async def test_commit_hooks_run_once_per_outer_commit(fresh_store):
    seen: list[int] = []
    fresh_store.on_commit.append(lambda: seen.append(1))
    async with fresh_store.transaction() as tx:
        async with fresh_store.transaction():
            await tx.execute("INSERT INTO meta (key, value) VALUES ('h', '1')")
    with pytest.raises(RuntimeError):
        async with fresh_store.transaction():
            raise RuntimeError("rolled back: no hook")
    assert seen == [1]


async def test_insert_returns_the_new_id_and_ids_are_not_reused(fresh_store):
    sql = (
        "INSERT INTO users (email, email_key, role, password_hash, created_at)"
        " VALUES (?, ?, 'customer', 'x', '2030-01-01T00:00:00Z')"
    )
    async with fresh_store.transaction() as tx:
        first = await tx.insert(sql, ("a@example.com", "a@example.com"))
        await tx.execute("DELETE FROM users WHERE id = ?", (first,))
        second = await tx.insert(sql, ("b@example.com", "b@example.com"))
    assert second > first


async def test_case_insensitive_email_uniqueness_is_a_conflict(fresh_store):
    sql = (
        "INSERT INTO users (email, email_key, role, password_hash, created_at)"
        " VALUES (?, lower(?), 'customer', 'x', '2030-01-01T00:00:00Z')"
    )
    async with fresh_store.transaction() as tx:
        await tx.insert(sql, ("Ann@Example.com", "Ann@Example.com"))
    with pytest.raises(Conflict):
        async with fresh_store.transaction() as tx:
            await tx.insert(sql, ("ann@example.COM", "ann@example.COM"))


async def test_run_sync_writes_belong_to_the_transaction(fresh_store):
    def work(sql: sync_writer.SyncSql) -> str:
        sql._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("sync", "1"))
        row = sql._conn.execute("SELECT value FROM meta WHERE key = ?", ("sync",)).fetchone()
        return str(row[0])

    with pytest.raises(RuntimeError):
        async with fresh_store.transaction() as tx:
            assert await sync_writer.run(tx, work) == "1"
            raise RuntimeError("roll it back")
    assert await fresh_store.fetchval("SELECT count(*) FROM meta WHERE key = 'sync'") == 0
    async with fresh_store.transaction() as tx:
        await sync_writer.run(tx, work)
    assert await fresh_store.fetchval("SELECT value FROM meta WHERE key = 'sync'") == "1"


async def test_run_sync_counts_a_claim_that_finds_its_row_and_undoes_a_failed_job_alone(
    fresh_store,
):
    """What the webhook's batch relies on, whichever way a backend sends it (PostgreSQL:
    optimistically, then again exactly when a claim finds its row or a job fails)."""
    claim = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"

    def job(sql: sync_writer.SyncSql, key: str, value: str) -> str:
        if sql._conn.execute(claim, (key, value)).rowcount != 1:
            return "taken"
        if value == "bad":
            sql._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, "again"))
        return "claimed"

    def work(sql: sync_writer.SyncSql) -> list[str]:
        outcomes = []
        for key, value in (("a", "1"), ("b", "1"), ("a", "2"), ("c", "bad"), ("d", "1")):
            try:
                outcomes.append(sql.isolated(lambda k=key, v=value: job(sql, k, v)))
            except sync_writer.JobFailed as failed:
                assert sync_writer.is_data_error(failed.cause)
                outcomes.append("failed")
        return outcomes

    async with fresh_store.transaction() as tx:
        assert await sync_writer.run(tx, work) == [
            "claimed",
            "claimed",
            "taken",
            "failed",
            "claimed",
        ]
    rows = await fresh_store.fetchall(
        "SELECT key, value FROM meta WHERE key IN ('a', 'b', 'c', 'd')"
    )
    assert sorted((r["key"], r["value"]) for r in rows) == [("a", "1"), ("b", "1"), ("d", "1")]


async def test_the_data_version_moves_when_another_connection_commits(fresh_url):
    watcher = await Store.open(fresh_url)
    writer = await Store.open(fresh_url)
    try:
        before = await watcher.data_version()
        async with writer.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('v', '1')")
        assert await watcher.data_version() != before
    finally:
        await writer.close()
        await watcher.close()


async def test_both_backends_migrate_to_the_same_tables_and_columns(pg_database, tmp_path):
    lite = await Store.open(tmp_path / "schema.db")
    pg = await Store.open(pg_database)
    try:
        lite_tables = {
            r[0]
            for r in await lite.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%'"
            )
        }
        lite_columns = {
            (t, r["name"])
            for t in lite_tables
            for r in await lite.fetchall(f"PRAGMA table_info({t})")
        }
        pg_columns = {
            (r[0], r[1])
            for r in await pg.fetchall(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name <> 'schema_migrations'"
            )
        }
        assert pg_columns == lite_columns
        assert await pg.fetchval(
            "SELECT max(version) FROM schema_migrations"
        ) == await lite.fetchval("PRAGMA user_version")
    finally:
        await pg.close()
        await lite.close()


async def test_an_unreachable_postgresql_is_a_one_line_store_error(tmp_path):
    with pytest.raises(StoreError) as caught:
        await Store.open(f"postgresql://nobody:secret@/shop?host={tmp_path}&port=1")
    message = str(caught.value)
    assert message.startswith("cannot open PostgreSQL postgresql://nobody:***@")
    assert "\n" not in message and "secret" not in message


async def test_postgresql_refuses_a_schema_newer_than_the_code(pg_database):
    store = await Store.open(pg_database)
    async with store.transaction() as tx:
        await tx.execute("INSERT INTO schema_migrations (version) VALUES (9999)")
    await store.close()
    with pytest.raises(StoreError, match="newer than this Shopkeep"):
        await Store.open(pg_database)


def test_placeholders_are_numbered_outside_literals_and_casts():
    assert translate("SELECT '?', x FROM t WHERE a = ? AND b = ?") == (
        "SELECT '?', x FROM t WHERE a = $1 AND b = $2",
        None,
    )
    text, names = translate("SELECT ':no', v::text FROM t WHERE a = :a OR b = :b OR c = :a")
    assert text == "SELECT ':no', v::text FROM t WHERE a = $1 OR b = $2 OR c = $1"
    assert names == ("a", "b")


def test_sqlite_idioms_become_postgresql():
    text, _ = translate(
        "SELECT * FROM t WHERE name LIKE ? ESCAPE '\\' AND parent_id IS ?"
        " ORDER BY name COLLATE NOCASE"
    )
    assert text == (
        "SELECT * FROM t WHERE name ILIKE $1 ESCAPE '\\' AND parent_id IS NOT DISTINCT FROM $2"
        " ORDER BY lower(name)"
    )


def test_a_password_never_reaches_a_message():
    assert redacted("postgresql://u:pw@db:5432/shop") == "postgresql://u:***@db:5432/shop"
    assert redacted("postgresql://u@db/shop") == "postgresql://u@db/shop"
