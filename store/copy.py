"""Moving a shop between databases: ``run.py db copy SRC DST``.

Every table of SRC (a SQLite file or a PostgreSQL URL) is copied into DST, which must be
empty (a new file, an empty database, or one Shopkeep only migrated), with the ids kept.
Both are at the code's schema version: SRC is refused at another one (it is never
migrated by a copy), DST is migrated first. The copy is one transaction on DST, read
from one transaction on SRC (one consistent snapshot; on SQLite it holds SRC's write
lock, so a running shop waits for the copy).

Derived tables (the day totals, the first paid order per customer, the render and
search versions kept by triggers) are copied verbatim with DST's triggers off, so they equal SRC's
exactly; letting the triggers fire would count each order again and move the versions.
SQLite's FTS5 search tables are rebuilt from the copied rows with the migrations' own
backfill statements. Identity sequences (PostgreSQL) and ``sqlite_sequence`` are set to
the larger of SRC's high-water mark and the largest id, so no id is ever handed out twice.

Each table is then verified inside DST's transaction, before it commits: the row count
and a SHA-256 over its rows in id order (or in the order of their text, for a table
without an id), each row its values by column name, normalised (an integral float as an
integer, bytes as hex). A difference rolls the copy back.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.base import Queries, Row, Store, Tx, is_postgres_url
from store.errors import StoreError
from store.migrations import latest_version, migration_files, split_statements

BATCH = 2000
# Rows a bare migration writes (meta's render and search versions): not a user's,
# replaced by SRC's.
SEEDED_TABLES = ("meta",)
SEEDED_META_KEYS = ("settings_version", "products_search_version", "orders_search_version")


class CopyRefused(Exception):
    """SRC or DST is not fit for a copy; the message is one line."""


@dataclass(frozen=True)
class TableCheck:
    name: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass(frozen=True)
class Schema:
    tables: dict[str, list[str]]  # table -> columns, in the database's order
    parents: dict[str, set[str]]  # table -> the tables its foreign keys name (not itself)
    self_refs: dict[str, list[str]]  # table -> its columns that name its own rows

    def ordered(self) -> list[str]:
        """Parents before children (by name among equals)."""
        done: list[str] = []
        left = sorted(self.tables)
        while left:
            ready = [t for t in left if self.parents.get(t, set()) <= set(done)]
            if not ready:
                raise StoreError(f"foreign keys form a cycle among {left}")
            done.extend(ready)
            left = [t for t in left if t not in ready]
        return done


# -- probing, before anything is opened (opening migrates) -----------------------------


@dataclass(frozen=True)
class Probe:
    exists: bool
    version: int
    tables: int  # tables outside Shopkeep's migration record


async def probe(url: str) -> Probe:
    if is_postgres_url(url):
        import asyncpg

        try:
            conn = await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise CopyRefused(f"cannot connect to {_redacted(url)}: {_one_line(exc)}") from exc
        try:
            tables = int(
                await conn.fetchval(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                    " AND tablename <> 'schema_migrations'"
                )
            )
            version = 0
            if await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL"):
                version = int(
                    await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
                )
            return Probe(True, version, tables)
        finally:
            await conn.close()
    return await asyncio.to_thread(_probe_sqlite, Path(url.removeprefix("sqlite:")))


def _probe_sqlite(path: Path) -> Probe:
    if not path.exists():
        return Probe(False, 0, 0)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = int(
                conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
            )
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CopyRefused(f"{path} is not a SQLite database: {exc}") from exc
    return Probe(True, version, tables)


async def _check_source(url: str) -> None:
    found = await probe(url)
    latest = latest_version()
    if not found.exists:
        raise CopyRefused(f"no database at {url}")
    if found.version != latest:
        raise CopyRefused(
            f"the source is at schema version {found.version}, this Shopkeep at {latest}: "
            "open it once with this version's `run.py serve` (which migrates), then copy"
        )


async def _check_target_before_migrating(url: str) -> None:
    found = await probe(url)
    if not found.exists:
        return
    if found.version == 0 and found.tables:
        raise CopyRefused(f"the target holds {found.tables} tables Shopkeep did not make")
    if found.version not in (0, latest_version()):
        raise CopyRefused(
            f"the target is at schema version {found.version}, not empty: copy into a new database"
        )


# -- the schema ------------------------------------------------------------------------


async def read_schema(q: Queries) -> Schema:
    tables: dict[str, list[str]] = {}
    parents: dict[str, set[str]] = {}
    self_refs: dict[str, list[str]] = {}
    if q.dialect == "postgresql":
        for row in await q.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'"
            " AND table_name IN (SELECT tablename FROM pg_tables"
            " WHERE schemaname = current_schema())"
            " ORDER BY table_name, ordinal_position"
        ):
            tables.setdefault(row[0], []).append(row[1])
        fks = await q.fetchall(
            "SELECT child.relname, a.attname, parent.relname FROM pg_constraint c"
            " JOIN pg_class child ON child.oid = c.conrelid"
            " JOIN pg_class parent ON parent.oid = c.confrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND child.relnamespace = current_schema()::regnamespace"
        )
        links = [(r[0], r[1], r[2]) for r in fks]
    else:
        links = []
        for name in _sqlite_tables(await q.fetchall(_SQLITE_MASTER)):
            tables[name] = [r["name"] for r in await q.fetchall(f"PRAGMA table_info({name})")]
            links += [
                (name, r["from"], r["table"])
                for r in await q.fetchall(f"PRAGMA foreign_key_list({name})")
            ]
    for child, column, parent in links:
        if child == parent:
            self_refs.setdefault(child, []).append(column)
        else:
            parents.setdefault(child, set()).add(parent)
    return Schema(tables, parents, self_refs)


_SQLITE_MASTER = "SELECT type, name, sql FROM sqlite_master ORDER BY name"


def _virtual(master: Iterable[Row]) -> set[str]:
    return {
        r["name"]
        for r in master
        if r["type"] == "table" and (r["sql"] or "").upper().startswith("CREATE VIRTUAL TABLE")
    }


def _sqlite_tables(master: list[Row]) -> list[str]:
    """Plain tables: not SQLite's own, not a virtual (FTS5) table or its shadow tables."""
    virtual = _virtual(master)
    return [
        r["name"]
        for r in master
        if r["type"] == "table"
        and not r["name"].startswith("sqlite_")
        and r["name"] not in virtual
        and not any(r["name"].startswith(f"{v}_") for v in virtual)
    ]


