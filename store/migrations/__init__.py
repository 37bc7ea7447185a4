"""Numbered SQL migrations applied by ``PRAGMA user_version``.

Files are ``NNNN_name.sql`` in this folder. Each is applied in its own
``BEGIN IMMEDIATE`` transaction, statement by statement (never ``executescript``,
which would commit the open transaction), together with the new ``user_version``,
so a step is all-or-nothing. The version is re-read inside the transaction, so two
processes opening the same new file do not apply a step twice.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import aiosqlite

from store.errors import StoreError

_HERE = Path(__file__).parent
_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def migration_files() -> list[tuple[int, Path]]:
    steps = []
    for path in _HERE.iterdir():
        m = _NAME.match(path.name)
        if m:
            steps.append((int(m.group(1)), path))
    steps.sort()
    return steps


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
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


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
        await conn.execute("BEGIN IMMEDIATE")
        try:
            if await current_version(conn) >= number:
                await conn.rollback()
                continue
            for statement in split_statements(path.read_text(encoding="utf-8")):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {number:d}")
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()
    return await current_version(conn)
