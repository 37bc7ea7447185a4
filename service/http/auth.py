"""Who is calling: Bearer JWT or Basic application password."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from aiohttp import web

from service.accounts import users as accounts
from service.accounts.jwt import invalid_token
from service.accounts.users import User
from service.common import client_ip
from service.common.errors import ServiceError

if TYPE_CHECKING:
    from service.app.context import Context


def request_ip(request: web.Request, ctx: Context) -> str | None:
    """The client IP: the socket's peer, or X-Forwarded-For behind a trusted proxy."""
    forwarded = request.headers.getall("X-Forwarded-For", [])
    return client_ip.resolve(request.remote, forwarded, ctx.settings.trusted_proxies)


def _scheme(request: web.Request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    return scheme.lower(), credentials.strip()


def _malformed_basic() -> ServiceError:
    return ServiceError("invalid_username", "Malformed Basic credentials.", 401)


async def wp_user(request: web.Request, ctx: Context) -> User | None:
    """WordPress determines the current user from any credentials sent; bad ones are an
    error on every route (rest_authentication_errors), none means anonymous."""
    scheme, credentials = _scheme(request)
    if not scheme:
        return None
    if scheme == "bearer":
        if not credentials:
            raise invalid_token("Authorization header must contain a token")
        return await accounts.user_for_token(ctx, credentials)
    if scheme == "basic":
        try:
            login, _, password = (
                base64.b64decode(credentials, validate=True).decode().partition(":")
            )
        except ValueError:  # also non-ASCII text: header bytes that are not UTF-8 arrive
            # surrogate-escaped; binascii.Error and UnicodeDecodeError are ValueErrors
            raise _malformed_basic() from None
        return await accounts.authenticate_app_password(
            ctx, login, password, request_ip(request, ctx)
        )
    raise invalid_token("Unsupported authorization scheme")


async def platform_user(request: web.Request, ctx: Context) -> User:
    """The platform API accepts only a Bearer access JWT."""
    scheme, credentials = _scheme(request)
    if scheme != "bearer" or not credentials:
        raise ServiceError(
            "not_authenticated",
            "Authentication credentials were not provided.",
            401,
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    return await accounts.user_for_token(ctx, credentials)
