"""The WordPress REST surface: ``/wp-json/...`` and ``?rest_route=/...``.

Every request is dispatched by the route registry (see registry.py for the
semantics). Handlers receive a :class:`RestRequest` and return data, or a
:class:`RestResponse` when they need a status or headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from multidict import MultiDictProxy

from service.accounts.users import User
from service.common.errors import ServiceError
from service.common.schema import index_entry, validate_args
from service.http import auth
from service.http.body import BodyError, decode_json, read_bytes, read_form
from service.http.keys import CTX
from service.http.registry import Match, Route, RouteRegistry, ordered_methods
from service.http.responses import dumps, json_response

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
    query: MultiDictProxy[str]
    body: Any
    user: User | None
    ctx: Context
    route: Route
    http: web.Request
    headers: Any = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass
class RestResponse:
    data: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    encoded: str | None = None  # the JSON body already encoded (cached responses)


def no_route() -> ServiceError:
    return ServiceError(
        "rest_no_route", "No route was found matching the URL and request method.", 404
    )


def rest_path(request: web.Request) -> str | None:
    """The route path of a REST request, untrailingslashed as WordPress does."""
    if request.path == REST_PREFIX or request.path.startswith(REST_PREFIX + "/"):
        path = request.path[len(REST_PREFIX) :]
    elif "rest_route" in request.query:
        path = request.query["rest_route"]
    else:
        return None
    path = path.rstrip("/")
    return path if path.startswith("/") else "/" + path if path else "/"


def _method(request: web.Request) -> str:
    method = request.method.upper()
    if method == "POST":
        override = request.query.get("_method") or request.headers.get("X-HTTP-Method-Override")
        if override:
            method = override.upper()
    return method


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
    methods: list[str] = []
    for ep in route.endpoints:
        if ep.permission.allows(user):
            methods.extend(m for m in ordered_methods(ep.methods) if m not in methods)
    return ", ".join(methods)


async def dispatch(request: web.Request) -> web.StreamResponse:
    path = rest_path(request)
    if path is None:
        raise web.HTTPNotFound()
    ctx = request.app[CTX]
    registry: RouteRegistry = ctx.registry
    method = _method(request)
    user = await auth.wp_user(request, ctx, method)

    if method == "OPTIONS":
        found = registry.first_route(path)
        if found is None:
            return json_response([])
        route, _ = found
        return json_response(
            route_data(route, ctx.settings.base_url),
            headers={"Allow": allowed_methods(route, user)},
        )

    match = registry.match(path, method)
    if match is None:
        raise no_route()
    allow = allowed_methods(match.route, user)
    try:
        result = await _call(request, ctx, match, method, path, user)
    except ServiceError as err:
        err.headers.setdefault("Allow", allow)
        raise
    if isinstance(result, web.StreamResponse):
        return result
    response = result if isinstance(result, RestResponse) else RestResponse(result)
    headers = {"Allow": allow, **response.headers}
    if response.encoded is not None:
        return web.Response(
            text=response.encoded,
            status=response.status,
            headers=headers,
            content_type="application/json",
            charset="utf-8",
        )
    return json_response(response.data, response.status, headers)


async def _call(
    request: web.Request, ctx: Context, match: Match, method: str, path: str, user: User | None
) -> Any:
    match.endpoint.permission.check(user)
    body, body_params = await _read_body(request) if method in BODY_METHODS else (None, {})
    # WordPress's precedence is JSON > body > query > URL; we let the URL win for
    # the named URL parameters so a body cannot redirect an update to another id.
    supplied: dict[str, Any] = {**request.query, **body_params, **match.params}
    params = validate_args(match.endpoint.args, supplied, saturate=match.params.keys())
    rest = RestRequest(
        method=method,
        path=path,
        params=params,
        url_params=match.params,
        query=request.query,
        body=body,
        user=user,
        ctx=ctx,
        route=match.route,
        http=request,
        headers=request.headers,
    )
    return await match.endpoint.handler(rest)


# -- index -----------------------------------------------------------------
def route_data(route: Route, base_url: str) -> dict[str, Any]:
    endpoints = [
        {
            "methods": ordered_methods(ep.methods),
            "args": {name: index_entry(spec) for name, spec in ep.args.items()},
        }
        for ep in route.endpoints
        if ep.show_in_index
    ]
    # The route's methods: concatenated over its endpoints, duplicates kept, as WordPress.
    data: dict[str, Any] = {
        "namespace": route.namespace,
        "methods": [m for e in endpoints for m in e["methods"]],
        "endpoints": endpoints,
    }
    if not route.has_params:
        data["_links"] = {"self": [{"href": f"{base_url}{REST_PREFIX}{route.pattern}"}]}
    return data


_INDEX_CACHE: dict[tuple[int, int, str, str | None], str] = {}


def cached_index(registry: RouteRegistry, base_url: str, namespace: str | None, build) -> str:
    """An index changes only when routes are registered: encode it once per version."""
    key = (id(registry), registry.version, base_url, namespace)
    encoded = _INDEX_CACHE.get(key)
    if encoded is None:
        if len(_INDEX_CACHE) > 64:
            _INDEX_CACHE.clear()
        encoded = _INDEX_CACHE[key] = dumps(build())
    return encoded


def routes_data(routes: list[Route], base_url: str) -> dict[str, Any]:
    return {
        r.pattern: route_data(r, base_url)
        for r in routes
        if any(ep.show_in_index for ep in r.endpoints)
    }


async def site_index(req: RestRequest) -> RestResponse:
    registry: RouteRegistry = req.ctx.registry
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
    registry: RouteRegistry = req.ctx.registry
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
                "routes": routes_data(registry.routes(namespace), base),
                "_links": {"up": [{"href": f"{base}{REST_PREFIX}/"}]},
            },
        ),
    )
