"""PostgreSQL: the product, order and customer searches can be served by migration 0016's
pg_trgm indexes (each searched column its own index; with sequential scans off the plan
reads only them), and a text too short for a trigram still searches (by scanning)."""

from __future__ import annotations

from typing import Any

import pytest

from store import catalog, customers, orders
from store.base import Store
from store.pg import translate


class _Spy:
    """Records the SQL a store function sends, answering nothing."""

    dialect = "postgresql"

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        self.seen.append((sql, params))
        return []

    async def fetchval(self, sql: str, params: Any = ()) -> Any:
        self.seen.append((sql, params))
        return 0


CASES = {
    "products": (
        lambda db: catalog.list_products(db, catalog.ProductQuery(search="mug", now="2026")),
        {"products_name_trgm", "products_sku_trgm", "products_description_trgm"},
    ),
    "orders": (
        lambda db: orders.list_orders(db, orders.OrderQuery(search="alice")),
        {"orders_billing_email_trgm", "orders_billing_name_trgm", "orders_transaction_id_trgm"},
    ),
    "customers": (
        lambda db: customers.list_customers(db, customers.CustomerQuery(search="alice")),
        {"users_email_trgm", "customer_profiles_full_name_trgm"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_searches_read_the_trigram_indexes(pg_database: str, case: str) -> None:
    build, indexes = CASES[case]
    spy = _Spy()
    await build(spy)
    sql, params = spy.seen[-1]
    text, names = translate(sql)
    args = [params[n] for n in names] if names else list(params)
    store = await Store.open(pg_database)
    try:
        async with store.transaction() as tx:
            await tx.execute("SET LOCAL enable_seqscan = off")
            conn = tx._conn  # type: ignore[attr-defined]  # EXPLAIN of an already-bound text
            plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {text}", *args))
    finally:
        await store.close()
    assert {name for name in indexes if f"Index Scan on {name}" not in plan} == set(), plan
    assert "Seq Scan" not in plan, plan


async def test_a_short_search_still_finds_by_scanning(pg_database: str) -> None:
    spy = _Spy()
    await catalog.list_products(spy, catalog.ProductQuery(search="mu", now="2026"))
    assert "UNION ALL" not in spy.seen[-1][0]
    assert "LIKE :q" in spy.seen[-1][0]
