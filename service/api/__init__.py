"""Every route the server answers, registered in one visible place and order.

The WordPress controllers register in WooNooW's ``Routes.php`` order; the
platform (integration) routes come last. Adding a controller is one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler

from service.api import analytics, audit, catalog, licensing, openapi, settings
from service.api.accounts import api_keys, auth, customers
from service.api.integrations import knowledge, sync, tokens
from service.api.orders import coupons, orders
from service.api.storefront import account, cart, hooks, shop
from service.http.registry import RouteRegistry

# WordPress surface, in registration order: settings, products, orders, customers,
# coupons, analytics, licenses, shop, cart, account, hooks.
WP_CONTROLLERS: list = [
    settings, catalog, orders, customers, coupons, analytics, licensing, shop, cart, account,
    hooks,
]  # fmt: skip

# Platform surface (served by aiohttp's router, recorded in the registry); then
# GET /openapi.json, the document of all of them.
PLATFORM_MODULES = [auth, api_keys, tokens, sync, knowledge, audit, openapi]


def register_all(registry: RouteRegistry) -> None:
    for controller in WP_CONTROLLERS:
        controller.register(registry)
    for module in PLATFORM_MODULES:
        for route in module.ROUTES:
            for prefix in route.prefixes:
                registry.register_platform(
                    [route.method],
                    prefix + route.path,
                    route.owner,
                    route.permission,
                    route.description,
                    handler=route.handler,
                )


def add_platform_routes(
    app: web.Application,
    registry: RouteRegistry,
    wrap: Callable[[Handler], Handler] = lambda handler: handler,
) -> None:
    """Platform routes are served by aiohttp's router, from the registry's records;
    each handler as ``wrap`` returns it."""
    for route in registry.platform_routes():
        for endpoint in route.endpoints:
            if endpoint.handler is None:
                raise ValueError(f"platform route {route.path_template} has no handler")
            for method in endpoint.methods:
                app.router.add_route(method, route.path_template, wrap(endpoint.handler))
