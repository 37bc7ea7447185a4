"""Shared fixtures: a context on a fresh file database, an API client, users.

Each test's database is a copy of one migrated template; its settings make password
hashes cheap (``password_hash_cost``), so an account costs microseconds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from db_support import build_template, copy_database, test_settings
from support import Account, make_account

from service.app.assembly import build_registry, create_app
from service.app.context import Context
from service.common.clock import Clock
from service.common.config import Settings


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template") / "migrated.db")


@pytest.fixture
def settings(tmp_path: Path, migrated_db: Path) -> Settings:
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