# -- rows and their checksums ------------------------------------------------------------


def _normal(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    return str(value)


def _line(row: Row, columns: list[str]) -> bytes:
    values = [_normal(row[c]) for c in sorted(columns)]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


async def _batches(q: Queries, table: str, columns: list[str]) -> AsyncIterator[list[Row]]:
    """The rows in id order, a batch at a time (a table without an id: all at once)."""
    listed = ", ".join(columns)
    if "id" not in columns:
        yield list(await q.fetchall(f"SELECT {listed} FROM {table}"))
        return
    last: Any = None
    while True:
        if last is None:
            rows = await q.fetchall(f"SELECT {listed} FROM {table} ORDER BY id LIMIT {BATCH}")
        else:
            rows = await q.fetchall(
                f"SELECT {listed} FROM {table} WHERE id > ? ORDER BY id LIMIT {BATCH}", (last,)
            )
        if not rows:
            return
        yield list(rows)
        last = rows[-1]["id"]


class _Sum:
    """Rows counted and hashed in id order: an integer id's order is the same on both
    databases; text ids and tables without an id are hashed in the order of their lines
    (text collations differ between databases)."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows = 0
        self._hash = hashlib.sha256()
        self._lines: list[bytes] | None = None

    def add(self, rows: list[Row]) -> None:
        if self.rows == 0 and rows and not _integer_id(rows[0], self.columns):
            self._lines = []
        self.rows += len(rows)
        for row in rows:
            line = _line(row, self.columns)
            if self._lines is None:
                self._hash.update(line)
            else:
                self._lines.append(line)

    def hexdigest(self) -> str:
        if self._lines is not None:
            for line in sorted(self._lines):
                self._hash.update(line)
            self._lines = None
        return self._hash.hexdigest()[:16]


def _integer_id(row: Row, columns: list[str]) -> bool:
    return "id" in columns and isinstance(row["id"], int)


async def checksums(q: Queries, schema: Schema) -> dict[str, tuple[int, str]]:
    """Every table's (rows, checksum)."""
    result = {}
    for table in schema.ordered():
        total = _Sum(schema.tables[table])
        async for rows in _batches(q, table, schema.tables[table]):
            total.add(rows)
        result[table] = (total.rows, total.hexdigest())
    return result


def _parents_first(rows: list[Row], columns: list[str]) -> list[Row]:
    """A self-referencing table's rows, each after the row it names (a term may have
    been moved under a newer one)."""
    placed: set[Any] = set()
    ids = {row["id"] for row in rows}
    ordered: list[Row] = []
    left = rows
    while left:
        later = []
        for row in left:
            if all(row[c] is None or row[c] in placed or row[c] not in ids for c in columns):
                ordered.append(row)
                placed.add(row["id"])
            else:
                later.append(row)
        if len(later) == len(left):
            raise StoreError("rows name each other in a cycle")
        left = later
    return ordered


# -- sequences -------------------------------------------------------------------------


async def _high_water(q: Queries, schema: Schema) -> dict[str, int]:
    """The largest id each table ever handed out."""
    marks: dict[str, int] = {}
    if q.dialect == "postgresql":
        for table, columns in schema.tables.items():
            if "id" not in columns:
                continue
            seq = await q.fetchval("SELECT pg_get_serial_sequence(?, 'id')", (table,))
            if seq is not None:
                row = await q.fetchrow(f"SELECT last_value, is_called FROM {seq}")
                marks[table] = int(row[0]) if row[1] else int(row[0]) - 1
    else:
        for row in await q.fetchall("SELECT name, seq FROM sqlite_sequence"):
            marks[row[0]] = int(row[1])
    return marks


async def _set_sequences(tx: Tx, schema: Schema, marks: dict[str, int]) -> None:
    for table, columns in schema.tables.items():
        if "id" not in columns:
            continue
        if tx.dialect == "postgresql":
            seq = await tx.fetchval("SELECT pg_get_serial_sequence(?, 'id')", (table,))
            if seq is not None:
                top = await _top(tx, table, marks)
                await tx.fetchval("SELECT setval(?::regclass, ?, ?)", (seq, max(top, 1), top >= 1))
        elif await _autoincrement(tx, table):
            top = await _top(tx, table, marks)
            if top:
                await tx.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
                await tx.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, top)
                )


