"""The store suite runs on both backends: every test that reaches a database through the
``backend`` fixture (``ctx``, ``client``, ``fresh_store``) runs once on each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pg_support import PgServer

from store.db import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of the backend (no migration yet): a file path or a DSN."""
    if backend == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    dsn = server.create_database(migrated=False)
    yield dsn
    server.drop_database(dsn)


@pytest.fixture
async def fresh_store(fresh_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(fresh_url)
    yield opened
    await opened.close()
