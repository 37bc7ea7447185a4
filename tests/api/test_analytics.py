"""Analytics against hand-computed figures on a fixed set of orders (frozen clock).

Today is Sunday 2026-03-15 12:00 UTC. No tax, no shipping; Mug 10.00, Tote 25.00.

  #1 2026-02-01 alice  mug x1            completed  10.00  (before the 30-day window)
  #2 2026-03-01 alice  mug x2            completed  20.00
  #3 2026-03-05 bob    tote x1           processing 25.00
  #4 2026-03-05 guest  mug x1 + tote x2  completed  60.00  (g@example.com)
  #5 2026-03-10 bob    mug x3            pending    30.00
  #6 2026-03-12 alice  tote x1           completed, refunded on 03-13: 25.00
  #7 2026-03-14 guest2 mug x1            cancelled  10.00
  #8 2026-03-15 bob    tote x2           processing 50.00

30 days = 2026-02-14 .. today. Paid (processing, completed): #2 #3 #4 #8 = 155.00 over 4
orders, average 38.75, items 2 + 1 + 3 + 2 = 8. Refunds: #6, 25.00. Customers: bob and
the guest are new (first paid order in the window); alice is returning (#1).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from orders_support import BASE, configure, lines, product

from service.common.clock import FrozenClock
from service.orders import crud as orders

TODAY = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FrozenClock(TODAY)


@pytest.fixture
async def dataset(ctx, clock, customer, other_customer):
    await configure(ctx, tax={"calc_taxes": False})
    mug = await product(ctx, "Mug", "10")
    tote = await product(ctx, "Tote", "25")
    alice, bob = customer.user.id, other_customer.user.id
    plan = [
        ("2026-02-01", {"customer_id": alice}, [(mug, 1)], "completed"),
        ("2026-03-01", {"customer_id": alice}, [(mug, 2)], "completed"),
        ("2026-03-05", {"customer_id": bob}, [(tote, 1)], "processing"),
        ("2026-03-05", {"billing": {"email": "g@example.com", "first_name": "Guest"}},
         [(mug, 1), (tote, 2)], "completed"),
        ("2026-03-10", {"customer_id": bob}, [(mug, 3)], "pending"),
        ("2026-03-12", {"customer_id": alice}, [(tote, 1)], "completed"),
        ("2026-03-14", {"billing": {"email": "g2@example.com"}}, [(mug, 1)], "cancelled"),
        ("2026-03-15", {"customer_id": bob}, [(tote, 2)], "processing"),
    ]  # fmt: skip
    made = []
    for day, who, items, status in plan:
        clock.at = datetime.fromisoformat(f"{day}T09:00:00+00:00")
        order = await orders.create_order(
            ctx, {**who, "line_items": lines(*items), "status": status}
        )
        made.append(order["id"])
    clock.at = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    await orders.update_order(ctx, made[5], {"status": "refunded"})
    clock.at = TODAY
    return {"mug": mug, "tote": tote, "orders": made, "alice": alice, "bob": bob}


async def get(client, account, path, query=""):
    resp = await client.get(f"{BASE}/analytics/{path}?{query}", headers=account.auth)
    body = await resp.json()
    assert resp.status == 200, body
    return body


async def test_overview_30_days(client, admin, dataset):
    body = await get(client, admin, "overview", "period=30d")
    assert (body["after"], body["before"]) == ("2026-02-14T00:00:00Z", "2026-03-15T12:00:00Z")
    assert body["interval"] == "day" and body["currency"] == "USD"
    assert body["revenue"] == "155.00" and body["net_sales"] == "155.00"
    assert body["orders"] == 4 and body["average_order_value"] == "38.75"
    assert body["items_sold"] == 8 and body["new_customers"] == 2
    assert (body["refunds"], body["refund_count"]) == ("25.00", 1)
    series = body["series"]
    assert len(series) == 30 and series[0]["date"] == "2026-02-14"
    busy = {s["date"]: (s["orders"], s["paid_orders"], s["revenue"]) for s in series if s["orders"]}
    assert busy == {
        "2026-03-01": (1, 1, "20.00"),
        "2026-03-05": (2, 2, "85.00"),
        "2026-03-10": (1, 0, "0.00"),
        "2026-03-12": (1, 0, "0.00"),
        "2026-03-14": (1, 0, "0.00"),
        "2026-03-15": (1, 1, "50.00"),
    }
    assert sum(float(s["revenue"]) for s in series) == 155.0


async def test_overview_agrees_with_the_orders_it_sums(client, admin, dataset):
    body = await get(client, admin, "overview", "after=2026-02-14&before=2026-03-15")
    listed = await client.get(
        f"{BASE}/orders?status=processing,completed&after=2026-02-14&before=2026-03-15"
        "&per_page=100",
        headers=admin.auth,
    )
    paid = await listed.json()
    assert len(paid) == body["orders"] == 4
    assert f"{sum(float(o['total']) for o in paid):.2f}" == body["revenue"]
    assert sum(i["quantity"] for o in paid for i in o["line_items"]) == body["items_sold"]


async def test_weeks_start_on_monday_and_months_on_the_first(client, admin, dataset):
    weekly = await get(client, admin, "overview", "period=30d&interval=week")
    assert [(s["date"], s["revenue"]) for s in weekly["series"]] == [
        ("2026-02-09", "0.00"),
        ("2026-02-16", "0.00"),
        ("2026-02-23", "20.00"),
        ("2026-03-02", "85.00"),
        ("2026-03-09", "50.00"),
    ]
    yearly = await get(client, admin, "overview", "period=12m")
    assert yearly["interval"] == "month" and yearly["after"] == "2025-04-01T00:00:00Z"
    months = {s["date"]: s["revenue"] for s in yearly["series"]}
    assert len(months) == 12
    assert (months["2026-02-01"], months["2026-03-01"]) == ("10.00", "155.00")
    assert yearly["revenue"] == "165.00" and yearly["new_customers"] == 3


async def test_overview_7_days(client, admin, dataset):
    body = await get(client, admin, "overview", "period=7d")
    assert body["after"] == "2026-03-09T00:00:00Z"
    assert (body["revenue"], body["orders"], body["items_sold"]) == ("50.00", 1, 2)
    assert body["new_customers"] == 0  # bob's first paid order was on 03-05
    assert body["refunds"] == "25.00" and len(body["series"]) == 7


async def test_products_top_sellers(client, admin, dataset):
    body = await get(client, admin, "products", "period=30d")
    assert body["items_sold"] == 8
    assert [(p["name"], p["items_sold"], p["net_revenue"], p["orders"])
            for p in body["top_by_quantity"]] == [
        ("Tote", 5, "125.00", 3),
        ("Mug", 3, "30.00", 2),
    ]  # fmt: skip
    assert [p["product_id"] for p in body["top_by_revenue"]] == [dataset["tote"], dataset["mug"]]
    one = await get(client, admin, "products", "period=30d&per_page=1")
    assert len(one["top_by_quantity"]) == 1


async def test_orders_by_status_and_series(client, admin, dataset):
    body = await get(client, admin, "orders", "period=30d")
    assert body["orders"] == 7
    assert body["by_status"] == {
        "pending": 1, "processing": 2, "on-hold": 0, "completed": 2, "cancelled": 1,
        "refunded": 1, "failed": 0,
    }  # fmt: skip
    assert body["totals_by_status"]["processing"] == "75.00"
    assert sum(s["orders"] for s in body["series"]) == 7


async def test_customers_new_returning_and_top(client, admin, dataset):
    body = await get(client, admin, "customers", "period=30d")
    assert (body["new_customers"], body["returning_customers"]) == (2, 1)
    assert [(c["customer_id"], c["orders"], c["total_spent"]) for c in body["top_customers"]] == [
        (dataset["bob"], 2, "75.00"),
        (0, 1, "60.00"),
        (dataset["alice"], 1, "20.00"),
    ]
    assert body["top_customers"][1]["email"] == "g@example.com"
    assert body["top_customers"][1]["name"] == "Guest"


async def test_window_arguments(client, admin, dataset):
    default = await get(client, admin, "overview")
    assert default["period"] == "30d"
    day = await get(client, admin, "overview", "after=2026-03-05&before=2026-03-05")
    assert (day["after"], day["before"]) == ("2026-03-05T00:00:00Z", "2026-03-05T23:59:59Z")
    assert day["revenue"] == "85.00" and day["period"] is None and len(day["series"]) == 1
    for query in ("period=1y", "interval=hour", "after=2026-03-10&before=2026-03-01",
                  "after=yesterday", "after=1900-01-01&interval=day"):  # fmt: skip
        resp = await client.get(f"{BASE}/analytics/overview?{query}", headers=admin.auth)
        assert resp.status == 400, query
        assert (await resp.json())["code"] == "rest_invalid_param"


async def test_permissions(client, customer):
    for path in ("overview", "products", "orders", "customers"):
        assert (await client.get(f"{BASE}/analytics/{path}")).status == 401
        assert (await client.get(f"{BASE}/analytics/{path}", headers=customer.auth)).status == 403
