"""PostgreSQL for the tests: a server, a migrated template, a fresh database per test.

"Fresh" is cheap: a test's database, handed back, is kept for the next test of the same
process and reset there with one TRUNCATE (identities restarted, the rows migrations
write put back), unless its schema no longer matches the template's (a test changed
it), when it is dropped and a new copy of the template made. Admin statements run on
one background event loop over one connection kept open.

The server is ``SHOPKEEP_TEST_PG`` (a DSN of a role that may create databases) or, when
``initdb`` and ``pg_ctl`` are installed, a throwaway cluster started once per test
process: initdb into a temporary folder, listening on a unix socket there only,
stopped when the session ends. As root (initdb refuses to run as root) the cluster runs
as the ``postgres`` user, or ``nobody``. Without either, PostgreSQL tests skip with the
reason; with ``CI=true`` they fail instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import asyncio
import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from store.db import Store

ENV_DSN = "SHOPKEEP_TEST_PG"
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_names = itertools.count(1)


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class _Runner:
    """One event loop on a daemon thread, for admin work: fixtures may be called while
    the test's own loop runs, and a connection opened here stays usable."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()


_runner: _Runner | None = None


def _run_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to the end on the admin loop (see _Runner)."""
    global _runner
    if _runner is None:
        _runner = _Runner()
    return _runner.run(coro)


# What tells a database's schema from the template's: a test that changed it (a newer
# schema version, a table or trigger of its own) gets a new copy, not a reset.
_FINGERPRINT = """
SELECT (SELECT max(version) FROM schema_migrations),
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
       (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)
"""


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="shopkeep-pg-")
        self.user = self._unprivileged_user()
        self.data = os.path.join(self.folder, "data")
        self.started = False

    @staticmethod
    def _unprivileged_user() -> str | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            return name
        raise RuntimeError("running as root and neither a postgres nor a nobody user exists")

    def _as_user(self, *command: str) -> list[str]:
        if self.user is None:
            return list(command)
        return ["runuser", "-u", self.user, "--", *command]

    def start(self, initdb: str, pg_ctl: str) -> str:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            self._as_user(
                initdb, "-D", self.data, "-U", "shopkeep", "--auth=trust", "-E", "UTF8",
                "--locale=C", "-N",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        options = (
            f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            self._as_user(
                pg_ctl, "-D", self.data, "-l", os.path.join(self.folder, "server.log"),
                "-o", options, "-w", "start",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.started = True
        atexit.register(self.stop)
        return f"postgresql://shopkeep@/postgres?host={self.folder}"

    def stop(self) -> None:
        if self.started:
            self.started = False
            pg_ctl = _tool("pg_ctl")
            if pg_ctl:
                subprocess.run(
                    self._as_user(pg_ctl, "-D", self.data, "-m", "immediate", "stop"),
                    capture_output=True,
                )
        shutil.rmtree(self.folder, ignore_errors=True)


def unavailable_reason() -> str | None:
    if os.environ.get(ENV_DSN):
        return None
    if _tool("initdb") and _tool("pg_ctl"):
        return None
    return f"PostgreSQL tests need {ENV_DSN} (a DSN) or initdb and pg_ctl on PATH"


def skip_or_fail(reason: str) -> None:
    """Skip, but fail in CI: there PostgreSQL must be there."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI requires the PostgreSQL tests to run: {reason}", pytrace=False)
    pytest.skip(reason)


