"""The composition point: the route registry with every controller, and the aiohttp app."""

from __future__ import annotations

from aiohttp import web

from service.api import add_platform_routes, register_all
from service.app.context import Context
from service.common.schema import arg
from service.http import middlewares, wp
from service.http.keys import CTX
from service.http.registry import READABLE, Endpoint, RouteRegistry


def build_registry() -> RouteRegistry:
    registry = RouteRegistry(index_handler=wp.namespace_index)
    registry.register_root(
        [Endpoint(READABLE, wp.site_index, args={"context": arg("string", default="view")})],
        owner="WP_REST_Server",
    )
    register_all(registry)
    return registry


def create_app(ctx: Context) -> web.Application:
    app = web.Application(
        middlewares=[
            middlewares.stats_middleware,
            middlewares.error_middleware,
            middlewares.cors_middleware,
        ],
        client_max_size=ctx.settings.client_max_size,
        # How long an unread or stalled body is drained before the connection is closed.
        handler_args={"lingering_time": min(10.0, ctx.settings.body_read_timeout_s)},
    )
    app[CTX] = ctx
    if ctx.registry is None:
        ctx.registry = build_registry()
    add_platform_routes(app, ctx.registry)
    app.router.add_route("*", "/wp-json", wp.dispatch)
    app.router.add_route("*", r"/wp-json/{tail:[\s\S]*}", wp.dispatch)  # newlines too
    app.router.add_route("*", "/", wp.dispatch)
    app.router.add_route("*", "/index.php", wp.dispatch)
    return app
