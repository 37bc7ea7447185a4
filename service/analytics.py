"""Analytics: overview, products, orders and customers over a window of time.

A window is a ``period`` (7d, 30d, 90d: that many calendar days ending today; 12m: twelve
calendar months ending this month) or ``after``/``before`` (inclusive; a bare date is
the whole day), on the orders' creation date, in UTC. Series have one entry per
``interval`` (day; week, starting Monday; month), empty ones included.

Figures, all from SQL aggregates over the orders tables:
- revenue: the totals (tax and shipping included) of paid orders (processing, completed);
  orders: their count; average_order_value: revenue / orders (rounded half up);
  net_sales: revenue less tax and shipping; items_sold: units on their lines;
- refunds: the totals of refunded orders (refund_count: how many);
- new customers: first paid order ever in the window; returning: an earlier one too.
  A customer is the account, or the billing email for a guest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from service.common.clock import iso
from service.common.order_states import PAID_STATUSES
from service.common.validation import Payload, invalid_params
from service.orders.input import ORDER_STATUSES
from service.pricing import format_amount, round_half_up
from service.settings import shop_settings as store_settings
from store import analytics as sql

if TYPE_CHECKING:
    from service.app.context import Context

PERIODS = ("7d", "30d", "90d", "12m")
INTERVALS = ("day", "week", "month")
DEFAULT_INTERVAL = {"7d": "day", "30d": "day", "90d": "week", "12m": "month"}
MAX_BUCKETS = 1000
PAID = tuple(sorted(PAID_STATUSES))


@dataclass(frozen=True)
class Window:
    after: datetime
    before: datetime
    interval: str
    period: str | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "after": iso(self.after),
            "before": iso(self.before),
            "interval": self.interval,
        }

    def buckets(self) -> list[str]:
        """The first day of every interval the window touches, as YYYY-MM-DD."""
        day = self.after.date()
        if self.interval == "week":
            day -= timedelta(days=day.weekday())
        elif self.interval == "month":
            day = day.replace(day=1)
        out = []
        while day <= self.before.date():
            out.append(day.isoformat())
            day = _next(day, self.interval)
        return out


def _next(day: date, interval: str) -> date:
    if interval == "day":
        return day + timedelta(days=1)
    if interval == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def read_window(params: Any, now: datetime) -> Window:
    """``period``, ``after``, ``before``, ``interval`` from a request or a console."""
    p = Payload(params)
    period = p.choice("period", PERIODS) if p.raw("period") not in (None, "") else None
    interval = p.choice("interval", INTERVALS) if p.raw("interval") not in (None, "") else None
    after = p.date("after")
    before = p.date("before", end_of_day=True)
    p.check()
    today = now.astimezone(UTC).date()
    if period or not (after or before):
        period = period or "30d"
        end = now
        if period == "12m":
            month = today.replace(day=1)
            for _ in range(11):
                month = (month - timedelta(days=1)).replace(day=1)
            start = _start(month)
        else:
            start = _start(today - timedelta(days=int(period[:-1]) - 1))
    else:
        period = None
        end = before or now
        start = after or _start(end.date() - timedelta(days=29))
    if start > end:
        raise invalid_params({"after": "after must be on or before before."})
    window = Window(start, end, interval or DEFAULT_INTERVAL.get(period or "", "day"), period)
    if len(window.buckets()) > MAX_BUCKETS:
        raise invalid_params(
            {"interval": f"interval: more than {MAX_BUCKETS} {window.interval}s; use a longer one."}
        )
    return window


def _range(window: Window) -> tuple[str, str]:
    return iso(window.after) or "", iso(window.before) or ""


async def _series(ctx: Context, window: Window, dp: int) -> list[dict[str, Any]]:
    after, before = _range(window)
    found = {
        r["bucket"]: r for r in await sql.series(ctx.store, after, before, window.interval, PAID)
    }
    out = []
    for bucket in window.buckets():
        row = found.get(bucket)
        out.append(
            {
                "date": bucket,
                "orders": row["orders"] if row else 0,
                "paid_orders": row["paid_orders"] if row else 0,
                "revenue": format_amount(row["revenue"] if row else 0, dp),
            }
        )
    return out


async def overview(ctx: Context, window: Window) -> dict[str, Any]:
    after, before = _range(window)
    money = await store_settings.store_money(ctx)
    dp = money.decimals
    paid = await sql.order_totals(ctx.store, after, before, PAID)
    refunded = await sql.order_totals(ctx.store, after, before, ("refunded",))
    new = await sql.new_customers(ctx.store, after, before, PAID)
    average = round_half_up(Fraction(paid["revenue"], paid["orders"])) if paid["orders"] else 0
    return {
        **window.describe(),
        "currency": money.currency,
        "revenue": format_amount(paid["revenue"], dp),
        "net_sales": format_amount(paid["revenue"] - paid["tax"] - paid["shipping"], dp),
        "orders": paid["orders"],
        "average_order_value": format_amount(average, dp),
        "items_sold": await sql.items_sold(ctx.store, after, before, PAID),
        "new_customers": new,
        "refunds": format_amount(refunded["revenue"], dp),
        "refund_count": refunded["orders"],
        "series": await _series(ctx, window, dp),
    }


def _product(row: Any, dp: int) -> dict[str, Any]:
    return {
        "product_id": row["product_id"],
        "name": row["name"],
        "items_sold": row["items_sold"],
        "net_revenue": format_amount(row["net_revenue"], dp),
        "orders": row["orders"],
    }


async def products(ctx: Context, window: Window, limit: int = 10) -> dict[str, Any]:
    after, before = _range(window)
    dp = await store_settings.decimals(ctx)
    by = {
        key: await sql.top_products(ctx.store, after, before, PAID, key, limit)
        for key in ("quantity", "revenue")
    }
    return {
        **window.describe(),
        "items_sold": await sql.items_sold(ctx.store, after, before, PAID),
        "top_by_quantity": [_product(r, dp) for r in by["quantity"]],
        "top_by_revenue": [_product(r, dp) for r in by["revenue"]],
    }


async def orders(ctx: Context, window: Window) -> dict[str, Any]:
    after, before = _range(window)
    dp = await store_settings.decimals(ctx)
    counts = {status: 0 for status in ORDER_STATUSES}
    amounts = {status: 0 for status in ORDER_STATUSES}
    for row in await sql.status_counts(ctx.store, after, before):
        counts[row["status"]] = row["orders"]
        amounts[row["status"]] = row["total"]
    return {
        **window.describe(),
        "orders": sum(counts.values()),
        "by_status": counts,
        "totals_by_status": {s: format_amount(v, dp) for s, v in amounts.items()},
        "series": await _series(ctx, window, dp),
    }


async def customers(ctx: Context, window: Window, limit: int = 10) -> dict[str, Any]:
    after, before = _range(window)
    dp = await store_settings.decimals(ctx)
    new, returning = await sql.new_and_returning(ctx.store, after, before, PAID)
    top = await sql.top_customers(ctx.store, after, before, PAID, limit)
    return {
        **window.describe(),
        "new_customers": new,
        "returning_customers": returning,
        "top_customers": [
            {
                "customer_id": r["customer_id"],
                "name": r["name"],
                "email": r["email"],
                "orders": r["orders"],
                "total_spent": format_amount(r["total_spent"], dp),
            }
            for r in top
        ],
    }
