"""The guard on every route (errors, the request stats mark and the platform's CORS
preflight; not an aiohttp middleware, see ``guarded``); and the headers every answer
carries, added as the answer is prepared.

The surface's headers (CORS; on a REST answer also WordPress's discovery and
safety headers) are added in ``on_response_prepare``, which aiohttp runs for every
answer it sends for a routed request: a handler's, a ``ServiceError`` rendered by
``guarded``, an ``HTTPException`` and an unhandled exception's 500 alike, so no
answer leaves without them.

CORS per surface: the platform (``/api/``) allows the configured origins
(``--cors-origin``); the WordPress surface echoes any ``Origin``, as WordPress's
``rest_send_cors_headers`` does (its auth is by explicit credentials, never cookies).
"""

from __future__ import annotations

import asyncio
import functools
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from service.audit.origin import begin_request
from service.common.errors import ServiceError
from service.common.logs import loggable
from service.common.stats import RequestStats
from service.http.auth import request_ip
from service.http.body import NulInText, refuse_nul_in_url
from service.http.keys import CTX, REST_USER, STATS, WP_REST
from service.http.responses import (
    error_response,
    http_status_error,
    is_platform,
    nul_refused,
    unstorable_input,
)
from store.base import DataError

log = logging.getLogger("shopkeep.http")

WP_ALLOW_HEADERS = (
    "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type, Cart-Token, Nonce"
)
WP_EXPOSE_HEADERS = "X-WP-Total, X-WP-TotalPages, Link, Cart-Token"
WP_ALLOW_METHODS = "OPTIONS, GET, POST, PUT, PATCH, DELETE"


def guarded(handler: Handler, stats: RequestStats) -> Handler:
    """``handler`` behind the guard every route has: a ``ServiceError`` becomes its
    surface's error shape, anything else a logged 500; the platform's CORS preflight
    is answered; the request is marked for the Dashboard. It also starts the request's audit
    origin: its face and client address (the caller is added when it authenticates,
    ``service/http/auth.py``).

    A wrapper on each route rather than an aiohttp middleware: with no middleware
    aiohttp skips its middleware chain (a cache lookup and a layer of its own on
    every request), so each request pays one coroutine here and nothing more.

    The mark: the request is recorded when its answer has been written
    (``accesslog.BufferedAccessLogger``), with the access log's own time: the whole
    request, waiting for the handler and writing the body included, not only the
    handler's share (0.1 ms where the client waited 180 ms under load). ``stats`` is
    the app's (``ctx.stats``)."""

    async def guarded_handler(request: web.Request) -> web.StreamResponse:
        request[STATS] = stats
        begin_request(
            "api" if is_platform(request.path) else "wp",
            lambda: request_ip(request, request.app[CTX]),
        )
        if request.method == "OPTIONS" and _is_platform_preflight(request):
            return web.Response(status=204 if _platform_origin(request) else 403)
        try:
            refuse_nul_in_url(request)
            return await handler(request)
        except NulInText as nul:
            return error_response(nul_refused(nul.field, nul.message, request.path), request.path)
        except ServiceError as err:
            return error_response(err, request.path)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return error_response(http_status_error(exc.status, exc.reason), request.path)
        except asyncio.CancelledError:
            raise
        except (UnicodeEncodeError, OverflowError, DataError):
            # The readers reject lone surrogates, U+0000 and out-of-range integers at the
            # edge; one that still reaches the driver (SQLite's binding, PostgreSQL's
            # DataError) is the client's input, not a server fault.
            log.warning("unstorable input on %s %s", request.method, request.path, exc_info=True)
            return error_response(unstorable_input(request.path), request.path)
        except Exception:
            method, path = loggable(request.method), loggable(request.path)
            log.exception("unhandled error on %s %s", method, path)
            internal = ServiceError(
                "internal_error", "The server could not complete the request.", 500
            )
            return error_response(internal, request.path)

    return functools.update_wrapper(guarded_handler, handler)


PLATFORM_CORS_HEADERS = "Authorization, Content-Type, Accept-Language"


def _platform_origin(request: web.Request) -> str | None:
    origin = request.headers.get("Origin")
    return origin if origin and origin in request.app[CTX].settings.cors_origins else None


def _is_platform_preflight(request: web.Request) -> bool:
    """The platform's CORS preflight (answered by ``guarded``; its headers come
    from add_surface_headers)."""
    return is_platform(request.path) and bool(request.headers.get("Access-Control-Request-Method"))


def _wp_origin(origin: str) -> str:
    """``sanitize_url`` of the Origin as WordPress echoes it ("null" stays)."""
    if origin == "null" or origin.startswith(("http://", "https://")):
        return origin
    return ""


@functools.lru_cache(maxsize=8)
def _discovery_link(base_url: str) -> str:
    return f'<{base_url}/wp-json/>; rel="https://api.w.org/"'


async def add_surface_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the surface's CORS headers on every answer, and on a
    REST answer the headers WordPress's ``serve_request`` sends."""
    headers = response.headers
    if is_platform(request.path):
        origin = _platform_origin(request)
        headers.add("Vary", "Origin")
        if origin:
            headers.update(
                {
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Credentials": "true",
                    "Access-Control-Allow-Methods": WP_ALLOW_METHODS,
                    "Access-Control-Allow-Headers": PLATFORM_CORS_HEADERS,
                    "Access-Control-Max-Age": "600",
                }
            )
        return
    if request.get(WP_REST):
        headers.setdefault("X-Robots-Tag", "noindex")
        # A Link the answer sets (paging) replaces this one, as header() does in PHP.
        headers.setdefault("Link", _discovery_link(request.app[CTX].settings.base_url))
        headers["X-Content-Type-Options"] = "nosniff"
    # WordPress sends CORS on REST answers only; we send it on every answer of this
    # surface (the site page too, so a browser can read its discovery Link).
    headers["Access-Control-Expose-Headers"] = WP_EXPOSE_HEADERS
    headers["Access-Control-Allow-Headers"] = WP_ALLOW_HEADERS
    origin = request.headers.get("Origin")
    if origin:
        headers.update(
            {
                "Access-Control-Allow-Origin": _wp_origin(origin),
                "Access-Control-Allow-Methods": WP_ALLOW_METHODS,
                "Access-Control-Allow-Credentials": "true",
            }
        )
        headers.add("Vary", "Origin")
    elif request.method == "GET" and request.get(REST_USER) is None:
        headers.add("Vary", "Origin")
