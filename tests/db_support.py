"""Template databases: migrate (or seed) once per session, copy per test.

A test's database is a copy of a template file, so every test starts from the same
state without paying for migrations or demo seeding again."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from service.app.context import Context
from service.common.config import Settings
from store.db import Store

# scrypt N = 2**4 for accounts made in tests: a hash costs microseconds, not 50 ms.
TEST_PASSWORD_HASH_COST = 4

Seeder = Callable[[Context], Awaitable[object]]


# The key sealing API key secrets on PostgreSQL, where no file sits beside the database.
TEST_SECRET_KEY = "c2hvcGtlZXAtdGVzdHMtb25seS1zZWNyZXQta2V5ISE="


def test_settings(db: Path | str, log: Path) -> Settings:
    """Settings for a test's database: a SQLite file, or a PostgreSQL DSN."""
    if isinstance(db, str) and db.startswith("postgresql://"):
        return Settings(
            db=db,
            log_file=str(log),
            password_hash_cost=TEST_PASSWORD_HASH_COST,
            secret_key=TEST_SECRET_KEY,
        )
    return Settings(db=str(db), log_file=str(log), password_hash_cost=TEST_PASSWORD_HASH_COST)


async def _build(path: Path, seed: Seeder | None) -> None:
    if seed is None:
        store = await Store.open(path)
        await store.close()
        return
    ctx = await Context.open(test_settings(path, path.with_suffix(".log")))
    try:
        await seed(ctx)
    finally:
        await ctx.close()


def build_template(path: Path, seed: Seeder | None = None) -> Path:
    """A migrated database at ``path``, seeded by ``seed`` if given, in one self-contained file."""
    asyncio.run(_build(path, seed))
    with sqlite3.connect(path) as conn:  # fold the WAL into the file so one copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def copy_database(template: Path, db: Path) -> None:
    shutil.copyfile(template, db)
