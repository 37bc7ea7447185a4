"""A console over a real runtime (store + API on a free port).

``demo_runtime`` starts from a copy of one demo-seeded database, seeded once per
session, so console tests over the demo shop neither pay for seeding nor see each
other's writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from db_support import build_template, copy_database

from service.app.runtime import Runtime
from service.demo import seed as demo


@pytest.fixture
async def runtime(settings):
    settings.port = 0
    rt = Runtime(settings)
    await rt.open()
    await rt.start_api()
    yield rt
    await rt.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("demo") / "demo.db", demo.seed)


@pytest.fixture
async def demo_runtime(settings, demo_db: Path):
    copy_database(demo_db, Path(settings.db))
    settings.port = 0
    rt = Runtime(settings)
    await rt.open()
    await rt.start_api()
    yield rt
    await rt.close()
