"""The tables migration 0010 derives from orders and products (per-day sums, first paid
orders, trigram search indexes) agree with the rows they are derived from after every
kind of write, and reading through them answers exactly what scanning did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from service import analytics, catalog
from service.demo import seed as demo
from service.orders import crud as orders
from store import analytics as analytics_sql
from store import catalog as catalog_sql
from store import orders as order_sql
from store import shop as shop_sql
from store.catalog import ProductQuery
from store.orders import OrderQuery
from store.shop import ShopQuery

DAYS_FROM_ORDERS = """
SELECT substr(o.date_created, 1, 10), o.status, COUNT(*), SUM(o.total), SUM(o.total_tax),
       SUM(o.shipping_total),
       COALESCE(SUM((SELECT SUM(quantity) FROM order_items i
                     WHERE i.order_id = o.id AND i.item_type = 'line_item')), 0)
FROM orders o GROUP BY 1, 2 ORDER BY 1, 2
"""
FIRSTS_FROM_ORDERS = f"""
SELECT {analytics_sql.CUSTOMER} AS who, MIN(o.date_created) FROM orders o
WHERE o.status IN ('processing', 'completed') GROUP BY who ORDER BY who
"""


async def _derived_agree(ctx: Any) -> None:
    days = await ctx.store.fetchall(
        "SELECT day, status, orders, revenue, tax, shipping, items FROM order_days"
        " WHERE orders <> 0 OR revenue <> 0 OR tax <> 0 OR shipping <> 0 OR items <> 0"
        " ORDER BY day, status"
    )
    assert [tuple(r) for r in days] == [
        tuple(r) for r in await ctx.store.fetchall(DAYS_FROM_ORDERS)
    ]
    firsts = await ctx.store.fetchall(
        "SELECT who, first_paid FROM customer_first_paid ORDER BY who"
    )
    assert [tuple(r) for r in firsts] == [
        tuple(r) for r in await ctx.store.fetchall(FIRSTS_FROM_ORDERS)
    ]
    if ctx.store.dialect != "sqlite":
        return  # PostgreSQL searches without the FTS5 tables
    indexed = await ctx.store.fetchall(
        "SELECT rowid, email, state, item_names, item_skus FROM orders_search ORDER BY rowid"
    )
    assert [tuple(r) for r in indexed] == [
        tuple(r)
        for r in await ctx.store.fetchall(
            "SELECT o.id, lower(o.billing_email), o.status,"
            " COALESCE((SELECT lower(group_concat(i.name, char(10))) FROM order_items i"
            "  WHERE i.order_id = o.id AND i.item_type = 'line_item'), ''),"
            " COALESCE((SELECT lower(group_concat(i.sku, char(10))) FROM order_items i"
            "  WHERE i.order_id = o.id AND i.item_type = 'line_item'), '')"
            " FROM orders o ORDER BY o.id"
        )
    ]
    indexed = await ctx.store.fetchall(
        "SELECT n.rowid, n.name, n.sku, t.short_description, t.description FROM products_search n"
        " JOIN products_text_search t ON t.rowid = n.rowid ORDER BY n.rowid"
    )
    assert [tuple(r) for r in indexed] == [
        tuple(r)
        for r in await ctx.store.fetchall(
            "SELECT id, lower(name), lower(sku), lower(short_description), lower(description)"
            " FROM products ORDER BY id"
        )
    ]


@pytest.fixture
async def shop(ctx):
    await demo.seed(ctx)
    return ctx


async def test_the_derived_tables_follow_every_kind_of_order_write(shop):
    ctx = shop
    await _derived_agree(ctx)  # the demo: creates, refunds, coupons, notes
    rows, _ = await order_sql.list_orders(ctx.store, OrderQuery(limit=200))
    paid = next(r for r in rows if r["status"] == "processing")
    guest = next(r for r in rows if r["customer_id"] is None and r["status"] == "completed")
    await orders.update_order(ctx, paid["id"], {"status": "completed"})
    await orders.update_order(ctx, guest["id"], {"billing": {"email": "moved@example.com"}})
    await orders.update_order(ctx, guest["id"], {"status": "refunded"})
    items = await order_sql.items_of(ctx.store, [paid["id"]])
    line = next(i for i in items if i["item_type"] == "line_item")
    async with ctx.store.transaction() as tx:
        await tx.execute(
            "UPDATE order_items SET quantity = quantity + 2 WHERE id = ?", (line["id"],)
        )
        await tx.execute(
            "UPDATE orders SET date_created = '2020-02-02T10:00:00Z', total = total + 5"
            " WHERE id = ?",
            (paid["id"],),
        )
    async with ctx.store.transaction() as tx:
        await tx.execute("UPDATE order_items SET name = 'Renamed LINE' WHERE id = ?", (line["id"],))
        await tx.execute(
            "UPDATE products SET name = 'Renamed PRODUCT', description = 'New TEXT' WHERE id = ?",
            (line["product_id"],),
        )
    await _derived_agree(ctx)
    await orders.delete_order(ctx, rows[3]["id"])  # to the trash
    await orders.delete_order(ctx, rows[4]["id"], force=True)  # its items cascade
    await orders.delete_order(ctx, paid["id"], force=True)
    async with ctx.store.transaction() as tx:
        await tx.execute(
            "DELETE FROM users WHERE id = (SELECT customer_id FROM orders"
            " WHERE customer_id IS NOT NULL AND status = 'completed' LIMIT 1)"
        )
    await _derived_agree(ctx)


async def _overview_by_scan(ctx: Any, after: str, before: str) -> dict[str, Any]:
    """What the overview's figures were when every one scanned the orders."""
    params = {"after": after, "before": before}
    window = "o.date_created >= :after AND o.date_created <= :before"
    paid = "o.status IN ('processing', 'completed')"
    total = await ctx.store.fetchone(
        f"SELECT COUNT(*), COALESCE(SUM(o.total), 0), COALESCE(SUM(o.total_tax), 0),"
        f" COALESCE(SUM(o.shipping_total), 0) FROM orders o WHERE {paid} AND {window}",
        params,
    )
    refunds = await ctx.store.fetchone(
        f"SELECT COUNT(*), COALESCE(SUM(o.total), 0) FROM orders o"
        f" WHERE o.status = 'refunded' AND {window}",
        params,
    )
    units = await ctx.store.fetchval(
        "SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id"
        f" WHERE i.item_type = 'line_item' AND {paid} AND {window}",
        params,
    )
    series = await ctx.store.fetchall(
        f"SELECT substr(o.date_created, 1, 10), COUNT(*), COUNT(CASE WHEN {paid} THEN 1 END),"
        f" COALESCE(SUM(CASE WHEN {paid} THEN o.total END), 0) FROM orders o"
        f" WHERE o.status <> 'trash' AND {window} GROUP BY 1 ORDER BY 1",
        params,
    )
    new, _ = await analytics_sql.new_and_returning(
        ctx.store, after, before, ("completed", "processing")
    )
    return {
        "paid": tuple(total),
        "refunds": tuple(refunds),
        "items": units,
        "series": [tuple(r) for r in series],
        "new": new,
    }


