"""AnalyticsController: ``/analytics/overview``, ``/products``, ``/orders``, ``/customers``."""

from __future__ import annotations

from typing import Any

from service import analytics
from service.api.wc_common import CAN_VIEW, NAMESPACE
from service.common.schema import arg
from service.http.registry import READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest

OWNER = "AnalyticsController"
WINDOW_ARGS = {
    "period": arg(
        "string",
        enum=list(analytics.PERIODS),
        description="Days or months ending today (default 30d, unless after/before are given).",
    ),
    "after": arg("string", format="date-time", description="Start of the window (inclusive)."),
    "before": arg("string", format="date-time", description="End of the window (inclusive)."),
    "interval": arg(
        "string", enum=list(analytics.INTERVALS), description="One series entry per interval."
    ),
}
TOP_ARGS = {
    **WINDOW_ARGS,
    "per_page": arg("integer", default=10, minimum=1, maximum=100, description="How many to list."),
}


def _window(req: RestRequest) -> analytics.Window:
    return analytics.read_window(req.params, req.ctx.clock.now())


async def overview(req: RestRequest) -> dict[str, Any]:
    return await analytics.overview(req.ctx, _window(req))


async def products(req: RestRequest) -> dict[str, Any]:
    return await analytics.products(req.ctx, _window(req), req.params["per_page"])


async def orders(req: RestRequest) -> dict[str, Any]:
    return await analytics.orders(req.ctx, _window(req))


async def customers(req: RestRequest) -> dict[str, Any]:
    return await analytics.customers(req.ctx, _window(req), req.params["per_page"])


def register(registry: RouteRegistry) -> None:
    for path, handler, args, description in (
        ("/analytics/overview", overview, WINDOW_ARGS, "Revenue, orders and a series"),
        ("/analytics/products", products, TOP_ARGS, "Top sellers by quantity and revenue"),
        ("/analytics/orders", orders, WINDOW_ARGS, "Orders by status and a series"),
        ("/analytics/customers", customers, TOP_ARGS, "New vs returning, top customers"),
    ):
        registry.register(
            NAMESPACE,
            path,
            [Endpoint(READABLE, handler, CAN_VIEW, args, description)],
            owner=OWNER,
        )
