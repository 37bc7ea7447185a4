"""The OpenAPI 3.1 document of every route the server answers, built from the registry.

Pure: it reads a ``RouteRegistry`` (``all_routes()``: the WordPress routes under
``/wp-json``, then the platform routes under ``/api``) and returns a dict. Nothing here
knows a controller: the parameters come from the endpoints' arg schemas
(service/common/schema.py), the auth from their permissions, the error shapes from the
surface. Served at ``GET /openapi.json`` and printed by ``run.py routes openapi``.

What the registry does not say is said here, once: the success status of the few
endpoints that answer something other than 200 (201 for a WooCommerce create), and
which owner keeps the Cart-Token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from service.routes.openapi_paths import PathTemplate, from_aiohttp, path_template
from service.routes.openapi_schema import (
    BODY_METHODS,
    ERROR_SCHEMAS,
    json_schema,
    object_schema,
)

if TYPE_CHECKING:
    from service.http.registry import Endpoint, Route, RouteRegistry

OPENAPI_PATH = "/openapi.json"
WP_PREFIX = "/wp-json"
DOCUMENTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # HEAD/OPTIONS: automatic

# -- auth ------------------------------------------------------------------------------
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerJWT": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access JWT from POST /api/v1/auth/login/ (both surfaces).",
    },
    "applicationPassword": {
        "type": "http",
        "scheme": "basic",
        "description": "WordPress application password: Basic email:password "
        "(run.py users app-password). /wp-json only.",
    },
    "cartToken": {
        "type": "apiKey",
        "in": "header",
        "name": "Cart-Token",
        "description": "The storefront cart's signed token; every cart answer carries "
        "the one to send next.",
    },
    "integrationToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "wc_sk_live_…",
        "description": "An integration token (POST /api/v1/integrations/tokens/generate/).",
    },
}
# WooCommerce REST API keys (ck_/cs_: Basic over HTTPS, consumer_key/consumer_secret in
# the query, OAuth 1.0a over HTTP) go here, and their names into WOOCOMMERCE_KEY_SECURITY:
# every /wp-json route that accepts a user accepts a key.
WOOCOMMERCE_KEY_SCHEMES: dict[str, dict[str, Any]] = {
    "woocommerceKeyBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "Over HTTPS only: consumer key (ck_...) as the user name, consumer "
        "secret (cs_...) as the password.",
    },
    "woocommerceKeyQuery": {
        "type": "apiKey",
        "in": "query",
        "name": "consumer_key",
        "description": "Over HTTPS only: consumer_key and consumer_secret in the query string.",
    },
    "woocommerceOAuth1": {
        "type": "apiKey",
        "in": "query",
        "name": "oauth_signature",
        "description": "Over plain HTTP: one-legged OAuth 1.0a (HMAC-SHA1 or HMAC-SHA256) "
        "signed with the consumer secret; oauth_consumer_key, oauth_timestamp (within 15 "
        "minutes), oauth_nonce (used once), oauth_signature_method, oauth_signature.",
    },
}
WOOCOMMERCE_KEY_SECURITY: list[dict[str, list[str]]] = [
    {"woocommerceKeyBasic": []},
    {"woocommerceKeyQuery": []},
    {"woocommerceOAuth1": []},
]

WP_USER_SECURITY: list[dict[str, list[str]]] = [{"bearerJWT": []}, {"applicationPassword": []}]
CART_OWNERS = frozenset({"CartController"})

# -- statuses --------------------------------------------------------------------------
WOOCOMMERCE_CREATE = "woocommerce_rest_cannot_create"
SUCCESS_OVERRIDES: dict[tuple[str, str], tuple[int, ...]] = {
    ("POST", "/woonoow/v1/cart/add"): (201,),
    ("POST", "/woonoow/v1/licenses/activate"): (200, 201, 202),
    ("POST", "/woonoow/v1/orders/(?P<id>[\\d]+)/coupons"): (200, 201),
    ("POST", "/api/v1/integrations/tokens/generate/"): (201,),
    ("POST", "/api/integrations/tokens/generate/"): (201,),
}
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted: waiting for approval",
    400: "Invalid or missing parameters, or a body that is not valid JSON",
    401: "Not logged in, or the credentials sent are invalid",
    403: "Logged in without the permission this needs",
    404: "No such object (or no route for this path and method)",
    409: "Conflicts with the current state",
    410: "Already deleted (in the trash)",
    413: "The request body is too large",
    429: "Too many attempts: retry after the Retry-After seconds",
    501: "This kind of object cannot be trashed: use force=true",
}


def success_statuses(route: Route, endpoint: Endpoint, method: str) -> tuple[int, ...]:
    override = SUCCESS_OVERRIDES.get((method, _key(route)))
    if override:
        return override
    if method == "POST" and endpoint.permission.code == WOOCOMMERCE_CREATE:
        return (201,)
    return (200,)


def error_statuses(route: Route, endpoint: Endpoint, method: str) -> list[int]:
    """The error statuses the framework and the endpoint's kind can give."""
    statuses = {400, 401, 404, 429}  # 429: password guessing is throttled on every route
    if endpoint.permission.label != "public":
        statuses.add(403)
    if method != "GET":
        statuses.add(409)
    if method in BODY_METHODS:
        statuses.add(413)
    if route.surface == "wp" and method == "DELETE":
        statuses |= {410, 501}
    return sorted(statuses)


