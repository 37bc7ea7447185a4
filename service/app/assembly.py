"""The composition point: the route registry with every controller, and the aiohttp app."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from service.api import add_platform_routes, register_all
from service.app.context import Context
from service.http import middlewares, wp
from service.http.keys import CTX
from service.http.registry import READABLE, Endpoint, RouteRegistry


def build_registry() -> RouteRegistry:
    registry = RouteRegistry(index_handler=wp.namespace_index)
    registry.register_root(
        # As WP_REST_Server's own index: the argument has a default and no type.
        [Endpoint(READABLE, wp.site_index, args={"context": {"default": "view"}})],
        owner="WP_REST_Server",
    )
    register_all(registry)
    return registry


def create_app(ctx: Context) -> web.Application:
    app = web.Application(
        client_max_size=ctx.settings.client_max_size,
        # How long an unread or stalled body is drained before the connection is closed.
        handler_args={"lingering_time": min(10.0, ctx.settings.body_read_timeout_s)},
    )
    app[CTX] = ctx
    # CORS on every answer, errors included (see service/http/middlewares.py).
    app.on_response_prepare.append(middlewares.add_surface_headers)
    if ctx.registry is None:
        ctx.registry = build_registry()

    # Every route is guarded (errors, the Dashboard's mark, the platform's preflight).
    def guarded(handler: Handler) -> Handler:
        return middlewares.guarded(handler, ctx.stats)

    add_platform_routes(app, ctx.registry, guarded)
    # Everything else is WordPress's: /wp-json/..., ?rest_route= on any path (also in
    # a POST form), /index.php/wp-json/..., and the site page at / and /index.php.
    app.router.add_route("*", r"/{tail:[\s\S]*}", guarded(wp.dispatch))  # newlines too
    return app
