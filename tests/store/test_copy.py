"""``run.py db copy``: a demo shop copied SQLite -> PostgreSQL -> SQLite answers the API
exactly as before, every table's checksum equal; unfit targets and sources refused.
The PostgreSQL half skips without PostgreSQL (fails under CI=true: pg_server)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import db_support
import pytest
from aiohttp.test_utils import TestClient
from db_support import build_template
from pg_support import PgServer
from support import PASSWORD, make_account

from run import main
from service.app.assembly import build_registry, create_app
from service.app.context import Context
from service.demo import seed as demo
from store.copy import CopyRefused, copy_database

W = "/wp-json/woonoow/v1"
ROUTES = [
    f"{W}/products?per_page=50",
    f"{W}/products?search=mug",
    f"{W}/products/categories",
    f"{W}/orders?per_page=50",
    f"{W}/orders?search=a",
    f"{W}/orders/1",
    f"{W}/orders/1/notes",
    f"{W}/customers?per_page=50",
    f"{W}/customers/search?search=a",
    f"{W}/coupons",
    f"{W}/licenses",
    f"{W}/analytics/overview?after=2020-01-01T00:00:00Z&before=2030-01-01T00:00:00Z&interval=month",
    f"{W}/analytics/products?after=2020-01-01T00:00:00Z&before=2030-01-01T00:00:00Z&interval=month",
    f"{W}/analytics/customers?after=2020-01-01T00:00:00Z&before=2030-01-01T00:00:00Z&interval=month",
    f"{W}/shop/products?per_page=50",
    f"{W}/shop/search?q=tea",
    f"{W}/settings",
    "/api/v1/integrations/tokens/",
    "/api/v1/integrations/woocommerce/events/",
    "/api/v1/web-knowledge/products/",
    "/api/v1/audit/?limit=100",
]


async def _demo_with_admin(ctx: Context) -> None:
    await demo.seed(ctx)
    await make_account(ctx, "copy-admin@example.com", "administrator", "Copy Admin")


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("demo") / "shop.db", _demo_with_admin)


async def _answers(aiohttp_client: Any, db: Path | str, tmp_path: Path) -> dict[str, Any]:
    ctx = await Context.open(db_support.test_settings(db, tmp_path / f"{id(db)}.log"))
    ctx.registry = build_registry()
    try:
        client: TestClient = await aiohttp_client(create_app(ctx))
        resp = await client.post(
            "/api/v1/auth/login/",
            json={"email": "copy-admin@example.com", "password": PASSWORD},
        )
        auth = {"Authorization": f"Bearer {(await resp.json())['access']}"}
        answers = {}
        host = f"{client.host}:{client.port}"
        for route in ROUTES:
            got = await client.get(route, headers=auth)
            answers[route] = (got.status, json.loads((await got.text()).replace(host, "HOST")))
        await client.close()
        return answers
    finally:
        await ctx.close()


async def test_a_demo_shop_goes_to_postgresql_and_back_unchanged(
    demo_shop: Path, pg_server: PgServer, tmp_path: Path, aiohttp_client: Any
) -> None:
    pg = pg_server.create_database(migrated=False)
    back = tmp_path / "back.db"
    try:
        there = await copy_database(str(demo_shop), pg)
        again = await copy_database(pg, str(back))
        assert [c.name for c in there] == [c.name for c in again]
        assert all(c.ok for c in there + again)
        assert {c.name: c.source_sum for c in there} == {c.name: c.target_sum for c in again}
        assert sum(c.target_rows for c in there) > 200
        before = await _answers(aiohttp_client, demo_shop, tmp_path)
        failed = {r: (status, body) for r, (status, body) in before.items() if status != 200}
        assert failed == {}
        assert await _answers(aiohttp_client, back, tmp_path) == before
        on_pg = await _answers(aiohttp_client, pg, tmp_path)
        assert {r: a for r, a in on_pg.items()} == before
    finally:
        pg_server.drop_database(pg)


async def test_sqlite_to_sqlite_keeps_ids_and_never_reuses_one(demo_shop: Path, tmp_path: Path):
    target = tmp_path / "copy.db"
    checks = await copy_database(str(demo_shop), str(target))
    assert all(c.ok for c in checks)
    with sqlite3.connect(demo_shop) as a, sqlite3.connect(target) as b:
        query = "SELECT name, seq FROM sqlite_sequence ORDER BY name"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        search = "SELECT rowid FROM products_search WHERE products_search MATCH '\"mug\"'"
        assert a.execute(search).fetchall() == b.execute(search).fetchall() != []
    a.close()
    b.close()


def test_a_target_with_rows_is_refused_with_one_line_and_exit_2(
    demo_shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "busy.db"
    assert main(["db", "copy", str(demo_shop), str(target)]) == 0
    out = capsys.readouterr().out
    assert "products " in out and "rows copied and verified" in out and "DIFFERS" not in out
    with pytest.raises(CopyRefused, match="the target is not empty: table"):
        asyncio.run(copy_database(str(demo_shop), str(target)))
    assert main(["db", "copy", str(demo_shop), str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "db copy refused: the target is not empty" in err


async def test_a_source_at_another_schema_version_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    with pytest.raises(CopyRefused, match="the source is at schema version 5"):
        await copy_database(str(old), str(tmp_path / "new.db"))
    assert not (tmp_path / "new.db").exists()
    with pytest.raises(CopyRefused, match="no database at"):
        await copy_database(str(tmp_path / "missing.db"), str(tmp_path / "new.db"))


async def test_a_postgresql_target_with_rows_is_refused(demo_shop: Path, pg_database: str) -> None:
    await copy_database(str(demo_shop), pg_database)
    with pytest.raises(CopyRefused, match="the target is not empty"):
        await copy_database(str(demo_shop), pg_database)
