"""``/api/v1/integrations/tokens/`` (and ``/api/integrations/tokens/``): JWT-authenticated
token management. Thin: every rule is in ``service.integrations.tokens``."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from service.accounts.permissions import LOGGED_IN
from service.api.integrations.http import INTEGRATION_PREFIXES, language
from service.http.auth import platform_user
from service.http.keys import CTX
from service.http.platform import (
    PlatformRoute,
    page_params,
    paginated,
    query_bool,
    query_int,
    read_json,
)
from service.http.responses import json_response
from service.integrations import tokens
from service.integrations.token_rules import reject_unknown

OWNER = "IntegrationTokenController"


async def generate(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    body = await read_json(request)
    reject_unknown(body, tokens.GENERATE_FIELDS)
    issued = await tokens.generate(
        ctx,
        user,
        name=body.get("name"),
        integration_type=body.get("integration_type"),
        expires_at=body.get("expires_at"),
        allowed_ips=body.get("allowed_ips"),
        user_id=body.get("user_id"),
    )
    return json_response(issued.to_dict(language(request)), 201)


async def list_tokens(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    page, size = page_params(request)
    filters = tokens.TokenFilters(
        user_id=query_int(request, "user_id"),
        integration_type=request.query.get("integration_type") or None,
        is_active=query_bool(request, "is_active"),
        include_revoked=bool(query_bool(request, "include_revoked", False)),
        search=request.query.get("search"),
    )
    result = await tokens.list_tokens(ctx, user, filters, page=page, page_size=size)
    items = [info.to_dict() for info in result.items]
    return json_response(paginated(request, items, result.count, page, size))


async def retrieve(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    info = await tokens.get_token(ctx, user, request.match_info["id"])
    return json_response(info.to_dict())


async def update(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    body = await read_json(request)
    info = await tokens.update(ctx, user, request.match_info["id"], **body)
    return json_response(info.to_dict())


async def revoke(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    info = await tokens.revoke(ctx, user, request.match_info["id"])
    return json_response({"detail": "Token revoked.", "id": info.id, "status": info.status})


async def regenerate(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    user = await platform_user(request, ctx)
    issued = await tokens.regenerate(ctx, user, request.match_info["id"])
    return json_response(issued.to_dict(language(request)))


def _route(method: str, path: str, handler: Handler, description: str) -> PlatformRoute:
    return PlatformRoute(
        method, path, handler, OWNER, LOGGED_IN, description, prefixes=INTEGRATION_PREFIXES
    )


ROUTES = [
    _route("POST", "/integrations/tokens/generate/", generate, "Create a token (shown once)"),
    _route("GET", "/integrations/tokens/", list_tokens, "List integration tokens"),
    _route("GET", "/integrations/tokens/{id}/", retrieve, "One integration token"),
    _route("PATCH", "/integrations/tokens/{id}/", update, "Rename, pause, expire, restrict IPs"),
    _route("DELETE", "/integrations/tokens/{id}/", revoke, "Revoke a token for good"),
    _route(
        "POST", "/integrations/tokens/{id}/regenerate/", regenerate, "A new secret (shown once)"
    ),
]
