"""Numbered SQL migrations applied by ``PRAGMA user_version``.

Files are ``NNNN_name.sql`` in this folder; a step whose SQL must differ on PostgreSQL
has a twin ``NNNN_name.pg.sql`` that store/pg.py applies instead (one numbered
sequence). On SQLite each is applied in its own ``BEGIN IMMEDIATE`` transaction,
statement by statement (never ``executescript``, which would commit the open
transaction), together with the new ``user_version``,
so a step is all-or-nothing. The version is re-read inside the transaction, so two
processes opening the same new file do not apply a step twice.

A file whose first line is ``-- migration: foreign_keys off`` rebuilds tables (SQLite's
12-step ALTER): it runs with foreign-key enforcement off, because dropping a parent table
with enforcement on fires its ON DELETE actions on every child row, and the pragma cannot
change inside a transaction. ``PRAGMA foreign_key_check`` must find no violation the
step did not start with before it commits; enforcement is restored afterwards.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import aiosqlite

from store.errors import StoreError

_HERE = Path(__file__).parent
_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
_FOREIGN_KEYS_OFF = "-- migration: foreign_keys off"


def migration_files() -> list[tuple[int, Path]]:
    steps = []
    for path in _HERE.iterdir():
        m = _NAME.match(path.name)
        if m:
            steps.append((int(m.group(1)), path))
    steps.sort()
    return steps


_PG_NAME = re.compile(r"^(\d{4})_[\w-]+\.pg\.sql$")


def pg_migration_files() -> list[tuple[int, Path]]:
    """The PostgreSQL sequence: the same numbers, each step's ``NNNN_name.pg.sql`` twin
    where it has one (a step whose SQL must differ), else its ``NNNN_name.sql``."""
    twins = {}
    for path in _HERE.iterdir():
        m = _PG_NAME.match(path.name)
        if m:
            twins[int(m.group(1))] = path
    return [(number, twins.get(number, path)) for number, path in migration_files()]


def latest_version() -> int:
    steps = migration_files()
    return steps[-1][0] if steps else 0


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers stay whole)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip() and not buf.strip().startswith("--"):
        raise ValueError("incomplete SQL statement at end of migration")
    return statements


async def current_version(conn: aiosqlite.Connection) -> int:
    return await _pragma(conn, "user_version")


async def _pragma(conn: aiosqlite.Connection, name: str) -> int:
    async with conn.execute(f"PRAGMA {name}") as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def _violations(conn: aiosqlite.Connection) -> set[tuple[object, ...]]:
    """Rows whose foreign key names a missing parent: (table, rowid, parent, key index)."""
    async with conn.execute("PRAGMA foreign_key_check") as cur:
        return {tuple(row) for row in await cur.fetchall()}


async def apply_migrations(conn: aiosqlite.Connection) -> int:
    """Bring the database to the latest version; returns it."""
    steps = migration_files()
    latest = steps[-1][0] if steps else 0
    version = await current_version(conn)
    if version > latest:
        raise StoreError(
            f"database schema version {version} is newer than this Shopkeep ({latest}); "
            "upgrade Shopkeep"
        )
    for number, path in steps:
        if number <= version:
            continue
        sql = path.read_text(encoding="utf-8")
        if sql.startswith(_FOREIGN_KEYS_OFF):
            enforced = await _pragma(conn, "foreign_keys")
            await conn.execute("PRAGMA foreign_keys=OFF")
            try:
                await _apply(conn, number, sql, check_foreign_keys=True)
            finally:
                await conn.execute(f"PRAGMA foreign_keys={int(enforced):d}")
        else:
            await _apply(conn, number, sql, check_foreign_keys=False)
    return await current_version(conn)


async def _apply(
    conn: aiosqlite.Connection, number: int, sql: str, check_foreign_keys: bool
) -> None:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        if await current_version(conn) >= number:
            await conn.rollback()
            return
        before = await _violations(conn) if check_foreign_keys else set()
        for statement in split_statements(sql):
            await conn.execute(statement)
        if check_foreign_keys:
            broken = await _violations(conn) - before
            if broken:
                raise StoreError(f"migration {number:04d} breaks foreign keys: {list(broken)[:5]}")
        await conn.execute(f"PRAGMA user_version = {number:d}")
    except BaseException:
        await conn.rollback()
        raise
    await conn.commit()
