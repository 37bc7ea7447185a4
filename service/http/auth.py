"""Who is calling: a WooCommerce API key, a Bearer JWT or a Basic application password."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web

from service.accounts import api_key_auth
from service.accounts import users as accounts
from service.accounts.jwt import invalid_token
from service.accounts.users import User
from service.audit.origin import signed_in
from service.common import client_ip
from service.common.errors import ServiceError
from service.http.body import BodyError, read_form

if TYPE_CHECKING:
    from service.app.context import Context

FORM = "application/x-www-form-urlencoded"


def request_ip(request: web.Request, ctx: Context) -> str | None:
    """The client IP: the socket's peer, or X-Forwarded-For behind a trusted proxy."""
    trusted = ctx.settings.trusted_proxies
    if not trusted:  # the common case: no header to read
        return request.remote or None
    forwarded = request.headers.getall("X-Forwarded-For", [])
    return client_ip.resolve(request.remote, forwarded, trusted)


def is_https(request: web.Request, ctx: Context) -> bool:
    """Our own TLS listener, or ``X-Forwarded-Proto: https`` set by a trusted proxy (the
    rightmost value: the one our proxy wrote)."""
    if request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto")
    if not proto or not ctx.settings.trusted_proxies:
        return False
    peer = client_ip.parse_address(request.remote)
    networks = client_ip.trusted_networks(tuple(ctx.settings.trusted_proxies))
    trusted = peer is not None and any(
        peer.version == net.version and peer in net for net in networks
    )
    return trusted and proto.split(",")[-1].strip().lower() == "https"


def _scheme(request: web.Request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.strip().partition(" ")
    return scheme.lower(), credentials.strip()


def _malformed_basic() -> ServiceError:
    return ServiceError("invalid_username", "Malformed Basic credentials.", 401)


def _basic_pair(credentials: str) -> tuple[str, str] | None:
    try:
        login, _, password = base64.b64decode(credentials, validate=True).decode().partition(":")
    except ValueError:  # also non-ASCII text: header bytes that are not UTF-8 arrive
        # surrogate-escaped; binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    return login, password


def _may_carry_key(request: web.Request, scheme: str) -> bool:
    """Cheap test first, so a request without any key costs nothing more."""
    query = request.query_string
    return (
        scheme in ("basic", "oauth")
        or "oauth_" in query
        or "consumer_" in query
        or request.content_type == FORM
    )


async def _key_request(request: web.Request, ctx: Context, method: str) -> api_key_auth.KeyRequest:
    scheme, credentials = _scheme(request)
    https = is_https(request, ctx)
    form: list[tuple[str, str]] = []
    if request.content_type == FORM and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            form = [(k, v) for k, v in (await read_form(request)).items() if isinstance(v, str)]
        except BodyError:
            form = []  # the route answers for a malformed body
    path = request.raw_path.split("?", 1)[0]
    proto = "https" if https else "http"
    site = urlsplit(ctx.settings.base_url)
    return api_key_auth.KeyRequest(
        https=https,
        http_method=request.method.upper(),
        method=method.upper(),
        query=list(request.query.items()),
        form=form,
        authorization=request.headers.get("Authorization", ""),
        basic=_basic_pair(credentials) if scheme == "basic" else None,
        base_uris=[f"{proto}://{request.host}{path}", f"{proto}://{site.netloc}{path}"],
        ip=request_ip(request, ctx),
    )


async def wp_user(request: web.Request, ctx: Context, method: str | None = None) -> User | None:
    """WordPress determines the current user from any credentials sent; bad ones are an
    error on every route (rest_authentication_errors), none means anonymous. A
    WooCommerce API key is tried first, as WooCommerce's filter runs before WordPress's
    application passwords; ``method`` is the one the request asks for (after
    ``_method``), which the key's permission must allow."""
    scheme, credentials = _scheme(request)
    if _may_carry_key(request, scheme):
        key_request = await _key_request(request, ctx, method or request.method)
        key_user = await api_key_auth.authenticate(ctx, key_request)
        if key_user is not None:
            return _signed_in(key_user)
    if not scheme:
        return None
    if scheme == "bearer":
        if not credentials:
            raise invalid_token("Authorization header must contain a token")
        return _signed_in(await accounts.user_for_token(ctx, credentials))
    if scheme == "basic":
        pair = _basic_pair(credentials)
        if pair is None:
            raise _malformed_basic()
        return _signed_in(
            await accounts.authenticate_app_password(
                ctx, pair[0], pair[1], request_ip(request, ctx)
            )
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
    cached = accounts.user_for_token_cached(ctx, credentials)
    return _signed_in(cached or await accounts.user_for_token(ctx, credentials))


def _signed_in(user: User) -> User:
    """The request's audit origin (started by the route guard) now names its caller."""
    signed_in(user)
    return user
