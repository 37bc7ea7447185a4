"""WordPress registration and dispatch semantics, over HTTP."""

from __future__ import annotations

import pytest

from service.accounts.permissions import MANAGE_WOOCOMMERCE
from service.app.assembly import create_app
from service.common.schema import arg
from service.http.registry import (
    CREATABLE,
    DELETABLE,
    EDITABLE,
    READABLE,
    Endpoint,
    RouteRegistry,
)
from service.http.wp import namespace_index, site_index


def answer(name):
    async def handler(req):
        return {"handler": name, "params": req.url_params, "method": req.method}

    return handler


def make_registry() -> RouteRegistry:
    reg = RouteRegistry(index_handler=namespace_index)
    reg.register_root(
        [Endpoint(READABLE, site_index, args={"context": {"default": "view"}})],
        owner="WP_REST_Server",
    )
    ns = "shop/v1"
    reg.register(
        ns,
        "/products",
        [Endpoint(READABLE, answer("list")), Endpoint(CREATABLE, answer("create"))],
        "Products",
    )
    reg.register(ns, "/products/search", Endpoint(READABLE, answer("search")), "Orders")
    reg.register(
        ns,
        r"/products/(?P<id>[\d]+)",
        [Endpoint(READABLE, answer("get")), Endpoint(EDITABLE, answer("update"))],
        "Products",
    )
    # Matches /products/<anything> but only for DELETE: GETs fall through.
    reg.register(
        ns, r"/products/(?P<slug>[\w-]+)", Endpoint(DELETABLE, answer("delete-slug")), "Products"
    )
    reg.register(ns, r"/products/(?P<sku>[\w-]+)", Endpoint(READABLE, answer("by-sku")), "Products")
    # Duplicate registration appends; the earlier handler keeps winning.
    reg.register(ns, "/products/search", Endpoint(READABLE, answer("search-again")), "Late")
    reg.register(ns, "/override-me", Endpoint(READABLE, answer("old")), "A")
    reg.register(ns, "/override-me", Endpoint(READABLE, answer("new")), "B", override=True)
    reg.register(
        ns, "/secret", Endpoint(READABLE, answer("secret"), permission=MANAGE_WOOCOMMERCE), "Admin"
    )
    reg.register(
        ns,
        "/typed",
        Endpoint(
            READABLE,
            answer("typed"),
            args={
                "per_page": arg(
                    "integer", minimum=1, maximum=100, default=10, description="Page size"
                ),
                "status": arg("string", enum=["a", "b"], required=True),
            },
        ),
        "Typed",
    )
    return reg


@pytest.fixture
async def wp(aiohttp_client, ctx):
    ctx.registry = make_registry()
    return await aiohttp_client(create_app(ctx))


async def handler_of(resp):
    assert resp.status == 200, await resp.text()
    return (await resp.json())["handler"]


async def test_first_registered_wins_and_specific_before_generic(wp):
    assert await handler_of(await wp.get("/wp-json/shop/v1/products/search")) == "search"
    body = await (await wp.get("/wp-json/shop/v1/products/42")).json()
    assert body["handler"] == "get" and body["params"] == {"id": "42"}


async def test_duplicate_registration_appends_and_earlier_wins(wp, ctx):
    route = next(r for r in ctx.registry.routes() if r.pattern.endswith("/products/search"))
    assert len(route.endpoints) == 2 and route.methods == ["GET", "GET"]
    index = await (await wp.get("/wp-json/shop/v1")).json()
    entry = index["routes"]["/shop/v1/products/search"]
    assert entry["methods"] == ["GET", "GET"]
    assert [e["methods"] for e in entry["endpoints"]] == [["GET"], ["GET"]]
    assert await handler_of(await wp.get("/wp-json/shop/v1/products/search")) == "search"


async def test_override_replaces(wp):
    assert await handler_of(await wp.get("/wp-json/shop/v1/override-me")) == "new"


async def test_method_fall_through_to_a_later_route(wp):
    # /products/(?P<slug>) matches "abc" but has no GET: the scan continues to by-sku.
    assert await handler_of(await wp.get("/wp-json/shop/v1/products/abc")) == "by-sku"
    assert await handler_of(await wp.delete("/wp-json/shop/v1/products/abc")) == "delete-slug"
    # PUT on a digit id goes to the update handler of the earlier route.
    assert await handler_of(await wp.put("/wp-json/shop/v1/products/7")) == "update"


async def test_head_falls_back_to_get(wp):
    resp = await wp.head("/wp-json/shop/v1/products")
    assert resp.status == 200
    assert await resp.read() == b""


async def test_case_insensitive_and_trailing_slash(wp):
    assert await handler_of(await wp.get("/wp-json/shop/v1/PRODUCTS/Search/")) == "search"
    assert await handler_of(await wp.get("/wp-json/shop/v1/products/")) == "list"


async def test_rest_route_query_is_the_same_dispatch(wp):
    assert await handler_of(await wp.get("/?rest_route=/shop/v1/products/search")) == "search"
    assert await handler_of(await wp.post("/index.php?rest_route=/shop/v1/products")) == "create"


