"""Middlewares, outermost first: request stats, errors, CORS."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from aiohttp.typedefs import Handler

from service.common.errors import ServiceError
from service.common.logs import loggable
from service.http.keys import CTX
from service.http.responses import (
    error_response,
    http_status_error,
    is_platform,
    unstorable_input,
)

log = logging.getLogger("shopkeep.http")

WP_ALLOW_HEADERS = (
    "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type, Cart-Token, Nonce"
)
WP_EXPOSE_HEADERS = "X-WP-Total, X-WP-TotalPages, Link, Cart-Token"
WP_ALLOW_METHODS = "OPTIONS, GET, POST, PUT, PATCH, DELETE"


@web.middleware
async def stats_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        request.app[CTX].stats.record(
            request.method, request.path, status, (time.perf_counter() - started) * 1000
        )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ServiceError as err:
        return error_response(err, request.path)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(http_status_error(exc.status, exc.reason), request.path)
    except asyncio.CancelledError:
        raise
    except (UnicodeEncodeError, OverflowError):
        # The readers reject lone surrogates and out-of-range integers at the edge; one
        # that still reaches SQLite's binding is the client's input, not a server fault.
        log.warning("unstorable input on %s %s", request.method, request.path, exc_info=True)
        return error_response(unstorable_input(request.path), request.path)
    except Exception:
        log.exception("unhandled error on %s %s", loggable(request.method), loggable(request.path))
        internal = ServiceError("internal_error", "The server could not complete the request.", 500)
        return error_response(internal, request.path)


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    origin = request.headers.get("Origin", "")
    if is_platform(request.path):
        allowed = bool(origin) and origin in request.app[CTX].settings.cors_origins
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response: web.StreamResponse = web.Response(status=204 if allowed else 403)
        else:
            response = await handler(request)
        if allowed:
            response.headers.update(
                {
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Allow-Credentials": "true",
                    "Access-Control-Allow-Methods": WP_ALLOW_METHODS,
                    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept-Language",
                    "Access-Control-Max-Age": "600",
                    "Vary": "Origin",
                }
            )
        return response
    response = await handler(request)
    # WordPress sends these on every REST response and echoes any Origin.
    response.headers["Access-Control-Expose-Headers"] = WP_EXPOSE_HEADERS
    response.headers["Access-Control-Allow-Headers"] = WP_ALLOW_HEADERS
    response.headers["X-Content-Type-Options"] = "nosniff"
    if origin:
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": WP_ALLOW_METHODS,
                "Access-Control-Allow-Credentials": "true",
                "Vary": "Origin",
            }
        )
    return response
