"""``GET /openapi.json``: the OpenAPI 3.1 document of every route, from the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from aiohttp import web

from service.accounts.permissions import PUBLIC
from service.http.keys import CTX
from service.http.platform import PlatformRoute
from service.routes import openapi

if TYPE_CHECKING:
    from service.http.registry import RouteRegistry

OWNER = "OpenApiController"
_CACHE: WeakKeyDictionary[RouteRegistry, tuple[int, str]] = WeakKeyDictionary()


async def document(request: web.Request) -> web.Response:
    """Built once per registry version (registration moves it) and kept as text."""
    registry = request.app[CTX].registry
    assert registry is not None
    cached = _CACHE.get(registry)
    if cached is None or cached[0] != registry.version:
        cached = (registry.version, openapi.dumps(openapi.build_document(registry)))
        _CACHE[registry] = cached
    return web.Response(text=cached[1], content_type="application/json", charset="utf-8")


ROUTES = [
    PlatformRoute(
        "GET",
        openapi.OPENAPI_PATH,
        document,
        OWNER,
        PUBLIC,
        "This server's OpenAPI 3.1 document",
        prefixes=("",),
    )
]
