"""The OpenAPI 3.1 document: served at /openapi.json, printed by ``run.py routes openapi``,
valid, and complete for both surfaces."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from openapi_spec_validator import validate
from support import REPO

from service.app.assembly import build_registry
from service.common.schema import arg
from service.http.registry import CREATABLE, DELETABLE, READABLE, Endpoint, RouteRegistry
from service.routes.openapi import build_document
from service.routes.openapi_paths import TAIL, path_template

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict:
    return build_document(build_registry())


async def test_served_at_openapi_json_and_valid(client):
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    assert resp.content_type == "application/json"
    served = await resp.json()
    validate(served)
    assert served["openapi"] == "3.1.0"
    assert served == json.loads(json.dumps(build_document(build_registry())))
    assert served["paths"]["/openapi.json"]["get"]["security"] == [{}]


def test_every_route_and_method_of_the_registry_is_documented(document):
    registry = build_registry()
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }
    for route in registry.all_routes():
        if route.surface == "wp":
            path = "/wp-json" + path_template(route.pattern).path
        else:
            path = route.path_template
        for endpoint in route.endpoints:
            for method in set(endpoint.methods) & {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                assert (path, method) in documented, (route.pattern, method)
    assert len(documented) >= 120


def test_path_parameters_query_parameters_and_bodies_come_from_the_arg_schemas(document):
    item = document["paths"]["/wp-json/woonoow/v1/products/{id}"]
    assert item["x-wp-route"] == "/woonoow/v1/products/(?P<id>[\\d]+)"
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
    ]
    delete = {p["name"]: p for p in item["delete"]["parameters"]}
    assert delete["force"]["in"] == "query"
    assert delete["force"]["schema"]["type"] == "boolean"
    body = item["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object" and body["properties"]["name"]["type"] == "string"
    assert "id" not in body["properties"]

    create = document["paths"]["/wp-json/woonoow/v1/products"]["post"]
    assert create["requestBody"]["required"] is True
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"] == ["name"]
    listing_parameters = document["paths"]["/wp-json/woonoow/v1/products"]["get"]["parameters"]
    listing = {p["name"]: p["schema"] for p in listing_parameters}
    assert listing["per_page"] == {
        "description": "Maximum number of items to be returned in result set.",
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
    }
    code = document["paths"]["/wp-json/woonoow/v1/orders/{id}/coupons/{code}"]["parameters"][1]
    assert code == {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^(?:[^/]+)$"},
    }


def test_success_and_error_statuses_with_each_surfaces_error_shape(document):
    paths = document["paths"]
    create = paths["/wp-json/woonoow/v1/products"]["post"]["responses"]
    assert set(create) == {"201", "400", "401", "403", "404", "409", "413", "429"}
    assert create["403"] == {"$ref": "#/components/responses/WordPressError403"}
    trash = paths["/wp-json/woonoow/v1/products/{id}"]["delete"]["responses"]
    assert {"200", "410", "501"} <= set(trash)
    assert "403" not in paths["/wp-json/woonoow/v1/shop/products"]["get"]["responses"]
    login = paths["/api/v1/auth/login/"]["post"]["responses"]
    assert login["400"] == {"$ref": "#/components/responses/PlatformError400"}
    assert paths["/api/v1/integrations/tokens/generate/"]["post"]["responses"].keys() >= {"201"}

    components = document["components"]
    assert components["responses"]["PlatformError401"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/PlatformError"}
    }
    wp_error = components["schemas"]["WordPressError"]
    assert wp_error["required"] == ["code", "message", "data"]
    assert wp_error["properties"]["data"]["required"] == ["status"]
    assert components["schemas"]["PlatformError"]["required"] == ["detail", "code"]
    assert set(components["schemas"]["PlatformError"]["properties"]) == {"detail", "code", "errors"}


def test_auth_schemes_per_surface(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerJWT"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["bearerJWT"]["description"],
    }
    assert schemes["applicationPassword"]["scheme"] == "basic"
    assert schemes["cartToken"] == {**schemes["cartToken"], "in": "header", "name": "Cart-Token"}
    assert schemes["woocommerceKeyBasic"]["scheme"] == "basic"
    assert schemes["woocommerceKeyQuery"] == {**schemes["woocommerceKeyQuery"], "in": "query"}
    assert schemes["woocommerceOAuth1"]["name"] == "oauth_signature"
    paths = document["paths"]
    keys = [{"woocommerceKeyBasic": []}, {"woocommerceKeyQuery": []}, {"woocommerceOAuth1": []}]
    users = [{"bearerJWT": []}, {"applicationPassword": []}, *keys]
    assert paths["/wp-json/woonoow/v1/orders"]["get"]["security"] == users
    assert paths["/wp-json/woonoow/v1/shop/products"]["get"]["security"] == [{}, *users]
    assert paths["/wp-json/woonoow/v1/cart"]["get"]["security"] == [{}, {"cartToken": []}, *users]
    assert paths["/api/v1/auth/me/"]["get"]["security"] == [{"bearerJWT": []}]
    health = paths["/api/integrations/woocommerce/health/"]["get"]
    assert health["security"] == [{"integrationToken": []}]


def test_regexes_openapi_cannot_express_keep_the_original(document):
    registry = RouteRegistry()
    ok = Endpoint(READABLE, None)
    registry.register("x/v1", r"/items/(?P<id>[\d]+)", ok, "Items")
    registry.register("x/v1", r"/pages(?:/(?P<page>\d+))?", ok, "Pages")
    registry.register("x/v1", r"/files/(?P<path>.+)", Endpoint(DELETABLE, None), "Files")
    registry.register("x/v1", r"/kinds/(?P<kind>red|blue)", Endpoint(CREATABLE, None), "Kinds")
    doc = build_document(registry)
    validate(doc)
    paths = doc["paths"]
    assert paths["/wp-json/x/v1/items/{id}"]["x-wp-route"] == r"/x/v1/items/(?P<id>[\d]+)"
    assert "x-wp-route-exact" not in paths["/wp-json/x/v1/items/{id}"]
    pages = paths["/wp-json/x/v1/{" + TAIL + "}"]
    assert pages["x-wp-route"] == r"/x/v1/pages(?:/(?P<page>\d+))?"
    assert pages["x-wp-route-exact"] is False
    assert pages["parameters"][0]["schema"]["pattern"] == r"^(?:pages(?:/(?:\d+))?)$"
    files = paths["/wp-json/x/v1/files/{" + TAIL + "}"]
    assert files["x-wp-route"] == "/x/v1/files/(?P<path>.+)" and "delete" in files
    kinds = paths["/wp-json/x/v1/kinds/{kind}"]
    assert kinds["parameters"][0]["schema"] == {"type": "string", "pattern": "^(?:red|blue)$"}


def test_wordpress_schemas_become_json_schema():
    registry = RouteRegistry()
    args = {
        "qty": arg("integer", minimum=0, exclusiveMinimum=True, required=True),
        "when": arg("string", format="date-time"),
        "colour": arg("string", format="hex-color"),
        "address": arg(
            "object",
            properties={"city": arg("string", required=True), "zip": arg("string")},
        ),
        "ids": arg("array", items=arg("integer")),
    }
    registry.register("x/v1", "/things", Endpoint(CREATABLE, None, args=args), "Things")
    registry.register("x/v1", "/things/list", Endpoint(READABLE, None, args=args), "Things")
    doc = build_document(registry)
    validate(doc)
    body = doc["paths"]["/wp-json/x/v1/things"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert body["required"] is True
    assert schema["required"] == ["qty"]
    assert schema["properties"]["qty"] == {"type": "integer", "exclusiveMinimum": 0}
    assert schema["properties"]["when"] == {"type": "string", "format": "date-time"}
    assert schema["properties"]["colour"] == {"type": "string"}
    assert schema["properties"]["address"] == {
        "type": "object",
        "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
        "required": ["city"],
    }
    query = {p["name"]: p for p in doc["paths"]["/wp-json/x/v1/things/list"]["get"]["parameters"]}
    assert query["qty"]["required"] is True
    assert query["ids"]["style"] == "form" and query["ids"]["explode"] is False


def run_openapi(fmt: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "run.py"), "routes", "openapi", "--format", fmt],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def test_run_py_prints_the_same_document_as_json_and_yaml(document):
    as_json = json.loads(run_openapi("json"))
    as_yaml = yaml.safe_load(run_openapi("yaml"))
    expected = json.loads(json.dumps(document))
    assert as_json == expected
    assert as_yaml == expected
