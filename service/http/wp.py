"""The WordPress REST surface: ``/wp-json/...`` and ``?rest_route=/...``.

Which requests are REST requests is wp_route.py (WordPress's parse_request); the
route is found by the registry (registry.py has the semantics); this module is
``WP_REST_Server::serve_request`` and ``dispatch``: authentication, matching,
validation, permission, the handler, then the ``Allow`` header and ``_fields``,
and on the way out ``_envelope``, ``_embed`` (wp_globals.py) and the headers every
REST answer carries. Handlers receive a :class:`RestRequest` and return data, or a
:class:`RestResponse` when they need a status or headers. Every answer is a
response here, errors included, so ``_envelope`` and ``Allow`` apply to errors too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web
from multidict import MultiDict, MultiDictProxy, MultiMapping

from service.accounts.permissions import LOGGED_IN
from service.accounts.users import User
from service.common.errors import ServiceError
from service.common.schema import index_entry, validate_args
from service.http import auth
from service.http.body import (
    BodyError,
    NulInText,
    decode_json,
    read_bytes,
    read_form,
    refuse_nul,
)
from service.http.keys import CTX, REST_USER, WP_REST
from service.http.registry import Match, Route, RouteRegistry
from service.http.responses import dumps_bytes, nul_refused, wp_error_body
from service.http.wp_globals import embed_param, fields_param, filter_fields
from service.http.wp_route import rest_route

if TYPE_CHECKING:
    from service.app.context import Context

REST_PREFIX = "/wp-json"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class RestRequest:
    method: str
    path: str
    params: dict[str, Any]
    url_params: dict[str, str]
    query: MultiMapping[str]
    body: Any
    user: User | None
    ctx: Context
    route: Route
    http: web.Request
    headers: Any = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    @property
    def actor(self) -> User:
        """The logged-in user, for a handler whose endpoint requires a login (the
        permission was checked before the handler ran)."""
        if self.user is None:
            raise ServiceError(LOGGED_IN.code, LOGGED_IN.message, 401)
        return self.user


@dataclass
class RestResponse:
    data: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    encoded: bytes | None = None  # the JSON body already encoded (cached responses)
    links: dict[str, Any] | None = None  # the response's links (set by the dispatch)

    def decoded(self) -> Any:
        return json.loads(self.encoded) if self.encoded is not None else self.data


def no_route() -> ServiceError:
    return ServiceError(
        "rest_no_route", "No route was found matching the URL and request method.", 404
    )


def invalid_handler() -> ServiceError:
    return ServiceError("rest_invalid_handler", "The handler for the route is invalid.", 500)


def effective_method(request: web.Request) -> tuple[str, bool]:
    """The method, and whether it was overridden. WordPress takes ``?_method=`` and
    then ``X-HTTP-Method-Override`` on any request; we take them on POST only (see the
    README's differences: a GET must never delete)."""
    method = request.method.upper()
    if method != "POST":
        return method, False
    if "_method" in request.query:
        return request.query.getall("_method")[-1].upper(), False
    override = request.headers.get("X-HTTP-Method-Override")
    if override is not None:
        return override.upper(), True
    return method, False


async def _read_body(request: web.Request) -> tuple[Any, dict[str, Any]]:
    """Returns (raw body, params it contributes)."""
    if not request.body_exists:
        return None, {}
    ctype = request.content_type
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            body = decode_json(await read_bytes(request))
        except BodyError as err:
            raise invalid_json(err) from None
        return body, body if isinstance(body, dict) else {}
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await read_form(request)
        except BodyError as err:
            raise ServiceError("rest_invalid_form", "Invalid form body passed.", 400) from err
        return dict(form), {k: v for k, v in form.items() if isinstance(v, str)}
    await read_bytes(request)
    return None, {}


def invalid_json(err: BodyError) -> ServiceError:
    return ServiceError(
        "rest_invalid_json",
        "Invalid JSON body passed.",
        400,
        data={"json_error_code": err.json_error_code, "json_error_message": err.message},
    )


def allowed_methods(route: Route, user: User | None) -> str:
    """``rest_send_allow_header``: each method's last endpoint decides whether the caller
    may use it; the methods keep their first registration's place."""
    allowed: dict[str, bool] = {}
    for ep in route.endpoints:
        permitted = ep.permission.allows(user)
        for m in ep.methods:
            allowed[m] = permitted
    return ", ".join(m for m, ok in allowed.items() if ok)


@dataclass
class Call:
    """One dispatch: the request's own, or an embedded link's (``WP_REST_Request``)."""

    http: web.Request
    ctx: Context
    method: str
    path: str
    query: MultiMapping[str]
    user: User | None
    read_body: bool = True


def _error(err: ServiceError) -> RestResponse:
    return RestResponse(wp_error_body(err), err.status, dict(err.headers))


def _links_apart(response: RestResponse) -> RestResponse:
    """An object's ``_links`` are the response's links (``add_links``), kept apart from
    its data as WordPress keeps them; a list's items carry theirs as data."""
    data = response.data
    if response.status < 400 and isinstance(data, dict) and "_links" in data:
        response.links = data["_links"]
        response.data = {k: v for k, v in data.items() if k != "_links"}
    return response


async def rest_dispatch(call: Call) -> RestResponse:
    """``WP_REST_Server::dispatch`` and the ``rest_post_dispatch`` filters (Allow,
    ``_fields``): always a response, errors included."""
    registry = call.ctx.routes
    params: dict[str, Any] = dict(call.query)
    route: Route | None = None
    if call.method == "OPTIONS":
        # rest_handle_options_request: the first route whose regex matches, any method.
        found = registry.first_route(call.path)
        route = found[0] if found else None
        data: Any = route_data(route, call.ctx.settings.base_url) if route else []
        response = RestResponse(data)
    elif (match := registry.match(call.path, call.method)) is None:
        response = _error(no_route())
    else:
        route = match.route
        try:
            response, params = await _respond(call, match)
        except ServiceError as err:
            response = _error(err)
        except NulInText as nul:  # an embedded or batched request's own answer
            response = _error(nul_refused(nul.field, nul.message, call.path))
    allow = allowed_methods(route, call.user) if route is not None else ""
    if allow:
        response.headers["Allow"] = allow
    fields = fields_param(params, call.query) if response.status < 400 else None
    if fields is not None:
        response.data, response.encoded = response.decoded(), None
    if call.method != "OPTIONS":  # the route data's _links are data, not the response's
        _links_apart(response)
    if fields is not None:
        response.data = filter_fields(response.data, fields)
    return response


async def _respond(call: Call, match: Match) -> tuple[RestResponse, dict[str, Any]]:
    """The permission is checked before the body is read and the arguments validated
    (WordPress validates first; see the README's differences)."""
    handler = match.endpoint.handler
    if handler is None:
        raise invalid_handler()
    match.endpoint.permission.check(call.user)
    http = call.http
    body, body_params = (
        await _read_body(http) if call.read_body and call.method in BODY_METHODS else (None, {})
    )
    # WordPress's precedence is JSON > body > query > URL; we let the URL win for
    # the named URL parameters so a body cannot redirect an update to another id.
    supplied: dict[str, Any] = {**call.query, **body_params, **match.params}
    refuse_nul(supplied.items())  # an embedded link's query and URL were not read at the edge
    params = validate_args(match.endpoint.args, supplied, saturate=match.params.keys())
    rest = RestRequest(
        method=call.method,
        path=call.path,
        params=params,
        url_params=match.params,
        query=call.query,
        body=body,
        user=call.user,
        ctx=call.ctx,
        route=match.route,
        http=http,
        headers=http.headers,
    )
    result = await handler(rest)
    response = result if isinstance(result, RestResponse) else RestResponse(result)
    return response, params


# -- serving ---------------------------------------------------------------
WP_JSON_TYPE = "application/json; charset=UTF-8"
SITE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Shopkeep</title>
<link rel="https://api.w.org/" href="{api}"></head>
<body><h1>Shopkeep</h1>
<p>A local API server for WooCommerce and WooNooW clients: the WordPress REST API is at
<a href="{api}">{api}</a>, the platform API under <code>/api/v1/</code>.</p>
</body></html>
"""
NOCACHE = {
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0",
}


def api_root(ctx: Context) -> str:
    return f"{ctx.settings.base_url}{REST_PREFIX}/"


def site_page(request: web.Request, ctx: Context) -> web.Response:
    """The site root (``/``, ``/index.php``): what this server is, and the discovery
    ``Link`` header WordPress sends on every page."""
    api = api_root(ctx)
    return web.Response(
        text=SITE_PAGE.format(api=api),
        content_type="text/html",
        charset="UTF-8",
        headers={"Link": f'<{api}>; rel="https://api.w.org/"'},
    )


async def dispatch(request: web.Request) -> web.StreamResponse:
    """Every request aiohttp's router does not give the platform: REST or the site."""
    ctx = request.app[CTX]
    try:
        path = await rest_route(request)
    except ServiceError:
        request[WP_REST] = True
        raise
    if path is None:
        if request.path in ("/", "/index.php"):
            return site_page(request, ctx)
        raise web.HTTPNotFound()
    request[WP_REST] = True
    method, overridden = effective_method(request)
    try:
        user = await auth.wp_user(request, ctx, method)
    except ServiceError as err:
        response = _error(err)  # rest_authentication_errors: no dispatch, no Allow
    else:
        request[REST_USER] = user
        call = Call(request, ctx, method, path, request.query, user)
        response = await rest_dispatch(call)
    embed = embed_param(request.query)
    if "_envelope" in request.query:
        response = RestResponse(
            {
                "body": await _response_data(request, ctx, response, embed),
                "status": response.status,
                "headers": response.headers or [],
            }
        )
    headers = dict(response.headers)
    if overridden and 400 <= response.status < 500:
        headers.update(NOCACHE)
    if request.get(REST_USER) is not None:
        headers.update(NOCACHE)
    if method == "HEAD" or response.status == 204:
        body = None
    elif response.encoded is not None and not response.links and not embed:
        body = response.encoded
    else:
        body = dumps_bytes(await _response_data(request, ctx, response, embed))
    # The encoded bytes and a ready Content-Type: aiohttp's text= path would decode and
    # encode a 20 KB page again.
    headers["Content-Type"] = WP_JSON_TYPE
    answer = web.Response(body=body, status=response.status, headers=headers)
    if response.status == 408:  # the rest of a body that stalled is not worth waiting for
        answer.force_close()
    return answer


def with_links(response: RestResponse) -> Any:
    """The data with the response's links as ``_links`` (a PHP array gains the key)."""
    data = response.decoded()
    if not response.links:
        return data
    if isinstance(data, list):
        data = {str(i): item for i, item in enumerate(data)}
    return {**data, "_links": response.links} if isinstance(data, dict) else data


async def _response_data(
    request: web.Request, ctx: Context, response: RestResponse, embed: bool | list[str] | None
) -> Any:
    """``response_to_data``: the data with the response's links, and embedded links."""
    data = with_links(response)
    if not embed:
        return data
    cache: dict[str, Any] = {}
    if isinstance(data, list):
        return [await _embed_links(request, ctx, item, embed, cache) for item in data]
    return await _embed_links(request, ctx, data, embed, cache)


async def _embed_links(
    request: web.Request, ctx: Context, data: Any, embed: bool | list[str], cache: dict[str, Any]
) -> Any:
    """``embed_links``: each embeddable link dispatched as the same caller."""
    if not isinstance(data, dict) or not isinstance(data.get("_links"), dict):
        return data
    embedded: dict[str, list[Any]] = {}
    for rel, links in data["_links"].items():
        if isinstance(embed, list) and rel not in embed:
            continue
        found: list[Any] = []
        for link in links if isinstance(links, list) else []:
            href = link.get("href") if isinstance(link, dict) else None
            if not (isinstance(link, dict) and link.get("embeddable")) or not isinstance(href, str):
                found.append([])
                continue
            if href not in cache:
                cache[href] = await _embedded(request, ctx, href)
            found.append(cache[href])
        if any(found):
            embedded[rel] = found
    return {**data, "_embedded": embedded} if embedded else data


async def _embedded(request: web.Request, ctx: Context, href: str) -> Any:
    """``WP_REST_Request::from_url`` then dispatch: a GET with ``context=embed``."""
    root = api_root(ctx)
    parts = urlsplit(href)
    query = MultiDict(parse_qsl(parts.query, keep_blank_values=True))
    if href.startswith(root):
        path = urlsplit(href[len(root) - 1 :]).path
    elif query.get("rest_route"):
        path = query.popall("rest_route")[-1]
    else:
        return []
    if not path:
        return []
    if not query.get("context"):
        query["context"] = "embed"
    user = request.get(REST_USER)
    call = Call(request, ctx, "GET", path, MultiDictProxy(query), user, read_body=False)
    return with_links(await rest_dispatch(call))


# -- index -----------------------------------------------------------------
_PARAM_GROUP = re.compile(r"\(\?P<(\w+?)>.*?\)")


def route_data(route: Route, base_url: str) -> dict[str, Any] | None:
    """``get_data_for_route``: None when no endpoint is shown (the route is left out)."""
    endpoints = [
        {
            "methods": list(ep.methods),
            "args": {name: index_entry(spec) for name, spec in ep.args.items()} or [],
        }
        for ep in route.endpoints
        if ep.show_in_index
    ]
    # The route's methods: concatenated over its endpoints, duplicates kept, as WordPress.
    methods = [m for e in endpoints for m in e["methods"]]
    if not methods:
        return None
    data: dict[str, Any] = {
        "namespace": route.namespace,
        "methods": methods,
        "endpoints": endpoints,
    }
    # WordPress replaces (?P<name>...) with {name} and links routes left without a "{".
    if "{" not in _PARAM_GROUP.sub(r"{\1}", route.pattern):
        href = f"{base_url}{REST_PREFIX}/{route.pattern.lstrip('/')}"
        data["_links"] = {"self": [{"href": href}]}
    return data


_INDEX_CACHE: dict[tuple[int, int, str, str | None], bytes] = {}


def cached_index(
    registry: RouteRegistry, base_url: str, namespace: str | None, build: Callable[[], Any]
) -> bytes:
    """An index changes only when routes are registered: encode it once per version."""
    key = (id(registry), registry.version, base_url, namespace)
    encoded = _INDEX_CACHE.get(key)
    if encoded is None:
        if len(_INDEX_CACHE) > 64:
            _INDEX_CACHE.clear()
        encoded = _INDEX_CACHE[key] = dumps_bytes(build())
    return encoded


def routes_data(routes: list[Route], base_url: str) -> dict[str, Any]:
    found = ((r.pattern, route_data(r, base_url)) for r in routes)
    return {pattern: data for pattern, data in found if data is not None}


async def site_index(req: RestRequest) -> RestResponse:
    registry = req.ctx.routes
    base = req.ctx.settings.base_url
    return RestResponse(
        None,
        encoded=cached_index(
            registry,
            base,
            None,
            lambda: {
                "name": "Shopkeep",
                "description": "WooNooW REST API and WooCommerce sync tokens",
                "url": base,
                "home": base,
                "gmt_offset": "0",
                "timezone_string": "UTC",
                "namespaces": registry.namespaces,
                "authentication": {
                    "application-passwords": {
                        "endpoints": {"authorization": f"{base}/wp-admin/authorize-application.php"}
                    }
                },
                "routes": routes_data(registry.routes(), base),
                "site_logo": 0,
                "site_icon": 0,
                "site_icon_url": "",
                "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
            },
        ),
    )


async def namespace_index(req: RestRequest) -> RestResponse:
    registry = req.ctx.routes
    namespace = req.params.get("namespace") or req.route.namespace
    if namespace not in registry.namespaces:
        raise ServiceError(
            "rest_invalid_namespace", "The specified namespace could not be found.", 404
        )
    base = req.ctx.settings.base_url
    return RestResponse(
        None,
        encoded=cached_index(
            registry,
            base,
            namespace,
            lambda: {
                "namespace": namespace,
                "routes": routes_data(registry.namespace_routes(namespace), base),
                "_links": {"up": [{"href": f"{base}{REST_PREFIX}/"}]},
            },
        ),
    )
