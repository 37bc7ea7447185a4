"""Shared fixtures: a context on a fresh file database, an API client, users.

Each test's database is a copy of one migrated template; its settings make password
hashes cheap (``password_hash_cost``), so an account costs microseconds."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from db_support import build_template, copy_database, test_settings
from pg_support import PgServer, skip_or_fail, unavailable_reason
from support import Account, make_account

from service.app.assembly import build_registry, create_app
from service.app.context import Context
from service.common.clock import Clock
from service.common.config import Settings

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("SHOPKEEP_TEST_BACKEND", "sqlite"),
        help="the database under the ctx/client fixtures (tests/store runs on both)",
    )


def _sendable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A report whose captured text holds a lone surrogate (hostile input echoed in a
    log line or an assertion) cannot cross to xdist's controller, which encodes it as
    UTF-8: the worker dies with an internal error. Shown escaped instead."""
    report.sections = [(title, _sendable(text)) for title, text in report.sections]
    if report.longrepr is not None:
        text = str(report.longrepr)
        if _sendable(text) != text:
            report.longrepr = _sendable(text)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database the ``settings`` (so ``ctx`` and ``client``) fixtures use."""
    return str(request.config.getoption("--backend"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = unavailable_reason()
    if reason:
        skip_or_fail(reason)
    server = PgServer.start()
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (a copy of the template); its DSN."""
    dsn = pg_server.create_database()
    yield dsn
    pg_server.drop_database(dsn)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "migrated.db")


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Settings:
    if backend == "postgresql":
        dsn = request.getfixturevalue("pg_database")
        return test_settings(dsn, tmp_path / "test.log")
    migrated_db = request.getfixturevalue("migrated_db")
    copy_database(migrated_db, tmp_path / "test.db")
    return test_settings(tmp_path / "test.db", tmp_path / "test.log")


@pytest.fixture
def clock() -> Clock:
    """Override in a test module with a FrozenClock to move time."""
    return Clock()


@pytest.fixture
async def ctx(settings: Settings, clock: Clock) -> AsyncIterator[Context]:
    context = await Context.open(settings, clock)
    context.registry = build_registry()
    yield context
    await context.close()


@pytest.fixture
async def client(aiohttp_client, ctx: Context):
    return await aiohttp_client(create_app(ctx))


@pytest.fixture
async def admin(ctx: Context) -> Account:
    return await make_account(ctx, "admin@example.com", "administrator", "Admin")


@pytest.fixture
async def manager(ctx: Context) -> Account:
    return await make_account(ctx, "manager@example.com", "shop_manager", "Manager")


@pytest.fixture
async def customer(ctx: Context) -> Account:
    return await make_account(ctx, "alice@example.com", "customer", "Alice")


@pytest.fixture
async def other_customer(ctx: Context) -> Account:
    return await make_account(ctx, "bob@example.com", "customer", "Bob")
