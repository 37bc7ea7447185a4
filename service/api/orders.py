"""OrdersController. For now the two lightweight searches of the order form, which
WooNooW registers here (after ProductsController, so ``/products`` stays its own):
``GET /products/search?s=`` and ``GET /customers/search?s=``."""

from __future__ import annotations

from typing import Any

from service import catalog, customers
from service.api.wc_common import CAN_LIST, NAMESPACE
from service.http.registry import READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest
from service.schema import arg

OWNER = "OrdersController"
SEARCH_ARGS = {
    "s": arg("string", default="", description="Search by name, SKU or ID; empty: the newest."),
}
CUSTOMER_SEARCH_ARGS = {
    "s": arg("string", default="", description="Search by name, email or ID."),
}


async def search_products(req: RestRequest) -> list[dict[str, Any]]:
    return await catalog.search_products(req.ctx, req.params["s"])


async def search_customers(req: RestRequest) -> list[dict[str, Any]]:
    return await customers.search_customers(req.ctx, req.params["s"])


def register(registry: RouteRegistry) -> None:
    registry.register(
        NAMESPACE,
        "/products/search",
        [
            Endpoint(
                READABLE,
                search_products,
                CAN_LIST,
                SEARCH_ARGS,
                "Products for the order form (at most 20)",
            )
        ],
        owner=OWNER,
    )
    registry.register(
        NAMESPACE,
        "/customers/search",
        [
            Endpoint(
                READABLE,
                search_customers,
                CAN_LIST,
                CUSTOMER_SEARCH_ARGS,
                "Customers for the order form (at most 20)",
            )
        ],
        owner=OWNER,
    )
