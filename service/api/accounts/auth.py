"""``/api/v1/auth/``: login, refresh, me."""

from __future__ import annotations

from aiohttp import web

from service.accounts import users as accounts
from service.accounts.permissions import LOGGED_IN, PUBLIC
from service.common.errors import invalid
from service.http.auth import platform_user, request_ip
from service.http.keys import CTX
from service.http.platform import PlatformRoute, read_json
from service.http.responses import json_response

OWNER = "AuthController"


async def login(request: web.Request) -> web.Response:
    body = await read_json(request)
    given = {k: body.get(k) for k in ("email", "password")}
    text = {k: v for k, v in given.items() if isinstance(v, str) and v}
    missing = {k: "This field is required." for k in given if k not in text}
    if missing:
        raise invalid(missing)
    ctx = request.app[CTX]
    login = await accounts.login(ctx, text["email"], text["password"], request_ip(request, ctx))
    return json_response(login)


async def refresh(request: web.Request) -> web.Response:
    body = await read_json(request)
    token = body.get("refresh")
    if not isinstance(token, str) or not token:
        raise invalid({"refresh": "This field is required."})
    return json_response(await accounts.refresh(request.app[CTX], token))


async def me(request: web.Request) -> web.Response:
    user = await platform_user(request, request.app[CTX])
    return json_response(
        {**user.public(), "is_active": user.is_active, "created_at": user.created_at}
    )


ROUTES = [
    PlatformRoute(
        "POST", "/auth/login/", login, OWNER, PUBLIC, "Exchange email and password for JWTs"
    ),
    PlatformRoute("POST", "/auth/refresh/", refresh, OWNER, PUBLIC, "A new access token"),
    PlatformRoute("GET", "/auth/me/", me, OWNER, LOGGED_IN, "The current user"),
]
