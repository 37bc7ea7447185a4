"""SQL aggregates over orders and their line items, for the analytics reports.

Every query takes a window (``after`` and ``before``, ISO UTC, both inclusive, on the
order's creation date) and the statuses that count. A customer is the account, or the
billing email for a guest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from store.catalog import in_list
from store.db import Row, Store, Tx

BUCKETS = {
    "day": "substr(o.date_created, 1, 10)",
    "week": "date(o.date_created, '-6 days', 'weekday 1')",  # the Monday starting the week
    "month": "substr(o.date_created, 1, 7) || '-01'",
}
CUSTOMER = (
    "CASE WHEN o.customer_id IS NOT NULL THEN 'u' || o.customer_id ELSE 'e' || o.billing_email END"
)
_WINDOW = "o.date_created >= :after AND o.date_created <= :before"


def _params(after: str, before: str, statuses: Sequence[str]) -> tuple[dict[str, Any], str]:
    params: dict[str, Any] = {"after": after, "before": before}
    return params, in_list("st", list(statuses), params)


async def order_totals(db: Store | Tx, after: str, before: str, statuses: Sequence[str]) -> Row:
    """count, revenue (order totals), tax, shipping."""
    params, st = _params(after, before, statuses)
    return await db.fetchrow(
        "SELECT COUNT(*) AS orders, COALESCE(SUM(o.total), 0) AS revenue,"
        " COALESCE(SUM(o.total_tax), 0) AS tax, COALESCE(SUM(o.shipping_total), 0) AS shipping"
        f" FROM orders o WHERE o.status IN ({st}) AND {_WINDOW}",
        params,
    )


async def items_sold(db: Store | Tx, after: str, before: str, statuses: Sequence[str]) -> int:
    params, st = _params(after, before, statuses)
    return await db.fetchval(
        "SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id"
        f" WHERE i.item_type = 'line_item' AND o.status IN ({st}) AND {_WINDOW}",
        params,
    )


async def series(
    db: Store | Tx, after: str, before: str, interval: str, paid: Sequence[str]
) -> list[Row]:
    """Per bucket: orders (outside the trash), paid orders and their revenue."""
    params, st = _params(after, before, paid)
    return await db.fetchall(
        f"SELECT {BUCKETS[interval]} AS bucket, COUNT(*) AS orders,"
        f" COUNT(CASE WHEN o.status IN ({st}) THEN 1 END) AS paid_orders,"
        f" COALESCE(SUM(CASE WHEN o.status IN ({st}) THEN o.total END), 0) AS revenue"
        f" FROM orders o WHERE o.status <> 'trash' AND {_WINDOW} GROUP BY bucket",
        params,
    )


async def status_counts(db: Store | Tx, after: str, before: str) -> list[Row]:
    return await db.fetchall(
        "SELECT o.status, COUNT(*) AS orders, COALESCE(SUM(o.total), 0) AS total FROM orders o"
        f" WHERE o.status <> 'trash' AND {_WINDOW} GROUP BY o.status",
        {"after": after, "before": before},
    )


async def top_products(
    db: Store | Tx, after: str, before: str, paid: Sequence[str], orderby: str, limit: int
) -> list[Row]:
    """Products by units sold or by net revenue (line totals after discounts, no tax)."""
    params, st = _params(after, before, paid)
    params["limit"] = limit
    order = (
        "net_revenue DESC, items_sold DESC"
        if orderby == "revenue"
        else ("items_sold DESC, net_revenue DESC")
    )
    return await db.fetchall(
        "SELECT i.product_id, COALESCE(p.name, MAX(i.name)) AS name, SUM(i.quantity) AS items_sold,"
        " SUM(i.total) AS net_revenue, COUNT(DISTINCT i.order_id) AS orders"
        " FROM order_items i JOIN orders o ON o.id = i.order_id"
        " LEFT JOIN products p ON p.id = i.product_id"
        f" WHERE i.item_type = 'line_item' AND o.status IN ({st}) AND {_WINDOW}"
        f" GROUP BY i.product_id ORDER BY {order}, i.product_id LIMIT :limit",
        params,
    )


async def new_and_returning(
    db: Store | Tx, after: str, before: str, paid: Sequence[str]
) -> tuple[int, int]:
    """Customers with a paid order in the window whose first paid order ever is in it
    (new), or before it (returning)."""
    params, st = _params(after, before, paid)
    row = await db.fetchrow(
        "SELECT COALESCE(SUM(first >= :after), 0) AS new, COALESCE(SUM(first < :after), 0)"
        f" AS old FROM (SELECT {CUSTOMER} AS who, MIN(o.date_created) AS first"
        f" FROM orders o WHERE o.status IN ({st}) AND o.date_created <= :before GROUP BY who"
        f" HAVING MAX(o.date_created >= :after) = 1)",
        params,
    )
    return row["new"], row["old"]


async def top_customers(
    db: Store | Tx, after: str, before: str, paid: Sequence[str], limit: int
) -> list[Row]:
    params, st = _params(after, before, paid)
    params["limit"] = limit
    return await db.fetchall(
        f"SELECT {CUSTOMER} AS who, COALESCE(MAX(o.customer_id), 0) AS customer_id,"
        " MAX(o.billing_email) AS email,"
        " MAX(trim(COALESCE(json_extract(o.billing, '$.first_name'), '') || ' ' ||"
        " COALESCE(json_extract(o.billing, '$.last_name'), ''))) AS name,"
        " COUNT(*) AS orders, SUM(o.total) AS total_spent"
        f" FROM orders o WHERE o.status IN ({st}) AND {_WINDOW}"
        " GROUP BY who ORDER BY total_spent DESC, orders DESC, who LIMIT :limit",
        params,
    )
