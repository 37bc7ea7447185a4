"""SQL aggregates over orders and their line items, for the analytics reports.

Every query takes a window (``after`` and ``before``, ISO UTC, both inclusive, on the
order's creation date) and the statuses that count. A customer is the account, or the
billing email for a guest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
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
# The paid statuses the ``customer_first_paid`` table (migration 0010) is kept for.
FIRST_PAID_STATUSES = ("completed", "processing")
_FIRST, _LAST = "T00:00:00Z", "T23:59:59Z"  # a day's range of ISO UTC seconds


def _params(after: str, before: str, statuses: Sequence[str]) -> tuple[dict[str, Any], str]:
    params: dict[str, Any] = {"after": after, "before": before}
    return params, in_list("st", list(statuses), params)


def _whole_days(after: str, before: str) -> tuple[str, str] | None:
    """The first and last day that lie wholly inside [after, before], if any."""
    first = date.fromisoformat(after[:10])
    if after > after[:10] + _FIRST:
        first += timedelta(days=1)
    last = date.fromisoformat(before[:10])
    if before < before[:10] + _LAST:
        last -= timedelta(days=1)
    return (first.isoformat(), last.isoformat()) if first <= last else None


def _facts(after: str, before: str, params: dict[str, Any]) -> str:
    """A CTE ``facts (day, status, orders, revenue, tax, shipping, items)`` of the window:
    whole days from ``order_days``, the partial days at its edges from the orders."""
    units = (
        "(SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i"
        " WHERE i.order_id = o.id AND i.item_type = 'line_item')"
    )
    edge_rows = (
        "SELECT substr(o.date_created, 1, 10), o.status, 1, o.total, o.total_tax,"
        f" o.shipping_total, {units} FROM orders o WHERE "
    )
    head = "WITH facts (day, status, orders, revenue, tax, shipping, items) AS ("
    days = _whole_days(after, before)
    if days is None:
        return f"{head}{edge_rows}{_WINDOW})"
    params["day1"], params["day2"] = days
    params["edge1"], params["edge2"] = days[0] + _FIRST, days[1] + _LAST
    return (
        f"{head}SELECT day, status, orders, revenue, tax, shipping, items FROM order_days"
        " WHERE day >= :day1 AND day <= :day2"
        f" UNION ALL {edge_rows}o.date_created >= :after AND o.date_created < :edge1"
        f" UNION ALL {edge_rows}o.date_created > :edge2 AND o.date_created <= :before)"
    )


async def order_totals(db: Store | Tx, after: str, before: str, statuses: Sequence[str]) -> Row:
    """count, revenue (order totals), tax, shipping."""
    params, st = _params(after, before, statuses)
    return await db.fetchrow(
        f"{_facts(after, before, params)} SELECT COALESCE(SUM(orders), 0) AS orders,"
        " COALESCE(SUM(revenue), 0) AS revenue, COALESCE(SUM(tax), 0) AS tax,"
        f" COALESCE(SUM(shipping), 0) AS shipping FROM facts WHERE status IN ({st})",
        params,
    )


async def items_sold(db: Store | Tx, after: str, before: str, statuses: Sequence[str]) -> int:
    params, st = _params(after, before, statuses)
    return await db.fetchval(
        f"{_facts(after, before, params)} SELECT COALESCE(SUM(items), 0) FROM facts"
        f" WHERE status IN ({st})",
        params,
    )


FACT_BUCKETS = {
    "day": "day",
    "week": "date(day, '-6 days', 'weekday 1')",
    "month": "substr(day, 1, 7) || '-01'",
}


async def series(
    db: Store | Tx, after: str, before: str, interval: str, paid: Sequence[str]
) -> list[Row]:
    """Per bucket: orders (outside the trash), paid orders and their revenue."""
    params, st = _params(after, before, paid)
    return await db.fetchall(
        f"{_facts(after, before, params)} SELECT {FACT_BUCKETS[interval]} AS bucket,"
        " SUM(orders) AS orders,"
        f" SUM(CASE WHEN status IN ({st}) THEN orders ELSE 0 END) AS paid_orders,"
        f" COALESCE(SUM(CASE WHEN status IN ({st}) THEN revenue END), 0) AS revenue"
        " FROM facts WHERE status <> 'trash' GROUP BY bucket HAVING SUM(orders) > 0",
        params,
    )


async def status_counts(db: Store | Tx, after: str, before: str) -> list[Row]:
    params: dict[str, Any] = {"after": after, "before": before}
    return await db.fetchall(
        f"{_facts(after, before, params)} SELECT status, SUM(orders) AS orders,"
        " COALESCE(SUM(revenue), 0) AS total FROM facts WHERE status <> 'trash'"
        " GROUP BY status HAVING SUM(orders) > 0",
        params,
    )


async def new_customers(db: Store | Tx, after: str, before: str, paid: Sequence[str]) -> int:
    """Customers whose first paid order ever is in the window (the ``new`` of
    ``new_and_returning``), from ``customer_first_paid`` when ``paid`` is what it keeps."""
    if tuple(sorted(paid)) != FIRST_PAID_STATUSES:
        return (await new_and_returning(db, after, before, paid))[0]
    return await db.fetchval(
        "SELECT COUNT(*) FROM customer_first_paid WHERE first_paid >= ? AND first_paid <= ?",
        (after, before),
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
        "SELECT i.product_id, COALESCE(MAX(p.name), MAX(i.name)) AS name,"
        " SUM(i.quantity) AS items_sold,"
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
        "SELECT COALESCE(SUM(CASE WHEN first >= :after THEN 1 ELSE 0 END), 0) AS new,"
        " COALESCE(SUM(CASE WHEN first < :after THEN 1 ELSE 0 END), 0)"
        f" AS old FROM (SELECT {CUSTOMER} AS who, MIN(o.date_created) AS first"
        f" FROM orders o WHERE o.status IN ({st}) AND o.date_created <= :before GROUP BY who"
        f" HAVING MAX(o.date_created) >= :after) AS firsts",
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