class PgServer:
    """The server of this test process, and its migrated template database."""

    def __init__(self, admin_dsn: str, cluster: Cluster | None) -> None:
        self.admin_dsn = admin_dsn
        self.cluster = cluster
        self.template = f"shopkeep_tpl_{_WORKER}"
        self._template_ready = False
        self._admin: Any = None  # the admin connection, on the admin loop
        self._spare: str | None = None  # a migrated database handed back, to reset and reuse
        self._copies: set[str] = set()  # the migrated databases made here
        self._fingerprint: tuple[Any, ...] = ()
        self._reset_sql = ""
        self._seed: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}

    @classmethod
    def start(cls) -> PgServer:
        dsn = os.environ.get(ENV_DSN)
        if dsn:
            return cls(dsn, None)
        cluster = Cluster()
        try:
            dsn = cluster.start(_tool("initdb") or "initdb", _tool("pg_ctl") or "pg_ctl")
        except (OSError, subprocess.CalledProcessError, RuntimeError) as exc:
            cluster.stop()
            detail = getattr(exc, "stderr", b"") or b""
            raise RuntimeError(f"cannot start PostgreSQL: {exc} {detail.decode()[-300:]}") from exc
        return cls(dsn, cluster)

    def admin(self, *statements: str) -> None:
        async def run() -> None:
            if self._admin is None or self._admin.is_closed():
                self._admin = await asyncpg.connect(self.admin_dsn)
            for statement in statements:
                await self._admin.execute(statement)

        _run_sync(run())

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        self.admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.admin(f"CREATE DATABASE {self.template}")

        async def migrate() -> None:
            dsn = with_database(self.admin_dsn, self.template)
            store = await Store.open(dsn)
            await store.close()
            conn = await asyncpg.connect(dsn)
            try:
                await self._learn_template(conn)
            finally:
                await conn.close()

        _run_sync(migrate())
        self._template_ready = True

    async def _learn_template(self, conn: Any) -> None:
        """The template's fingerprint, the TRUNCATE that empties a copy of it, and the
        rows its migrations wrote (put back after the TRUNCATE)."""
        self._fingerprint = tuple(await conn.fetchrow(_FINGERPRINT))
        tables = [
            row[0]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_migrations' ORDER BY tablename"
            )
        ]
        self._reset_sql = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
        for table in tables:
            rows = await conn.fetch(f"SELECT * FROM {table}")
            if rows:
                self._seed[table] = (list(rows[0].keys()), [tuple(r) for r in rows])

    async def _reset(self, name: str) -> bool:
        """Empty ``name`` back to the template's state; False when it cannot be (its
        schema changed, or something still holds it)."""
        try:
            conn = await asyncpg.connect(with_database(self.admin_dsn, name))
        except (OSError, asyncpg.PostgresError):
            return False
        try:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if tuple(await conn.fetchrow(_FINGERPRINT)) != self._fingerprint:
                return False
            async with conn.transaction():
                await conn.execute("SET LOCAL lock_timeout = '5s'")
                await conn.execute(self._reset_sql)
                for table, (columns, rows) in self._seed.items():
                    await conn.copy_records_to_table(table, records=rows, columns=columns)
            return True
        except asyncpg.PostgresError:
            return False
        finally:
            await conn.close()

    def create_database(self, migrated: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); its DSN."""
        if migrated and self._spare is not None:
            name, self._spare = self._spare, None
            if _run_sync(self._reset(name)):
                return with_database(self.admin_dsn, name)
            self._copies.discard(name)
            self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        name = f"shopkeep_t_{_WORKER}_{os.getpid()}_{next(_names)}"
        if migrated:
            self._ensure_template()
            self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY")
            self._copies.add(name)
        else:
            self.admin(f"CREATE DATABASE {name}")
        return with_database(self.admin_dsn, name)

    def drop_database(self, dsn: str) -> None:
        """Done with ``dsn``: a migrated copy is kept for the next test (reset then)."""
        name = urlsplit(dsn).path.lstrip("/")
        if name in self._copies and self._spare is None:
            self._spare = name
            return
        self._copies.discard(name)
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self._spare is not None:
            self.admin(f"DROP DATABASE IF EXISTS {self._spare} WITH (FORCE)")
            self._spare = None
        if self._admin is not None:
            _run_sync(self._admin.close())
            self._admin = None
        if self._template_ready:
            self.admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        if self.cluster is not None:
            self.cluster.stop()
