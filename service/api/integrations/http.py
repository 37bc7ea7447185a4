"""Request helpers shared by the integration controllers."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from service.audit.origin import Who, acting_as_token
from service.common.errors import ServiceError
from service.http.auth import request_ip
from service.http.platform import API_V1
from service.http.responses import json_response, platform_error_body
from service.integrations import messages as lang
from service.integrations import tokens

if TYPE_CHECKING:
    from service.app.context import Context

# The WordPress plugin calls /api/integrations/..., the dashboard /api/v1/integrations/...
INTEGRATION_PREFIXES = (API_V1, "/api")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def language(request: web.Request) -> str:
    return lang.preferred_language(request.headers.get("Accept-Language"))


async def token_auth(request: web.Request, ctx: Context) -> tokens.TokenAuth:
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise ServiceError(
            "not_authenticated",
            "Authentication credentials were not provided.",
            401,
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    secret, ip = credentials.strip(), request_ip(request, ctx)
    auth = tokens.authenticate_cached(ctx, secret, ip) or await tokens.authenticate(ctx, secret, ip)
    # the rest of this request acts as the token, for its owner (the audit origin)
    acting_as_token(lambda: Who("token", auth.name, auth.user_id, auth.user_email, auth.token_id))
    return auth


def plugin_errors(handler: Handler) -> Handler:
    """Errors in the platform shape plus ``error``, the key the WordPress plugin reads
    to show why a connection test failed."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ServiceError as err:
            body = platform_error_body(err)
            body["error"] = err.message
            return json_response(body, err.status, dict(err.headers))

    return wrapped
