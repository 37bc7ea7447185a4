"""``/api/v1/web-knowledge/products/``: the owner's synced products (JWT)."""

from __future__ import annotations

from aiohttp import web

from service.accounts.permissions import LOGGED_IN
from service.http.auth import platform_user
from service.http.keys import CTX
from service.http.platform import PlatformRoute, page_params, paginated, query_bool
from service.http.responses import json_response
from service.integrations import knowledge as web_knowledge

OWNER = "WebKnowledgeProductController"


async def list_products(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    page, size = page_params(request)
    query = request.query
    filters = web_knowledge.ProductFilters(
        external_source=query.get("external_source") or None,
        category=query.get("category"),
        min_price=query.get("min_price"),
        max_price=query.get("max_price"),
        in_stock=query_bool(request, "in_stock"),
        is_active=query_bool(request, "is_active", True),
        has_discount=query_bool(request, "has_discount"),
        search=query.get("search"),
        ordering=query.get("ordering"),
    )
    result = await web_knowledge.list_products(ctx, user, filters, page=page, page_size=size)
    return json_response(paginated(request, result.items, result.count, page, size))


async def stats(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    return json_response(await web_knowledge.product_stats(ctx, user))


async def retrieve(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    return json_response(await web_knowledge.get_product(ctx, user, request.match_info["id"]))


ROUTES = [
    PlatformRoute(
        "GET", "/web-knowledge/products/", list_products, OWNER, LOGGED_IN, "Synced products"
    ),
    PlatformRoute(
        "GET", "/web-knowledge/products/stats/", stats, OWNER, LOGGED_IN, "Product counts"
    ),
    PlatformRoute(
        "GET", "/web-knowledge/products/{id}/", retrieve, OWNER, LOGGED_IN, "One synced product"
    ),
]
