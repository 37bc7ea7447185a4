"""PostgreSQL for the tests: a server, a migrated template, a fresh database per test.

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


def _run_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to the end on its own loop and thread (fixtures may be called while
    the test's loop runs)."""
    result: list[Any] = []
    error: list[BaseException] = []

    def main() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


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
            conn = await asyncpg.connect(self.admin_dsn)
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        _run_sync(run())

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        self.admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self.admin(f"CREATE DATABASE {self.template}")

        async def migrate() -> None:
            store = await Store.open(with_database(self.admin_dsn, self.template))
            await store.close()

        _run_sync(migrate())
        self._template_ready = True

    def create_database(self, migrated: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); its DSN."""
        name = f"shopkeep_t_{_WORKER}_{os.getpid()}_{next(_names)}"
        if migrated:
            self._ensure_template()
            self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY")
        else:
            self.admin(f"CREATE DATABASE {name}")
        return with_database(self.admin_dsn, name)

    def drop_database(self, dsn: str) -> None:
        name = urlsplit(dsn).path.lstrip("/")
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self._template_ready:
            self.admin(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        if self.cluster is not None:
            self.cluster.stop()
