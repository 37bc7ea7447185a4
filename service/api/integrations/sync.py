"""``/api/v1/integrations/woocommerce/`` (and ``/api/integrations/woocommerce/``):
the plugin's token-authenticated calls and the JWT-authenticated event log."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from service.accounts.permissions import INTEGRATION_TOKEN, LOGGED_IN, Permission
from service.api.integrations.http import (
    INTEGRATION_PREFIXES,
    language,
    plugin_errors,
    request_ip,
    token_auth,
)
from service.common.clock import iso_now
from service.http.auth import platform_user
from service.http.headers import header_text
from service.http.keys import CTX
from service.http.platform import PlatformRoute, page_params, paginated, query_int, read_json
from service.http.responses import json_response
from service.integrations import messages as lang
from service.integrations import sync, tokens

OWNER = "WooCommerceSyncController"


@plugin_errors
async def health(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    auth = await token_auth(request, ctx)
    tokens.require_type(auth, *sync.TOKEN_TYPES)
    return json_response(
        {
            "status": "ok",
            "message": lang.message("health_ok", language(request)),
            "user": {"id": auth.user_id, "email": auth.user_email},
            "token": auth.to_dict(),
            "timestamp": iso_now(ctx.clock),
        }
    )


def _meta(request: web.Request) -> sync.RequestMeta:
    return sync.RequestMeta(
        source_ip=request_ip(request, request.app[CTX]),
        user_agent=header_text(request, "User-Agent") or None,
    )


@plugin_errors
async def webhook(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    auth = await token_auth(request, ctx)
    body = await read_json(request)
    outcome = await sync.handle_webhook(ctx, auth, body, _meta(request))
    return json_response(outcome.to_dict(language(request)))


@plugin_errors
async def webhook_batch(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    auth = await token_auth(request, ctx)
    body = await read_json(request)
    outcome = await sync.handle_batch(ctx, auth, body, _meta(request))
    return json_response(outcome.to_dict(language(request)))


def _filters(request: web.Request) -> sync.EventFilters:
    return sync.EventFilters(
        user_id=query_int(request, "user_id"),
        event_type=request.query.get("event_type") or None,
        status=request.query.get("status") or None,
        woo_product_id=query_int(request, "woo_product_id"),
        token_id=request.query.get("token_id") or None,
    )


async def list_events(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    page, size = page_params(request)
    result = await sync.list_events(ctx, user, _filters(request), page=page, page_size=size)
    items = [event.to_dict() for event in result.items]
    return json_response(paginated(request, items, result.count, page, size))


async def event_stats(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    return json_response(await sync.event_stats(ctx, user, _filters(request)))


async def get_event(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    return json_response((await sync.get_event(ctx, user, request.match_info["id"])).to_dict())


def _route(
    method: str, path: str, handler: Handler, permission: Permission, description: str
) -> PlatformRoute:
    return PlatformRoute(
        method,
        "/integrations/woocommerce/" + path,
        handler,
        OWNER,
        permission,
        description,
        prefixes=INTEGRATION_PREFIXES,
    )


ROUTES = [
    _route("GET", "health/", health, INTEGRATION_TOKEN, "Plugin connection test"),
    _route("POST", "webhook/", webhook, INTEGRATION_TOKEN, "One product event from the plugin"),
    _route("POST", "webhook/batch/", webhook_batch, INTEGRATION_TOKEN, "Up to 100 events"),
    _route("GET", "events/", list_events, LOGGED_IN, "The sync event log"),
    _route("GET", "events/stats/", event_stats, LOGGED_IN, "Event counts"),
    _route("GET", "events/{id}/", get_event, LOGGED_IN, "One logged event with its payload"),
]