async def _top(tx: Tx, table: str, marks: dict[str, int]) -> int:
    """The larger of SRC's high-water mark and the largest id copied."""
    largest = await tx.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
    return max(marks.get(table, 0), int(largest))


async def _autoincrement(tx: Tx, table: str) -> bool:
    sql = await tx.fetchval(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    )
    return "AUTOINCREMENT" in (sql or "").upper()


# -- the target's triggers and derived search tables ------------------------------------


@asynccontextmanager
async def _triggers_off(tx: Tx, schema: Schema) -> AsyncIterator[None]:
    """DST's triggers off while rows go in; back on (inside the same transaction) after."""
    if tx.dialect == "postgresql":
        for table in schema.tables:
            await tx.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in schema.tables:
            await tx.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    await tx.execute("PRAGMA defer_foreign_keys = ON")
    triggers = [
        (r["name"], r["sql"])
        for r in await tx.fetchall("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    ]
    for name, _ in triggers:
        await tx.execute(f'DROP TRIGGER "{name}"')
    yield
    await _rebuild_search(tx)
    for _, sql in triggers:
        await tx.execute(sql)


_BACKFILL = re.compile(r"INSERT INTO (\w+)\s*\(rowid\b", re.IGNORECASE)


def _search_backfills(virtual: set[str]) -> dict[str, str]:
    """Each FTS table's backfill (the last migration's INSERT ... SELECT that fills it)."""
    found: dict[str, str] = {}
    for _, path in migration_files():
        for statement in split_statements(path.read_text(encoding="utf-8")):
            body = "\n".join(
                line for line in statement.splitlines() if not line.lstrip().startswith("--")
            ).strip()
            m = _BACKFILL.match(body)
            if m and m.group(1) in virtual:
                found[m.group(1)] = body
    return found


async def _rebuild_search(tx: Tx) -> None:
    virtual = _virtual(await tx.fetchall(_SQLITE_MASTER))
    backfills = _search_backfills(virtual)
    missing = virtual - set(backfills)
    if missing:
        raise StoreError(f"no backfill in the migrations for {sorted(missing)}")
    for table, sql in sorted(backfills.items()):
        await tx.execute(f"DELETE FROM {table}")
        await tx.execute(sql)


# -- the copy ------------------------------------------------------------------------------


async def _user_rows(q: Queries, schema: Schema) -> str | None:
    """The first table holding a row a user made, or None."""
    for table in schema.ordered():
        if table == "meta":
            keys = ", ".join(f"'{k}'" for k in SEEDED_META_KEYS)
            found = await q.fetchval(f"SELECT 1 FROM meta WHERE key NOT IN ({keys}) LIMIT 1")
        else:
            found = await q.fetchval(f"SELECT 1 FROM {table} LIMIT 1")
        if found is not None:
            return table
    return None


@asynccontextmanager
async def _snapshot(store: Store) -> AsyncIterator[Tx]:
    """One consistent read of SRC: a transaction that writes nothing (on PostgreSQL a
    repeatable-read one; on SQLite it holds the write lock, so writers wait)."""
    async with store.transaction() as tx:
        if tx.dialect == "postgresql":
            await tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield tx


async def copy_database(source: str, target: str) -> list[TableCheck]:
    """Copy SRC into DST (see the module's text); the per-table checks. Raises CopyRefused
    for a source or target unfit for it, StoreError when the copy failed (rolled back)."""
    if _same(source, target):
        raise CopyRefused("the source and the target are the same database")
    await _check_source(source)
    await _check_target_before_migrating(target)
    src = await Store.open(source)
    try:
        dst = await Store.open(target)
        try:
            return await _copy(src, dst)
        finally:
            await dst.close()
    finally:
        await src.close()


async def _copy(src: Store, dst: Store) -> list[TableCheck]:
    schema = await read_schema(dst)
    theirs = await read_schema(src)
    if {t: sorted(c) for t, c in theirs.tables.items()} != {
        t: sorted(c) for t, c in schema.tables.items()
    }:
        different = sorted(set(theirs.tables) ^ set(schema.tables)) or [
            t for t in schema.tables if sorted(theirs.tables.get(t, [])) != sorted(schema.tables[t])
        ]
        raise CopyRefused(f"the two schemas differ at the same version: {different[:5]}")
    busy = await _user_rows(dst, schema)
    if busy is not None:
        raise CopyRefused(f"the target is not empty: table {busy} has rows")
    async with _snapshot(src) as read, dst.transaction() as tx:
        expected = await checksums(read, schema)
        marks = await _high_water(read, schema)
        async with _triggers_off(tx, schema):
            for table in SEEDED_TABLES:
                await tx.execute(f"DELETE FROM {table}")
            for table in schema.ordered():
                await _copy_table(read, tx, schema, table)
        await _set_sequences(tx, schema, marks)
        found = await checksums(tx, schema)
        checks = [
            TableCheck(t, expected[t][0], found[t][0], expected[t][1], found[t][1])
            for t in schema.ordered()
        ]
        bad = [c.name for c in checks if not c.ok]
        if bad:
            raise StoreError(f"the copy differs from the source in {bad}; nothing was written")
    return checks


async def _copy_table(read: Queries, tx: Tx, schema: Schema, table: str) -> None:
    columns = schema.tables[table]
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    if table in schema.self_refs:
        rows: list[Row] = []
        async for batch in _batches(read, table, columns):
            rows += batch
        batches: list[list[Row]] = [_parents_first(rows, schema.self_refs[table])]
    else:
        batches = [batch async for batch in _batches(read, table, columns)]
    for batch in batches:
        await tx.executemany(insert, [tuple(row[c] for c in columns) for row in batch])


def _same(a: str, b: str) -> bool:
    if is_postgres_url(a) or is_postgres_url(b):
        return a == b
    with suppress(OSError):
        return (
            Path(a.removeprefix("sqlite:")).resolve() == Path(b.removeprefix("sqlite:")).resolve()
        )
    return a == b


def _redacted(url: str) -> str:
    from store.pg import redacted

    return redacted(url)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def report(checks: list[TableCheck]) -> str:
    """The checks as a table, one line a table and a total."""
    width = max([len(c.name) for c in checks] + [5])
    lines = [f"{'table':<{width}}  {'rows':>8}  {'source sum':<16}  {'target sum':<16}  check"]
    for c in checks:
        rows = (
            f"{c.source_rows}"
            if c.source_rows == c.target_rows
            else f"{c.source_rows}->{c.target_rows}"
        )
        mark = "ok" if c.ok else "DIFFERS"
        lines.append(
            f"{c.name:<{width}}  {rows:>8}  {c.source_sum:<16}  {c.target_sum:<16}  {mark}"
        )
    total = sum(c.target_rows for c in checks)
    lines.append(f"{len(checks)} tables, {total} rows copied and verified")
    return "\n".join(lines)
