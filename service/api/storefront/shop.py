"""ShopController: the public catalog (``/shop/products``, ``/shop/products/{id}``,
``/shop/categories``, ``/shop/search``). No route of it takes a broad parameter, so
the specific ones cannot be shadowed."""

from __future__ import annotations

from typing import Any

from service.accounts.permissions import PUBLIC
from service.api.wc_common import NAMESPACE, collection_filters, paginated, paging_args, url_id
from service.common.schema import arg
from service.http.registry import READABLE, Endpoint, RouteRegistry
from service.http.wp import RestRequest, RestResponse
from service.storefront import shop

OWNER = "ShopController"


LIST_ARGS = {
    **paging_args(12),
    "search": arg("string", default="", description="Limit results to those matching a string."),
    "category": arg("string", default="", description="Category ids or slugs, comma-separated."),
    "orderby": arg(
        "string", enum=list(shop.SHOP_ORDERBY), default="date", description="Sort products by."
    ),
    "order": arg(
        "string",
        enum=["asc", "desc"],
        description="Sort direction; by default price and title ascend, the others descend.",
    ),
    "on_sale": arg("boolean", description="Only products on sale."),
    "featured": arg("boolean", description="Only featured products."),
}
ITEM_ARGS = {"id": arg("integer", description="Unique identifier for the product.")}
CATEGORY_ARGS = {
    **paging_args(100),
    "hide_empty": arg("boolean", default=True, description="Hide categories with no products."),
    "parent": arg("integer", minimum=0, description="Only children of this category (0: top)."),
}
SEARCH_ARGS = {"s": arg("string", default="", description="Search text; at most 10 results.")}


async def list_products(req: RestRequest) -> RestResponse:
    filters = collection_filters(req, shop.ShopFilters)
    items, total = await shop.list_shop_products(req.ctx, filters)
    return paginated(req, items, total, collection="/shop/products")


async def get_product(req: RestRequest) -> dict[str, Any]:
    return await shop.get_shop_product(req.ctx, url_id(req))


async def list_categories(req: RestRequest) -> RestResponse:
    p = req.params
    items, total = await shop.list_shop_categories(
        req.ctx,
        hide_empty=p["hide_empty"],
        parent=p.get("parent"),
        page=p["page"],
        per_page=p["per_page"],
    )
    return paginated(req, items, total, collection="/shop/categories")


async def search(req: RestRequest) -> list[dict[str, Any]]:
    return await shop.search_shop(req.ctx, req.params["s"])


def register(registry: RouteRegistry) -> None:
    routes = [
        ("/shop/products", list_products, LIST_ARGS, "List published products"),
        (r"/shop/products/(?P<id>[\d]+)", get_product, ITEM_ARGS, "A product page"),
        ("/shop/categories", list_categories, CATEGORY_ARGS, "Categories with product counts"),
        ("/shop/search", search, SEARCH_ARGS, "Lightweight product search (at most 10)"),
    ]
    for path, handler, args, description in routes:
        registry.register(
            NAMESPACE,
            path,
            [Endpoint(READABLE, handler, PUBLIC, args, description)],
            owner=OWNER,
        )