async def _overview_by_sums(ctx: Any, after: str, before: str) -> dict[str, Any]:
    paid = ("completed", "processing")
    total = await analytics_sql.order_totals(ctx.store, after, before, paid)
    refunds = await analytics_sql.order_totals(ctx.store, after, before, ("refunded",))
    series = await analytics_sql.series(ctx.store, after, before, "day", paid)
    return {
        "paid": (total["orders"], total["revenue"], total["tax"], total["shipping"]),
        "refunds": (refunds["orders"], refunds["revenue"]),
        "items": await analytics_sql.items_sold(ctx.store, after, before, paid),
        "series": sorted(
            (r["bucket"], r["orders"], r["paid_orders"], r["revenue"]) for r in series
        ),
        "new": await analytics_sql.new_customers(ctx.store, after, before, paid),
    }


async def test_the_overview_from_daily_sums_matches_a_scan_of_the_orders(shop):
    ctx = shop
    now = ctx.clock.now().replace(microsecond=0)
    windows = [
        analytics.read_window({"period": p}, now) for p in ("7d", "30d", "90d", "12m")
    ]  # whole days, and today up to now
    for window in windows:
        after, before = analytics._range(window)
        assert await _overview_by_sums(ctx, after, before) == await _overview_by_scan(
            ctx, after, before
        )
    # Partial days at both edges, a window inside one day, an empty one.
    for start, end in ((40, 3), (20, 19.5), (5, 5), (200, 150)):
        after = (now - timedelta(days=start, hours=5, minutes=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        before = (now - timedelta(days=end, hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if after > before:
            after, before = before, after
        assert await _overview_by_sums(ctx, after, before) == await _overview_by_scan(
            ctx, after, before
        )


SEARCHES = ["", "a", "ar", "ara", "SARA", "احمدی", "کمالی", "@example", "mail.test", "10%",
            "x_y", '"quoted', "TSH", "tsh-001", "ماگ", "Mug", "1", "12", "123", "#5", "0912",
            "zzzzzz", "äpfel", "ÄPFEL", "Äpfel", "STRASSE", "straße", "kelvin", "äp-1",
            "ÄP-"]  # fmt: skip


async def test_searching_through_the_trigram_index_finds_what_a_scan_finds(shop, monkeypatch):
    ctx = shop
    now = "2030-01-01T00:00:00Z"
    await catalog.create_product(
        ctx, {"name": "ÄPFEL Straße Kelvin", "sku": "Äp-1", "regular_price": "10"}
    )

    async def every_search() -> list[Any]:
        found: list[Any] = []
        for text in SEARCHES:
            rows, total = await order_sql.list_orders(ctx.store, OrderQuery(limit=500, search=text))
            found.append(("orders", text, [r["id"] for r in rows], total))
            rows, total = await catalog_sql.list_products(
                ctx.store, ProductQuery(now=now, limit=500, search=text)
            )
            found.append(("products", text, [r["id"] for r in rows], total))
            rows = await catalog_sql.search(ctx.store, text, 500, now)
            found.append(("order form", text, [r["id"] for r in rows]))
            rows, total = await shop_sql.list_products(
                ctx.store,
                ShopQuery(now=now, visibilities=("visible", "search"), limit=500, search=text),
            )
            found.append(("shop", text, [r["id"] for r in rows], total))
        return found

    indexed = await every_search()
    assert any(hit[2] for hit in indexed if hit[1] == "احمدی")
    for module in (order_sql, catalog_sql):  # the shop searches through catalog_sql
        monkeypatch.setattr(module, "trigram_match", lambda text, columns: None)
    assert indexed == await every_search()


async def test_a_search_matching_many_orders_pages_and_counts_as_one_matching_few(
    shop, monkeypatch
):
    """Past ``DENSE`` matches the index is searched once for the count and the page."""
    ctx = shop

    async def pages(text: str) -> list[Any]:
        found = []
        for offset in (0, 3, 40, 10_000):
            for order in ("desc", "asc"):
                query = OrderQuery(limit=5, offset=offset, order=order, search=text)
                rows, total = await order_sql.list_orders(ctx.store, query)
                found.append(([r["id"] for r in rows], total))
        return found

    texts = ["example", "mail.test", "Mug", "کمالی"]
    few = [await pages(text) for text in texts]
    assert all(found[0][1] > 2 for found in few)  # each is dense below
    monkeypatch.setattr(order_sql, "DENSE", 2)
    assert [await pages(text) for text in texts] == few


async def test_a_page_of_product_refs_is_the_page_and_total_a_scan_finds(shop, monkeypatch):
    """The served listings (ids and versions, the total in the same statement: a search's
    matches kept once, the newest walked in date order) answer what the scan answers."""
    ctx = shop
    now = "2030-01-01T00:00:00Z"
    await catalog.create_product(ctx, {"name": "Mug rack", "sku": "RACK-1", "status": "draft"})

    async def every_page() -> list[Any]:
        found: list[Any] = []
        for text in ["", "mug", "Mug", "tsh", "ماگ", "zzzzzz", "ar", "shirt"]:
            for orderby, order, offset in [
                ("date", "desc", 0), ("date", "asc", 3), ("date", "desc", 10_000),
                ("title", "asc", 2), ("price", "desc", 0), ("id", "asc", 1),
            ]:  # fmt: skip
                paging = {"limit": 4, "offset": offset, "orderby": orderby, "order": order}
                query = ProductQuery(now=now, search=text, **paging)
                refs = await catalog_sql.list_refs(ctx.store, query)
                rows, total = await catalog_sql.list_products(ctx.store, query)
                assert [r[0] for r in refs.items] == [r["id"] for r in rows]
                found.append(("products", text, orderby, refs.items, refs.total, total))
                shop_query = ShopQuery(
                    now=now, visibilities=("visible", "search"), search=text, **paging
                )
                refs = await shop_sql.list_refs(ctx.store, shop_query)
                rows, total = await shop_sql.list_products(ctx.store, shop_query)
                assert [r[0] for r in refs.items] == [r["id"] for r in rows]
                found.append(("shop", text, orderby, refs.items, refs.total, total))
        return found

    indexed = await every_page()
    assert all(hit[4] == hit[5] for hit in indexed)
    assert any(hit[4] > 4 and hit[1] == "mug" for hit in indexed)  # more than a page
    monkeypatch.setattr(catalog_sql, "trigram_match", lambda text, columns: None)
    assert indexed == await every_page()
