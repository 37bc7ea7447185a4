"""``/api/v1/auth/api-keys/``: a user's WooCommerce REST API keys (an administrator may
name any user with ``user_id``). The secret is in the creation answer only."""

from __future__ import annotations

from aiohttp import web

from service.accounts import api_keys
from service.accounts.permissions import LOGGED_IN
from service.common.errors import invalid, not_found
from service.http.auth import platform_user
from service.http.keys import CTX
from service.http.platform import PlatformRoute, parse_int, query_int, read_json
from service.http.responses import json_response

OWNER = "ApiKeyController"


async def create(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    body = await read_json(request)
    owner = body.get("user_id", user.id)
    if not isinstance(owner, int) or isinstance(owner, bool):
        raise invalid({"user_id": "A valid integer is required."})
    new = await api_keys.create(
        ctx,
        user,
        owner,
        body.get("description"),
        body.get("permissions"),
    )
    return json_response(new.public(), 201)


async def list_keys(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    owner = query_int(request, "user_id")
    keys = await api_keys.list_for_user(ctx, user, user.id if owner is None else owner)
    return json_response([k.public() for k in keys])


async def revoke(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    key_id = parse_int(request.match_info["id"])
    if key_id is None:
        raise not_found("api_key_not_found", "No such API key.")
    await api_keys.revoke(ctx, user, key_id)
    return web.Response(status=204)


ROUTES = [
    PlatformRoute(
        "POST", "/auth/api-keys/", create, OWNER, LOGGED_IN, "A WooCommerce API key (shown once)"
    ),
    PlatformRoute("GET", "/auth/api-keys/", list_keys, OWNER, LOGGED_IN, "WooCommerce API keys"),
    PlatformRoute(
        "DELETE", "/auth/api-keys/{id}/", revoke, OWNER, LOGGED_IN, "Revoke a WooCommerce API key"
    ),
]