# -- the document ----------------------------------------------------------------------
def build_document(
    registry: RouteRegistry, *, server_url: str = "/", version: str = "1"
) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, None] = {}
    for route in registry.all_routes():
        if route.surface == "wp":
            template = path_template(route.pattern)
            path = WP_PREFIX + template.path
        else:
            template = from_aiohttp(route.path_template)
            path = template.path
        item = paths.setdefault(path, {})
        if template.params and "parameters" not in item:
            item["parameters"] = [_path_parameter(p.name, p.schema()) for p in template.params]
        if route.surface == "wp":
            item.setdefault("x-wp-route", route.pattern)
            if not template.exact:
                item["x-wp-route-exact"] = False
        tag = route.namespace or "index"
        for endpoint in route.endpoints:
            for method in _methods(endpoint):
                if method.lower() in item:
                    continue  # an earlier route or endpoint answers this method first
                tags[tag] = None
                item[method.lower()] = _operation(route, endpoint, method, template, path, tag)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shopkeep",
            "version": version,
            "description": (
                "Two surfaces. /wp-json: WordPress REST routes (WooNooW's woonoow/v1), errors "
                "{code, message, data: {status}}. /api: the platform, errors "
                "{detail, code, errors?}. Generated from the route registry."
            ),
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": name} for name in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {**SECURITY_SCHEMES, **WOOCOMMERCE_KEY_SCHEMES},
            "schemas": ERROR_SCHEMAS,
            "responses": _error_responses(),
        },
    }


def dumps(document: Mapping[str, Any], fmt: str = "json") -> str:
    if fmt == "yaml":
        import yaml  # type: ignore[import-untyped]  # only for this output

        class Dumper(yaml.SafeDumper):
            def ignore_aliases(self, data: Any) -> bool:
                return True  # a shared list is written out each time, not as &id001

        return yaml.dump(dict(document), Dumper=Dumper, sort_keys=False, allow_unicode=True)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _key(route: Route) -> str:
    return route.path_template if route.surface == "platform" else route.pattern


def _methods(endpoint: Endpoint) -> Iterable[str]:
    return [m for m in DOCUMENTED_METHODS if m in endpoint.methods]


def _path_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _operation(
    route: Route, endpoint: Endpoint, method: str, template: PathTemplate, path: str, tag: str
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, path),
        "tags": [tag],
        "summary": endpoint.description or f"{endpoint.owner or route.owner} {method}",
        "x-owner": endpoint.owner or route.owner,
        "x-permission": endpoint.permission.label,
    }
    args = {k: v for k, v in endpoint.args.items() if k not in {p.name for p in template.params}}
    if route.surface == "platform" and method in BODY_METHODS:
        operation["requestBody"] = _json_body({"type": "object"}, required=False)
    elif method in BODY_METHODS:
        operation["requestBody"] = _json_body(object_schema(args), required=_any_required(args))
    elif args:
        operation["parameters"] = [_query_parameter(n, s) for n, s in args.items()]
    operation["security"] = _security(route, endpoint)
    operation["responses"] = _responses(route, endpoint, method)
    return operation


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    return f"{method.lower()}_{words or 'root'}"


def _any_required(args: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(spec.get("required") for spec in args.values())


def _query_parameter(name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": bool(spec.get("required")),
        "schema": json_schema(spec),
    }
    if spec.get("description"):
        parameter["description"] = spec["description"]
    if parameter["schema"].get("type") == "array":
        parameter["style"] = "form"
        parameter["explode"] = False  # WordPress reads a comma-separated list
    return parameter


def _json_body(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _security(route: Route, endpoint: Endpoint) -> list[dict[str, list[str]]]:
    label = endpoint.permission.label
    if route.surface == "platform":
        if label == "integration_token":
            return [{"integrationToken": []}]
        return [{}] if label == "public" else [{"bearerJWT": []}]
    users = WP_USER_SECURITY + WOOCOMMERCE_KEY_SECURITY
    if (endpoint.owner or route.owner) in CART_OWNERS:
        return [{}, {"cartToken": []}, *users]
    return [{}, *users] if label == "public" else users


def _responses(route: Route, endpoint: Endpoint, method: str) -> dict[str, Any]:
    error = "WordPressError" if route.surface == "wp" else "PlatformError"
    responses: dict[str, Any] = {}
    for status in success_statuses(route, endpoint, method):
        responses[str(status)] = {
            "description": STATUS_TEXT.get(status, "Success"),
            "content": {"application/json": {"schema": {}}},
        }
    for status in error_statuses(route, endpoint, method):
        responses[str(status)] = {"$ref": f"#/components/responses/{error}{status}"}
    return responses


def _error_responses() -> dict[str, Any]:
    return {
        f"{error}{status}": {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{error}"}}},
        }
        for error in ("WordPressError", "PlatformError")
        for status, text in STATUS_TEXT.items()
        if status >= 400
    }