async def test_no_route_is_404_in_wordpress_shape(wp):
    for resp in (
        await wp.get("/wp-json/shop/v1/nothing"),
        await wp.patch("/wp-json/shop/v1/products"),
        await wp.get("/wp-json/other/v9/x"),
    ):
        assert resp.status == 404
        assert await resp.json() == {
            "code": "rest_no_route",
            "message": "No route was found matching the URL and request method.",
            "data": {"status": 404},
        }
        assert "Allow" not in resp.headers


async def test_options_answers_from_first_match_with_allow(wp):
    resp = await wp.options("/wp-json/shop/v1/products/5")
    assert resp.status == 200
    assert resp.headers["Allow"] == "GET, POST, PUT, PATCH"
    body = await resp.json()
    assert body["namespace"] == "shop/v1"
    assert [e["methods"] for e in body["endpoints"]] == [["GET"], ["POST", "PUT", "PATCH"]]
    assert "_links" not in body  # parameterised routes have no self link
    nothing = await wp.options("/wp-json/shop/v1/nothing")
    assert nothing.status == 200 and await nothing.json() == [] and "Allow" not in nothing.headers


async def test_allow_drops_methods_the_caller_may_not_use(wp):
    resp = await wp.get("/wp-json/shop/v1/secret")
    assert resp.status == 401
    assert "Allow" not in resp.headers  # WordPress sends no Allow when it would be empty
    body = await resp.json()
    assert body["data"]["status"] == 401 and body["code"] == "woocommerce_rest_cannot_view"


async def test_args_are_validated_with_wordpress_errors(wp):
    missing = await wp.get("/wp-json/shop/v1/typed")
    assert missing.status == 400
    assert (await missing.json())["code"] == "rest_missing_callback_param"
    bad = await wp.get("/wp-json/shop/v1/typed?status=c&per_page=500")
    assert bad.status == 400
    body = await bad.json()
    assert body["code"] == "rest_invalid_param"
    assert set(body["data"]["params"]) == {"status", "per_page"}
    assert "between 1 (inclusive) and 100 (inclusive)" in body["data"]["params"]["per_page"]
    ok = await wp.get("/wp-json/shop/v1/typed?status=a")
    assert ok.status == 200


async def test_index_shape_and_registration_order(wp):
    index = await (await wp.get("/wp-json/")).json()
    assert index["namespaces"] == ["shop/v1"]
    routes = list(index["routes"])
    assert routes[:4] == ["/", "/shop/v1", "/shop/v1/products", "/shop/v1/products/search"]
    assert routes.index("/shop/v1/products/(?P<id>[\\d]+)") < routes.index(
        "/shop/v1/products/(?P<slug>[\\w-]+)"
    )
    entry = index["routes"]["/shop/v1/products"]
    assert entry["methods"] == ["GET", "POST"]
    assert entry["_links"]["self"][0]["href"].endswith("/wp-json/shop/v1/products")
    typed = index["routes"]["/shop/v1/typed"]["endpoints"][0]["args"]
    assert typed["per_page"] == {
        "default": 10,
        "description": "Page size",
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "required": False,
    }
    assert typed["status"]["enum"] == ["a", "b"] and typed["status"]["required"] is True
    for key in ("name", "description", "url", "home", "authentication", "_links"):
        assert key in index


async def test_namespace_index(wp):
    body = await (await wp.get("/wp-json/shop/v1")).json()
    assert body["namespace"] == "shop/v1"
    assert next(iter(body["routes"])) == "/shop/v1"
    assert "/" not in body["routes"]
    assert body["_links"]["up"][0]["href"].endswith("/wp-json/")


async def test_registration_rules():
    reg = RouteRegistry()
    with pytest.raises(ValueError):
        reg.register("", "/x", Endpoint(READABLE, answer("x")), "A")
    with pytest.raises(ValueError):
        reg.register("ns/v1", "", Endpoint(READABLE, answer("x")), "A")
    route = reg.register("/ns/v1/", "/things/", Endpoint(READABLE, answer("x")), "A")
    assert route.pattern == "/ns/v1/things"
    assert [r.pattern for r in reg.routes()] == ["/ns/v1", "/ns/v1/things"]


async def test_namespace_prefilter_orders_by_namespace():
    """WordPress collects routes per matching namespace, in namespace order."""
    reg = RouteRegistry()
    reg.register("wc/store", "/cart", Endpoint(READABLE, answer("cart")), "A")
    reg.register("wc/store/v1", r"/cart/(?P<x>.+)", Endpoint(READABLE, answer("v1")), "B")
    reg.register("wc/store", r"/v1/cart/(?P<item>.+)", Endpoint(READABLE, answer("bare")), "A")
    # "bare" was registered after the v1 route, but its namespace came first.
    match = reg.match("/wc/store/v1/cart/items", "GET")
    assert match is not None and match.route.namespace == "wc/store"
    # A path no namespace prefixes (case differs) scans every route in plain order.
    match = reg.match("/WC/store/v1/cart/items", "GET")
    assert match is not None and match.route.namespace == "wc/store/v1"


async def test_pcre_named_groups_are_translated():
    reg = RouteRegistry()
    reg.register("jetpack/v4", r"/module/(?<slug>[a-z\-]+)", Endpoint(READABLE, answer("j")), "J")
    match = reg.match("/jetpack/v4/module/stats", "GET")
    assert match is not None and match.params == {"slug": "stats"}
