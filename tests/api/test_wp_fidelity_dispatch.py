"""Dispatch as WordPress 6.1 does it. Every expectation here was read off a real
WordPress 6.1.9 (Debian's package, Apache, a mu-plugin registering the same route
table with ``register_rest_route``) answering the same requests; the tests do not
need WordPress."""

from __future__ import annotations

import pytest
from yarl import URL

from service.accounts.permissions import PUBLIC, Permission
from service.app.assembly import create_app
from service.http.keys import CTX
from service.http.registry import Endpoint, RouteRegistry
from service.http.wp import namespace_index, site_index

ADMIN = Permission("admin", capability="manage_woocommerce", code="rest_forbidden")
DENY = Permission("deny", capability="no_one_has_this", code="rest_forbidden")
NS = "shop/v1"


def answer(name):
    async def handler(req):
        return {"handler": name, "params": req.url_params, "method": req.method}

    return handler


def ep(methods, name, permission=PUBLIC, **kw):
    return Endpoint(methods, answer(name) if name else None, permission, **kw)


def table() -> RouteRegistry:
    reg = RouteRegistry(index_handler=namespace_index)
    reg.register_root(
        [Endpoint(("GET",), site_index, args={"context": {"default": "view"}})], "WP_REST_Server"
    )
    r = reg.register
    r(
        NS,
        "/x/(?P<x>.+)",
        [ep("GET", "xget"), ep("POST, PUT, PATCH", "xpost"), ep("DELETE", "xdel")],
        "T",
    )
    r(NS, r"/o(?:/(?P<a>\d+))?(?:/(?P<b>[a-z]+))?", ep("GET", "opt"), "T")
    r(NS, "/mid(?P<a>a)?(?P<b>b)", ep("GET", "mid"), "T")
    r(NS, "/q{,3}", ep("GET", "brace"), "T")
    r(NS, "/at@x", ep("GET", "at"), "T")
    r(NS, r"/dup/(?P<id>\d+)/(?P<id>\d+)", ep("GET", "dup"), "T")
    r(NS, "/h", [ep("GET", "h-get", DENY), ep("HEAD", "h-head")], "T")
    r(NS, "/m", [ep(["PATCH", "GET"], "m1", ADMIN), ep("GET", "m2"), ep("PUT", "m3", DENY)], "T")
    r(NS, "/none", ep([], "none"), "T")
    r(NS, "/hidden", [ep("GET", "hid", show_in_index=False), ep("POST", "vis")], "T")
    r(NS, "/nocb", ep("GET", None), "T")
    r(NS, r"/pcre/(?<id>\d+)", ep("GET", "pcre"), "T")
    # One key under two namespace splits: "a" + "/b/c", then "a/b" + "/c".
    r("a", "/b/c", ep("GET", "split-a"), "T")
    r("a/b", "/c", ep("POST", "split-ab"), "T")
    return reg


@pytest.fixture
async def wp(aiohttp_client, ctx):
    ctx.registry = table()
    return await aiohttp_client(create_app(ctx))


async def body(resp, status=200):
    assert resp.status == status, await resp.text()
    return await resp.json()


NO_ROUTE = {
    "code": "rest_no_route",
    "message": "No route was found matching the URL and request method.",
    "data": {"status": 404},
}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        # The rewrite rule hands WordPress the raw path: no percent-decoding.
        ("/wp-json/shop/v1/x/a%20b", {"x": "a%20b"}),
        ("/wp-json/shop/v1/x/a%2Fb", {"x": "a%2Fb"}),
        ("/wp-json/shop/v1/x/a%2520b", {"x": "a%2520b"}),
        ("/wp-json/shop/v1/x/a+b", {"x": "a+b"}),
        ("/wp-json/shop/v1/x/%E2%82%AC", {"x": "%E2%82%AC"}),
        # A query value is decoded as any query value.
        ("/?rest_route=/shop/v1/x/a%20b", {"x": "a b"}),
        # rest_route wins over the path, on any path; the last of repeated keys wins.
        ("/wp-json/shop/v1/x/A?rest_route=/shop/v1/x/B", {"x": "B"}),
        ("/?rest_route=/shop/v1/x/1&rest_route=/shop/v1/x/2", {"x": "2"}),
        ("/some/page?rest_route=/shop/v1/x/p", {"x": "p"}),
        ("/index.php/wp-json/shop/v1/x/ip", {"x": "ip"}),
        ("/index.php?rest_route=/shop/v1/x/i", {"x": "i"}),
        # Unmatched optional groups: "" before a group that matched, absent after.
        ("/wp-json/shop/v1/o", {}),
        ("/wp-json/shop/v1/o/1", {"a": "1"}),
        ("/wp-json/shop/v1/o/abc", {"a": "", "b": "abc"}),
        ("/wp-json/shop/v1/midb", {"a": "", "b": "b"}),
        ("/wp-json/shop/v1/pcre/5", {"id": "5"}),
    ],
)
async def test_route_and_url_params_as_wordpress(wp, url, params):
    assert (await body(await wp.get(url)))["params"] == params


@pytest.mark.parametrize(
    "url",
    [
        "/?rest_route=shop/v1/x/y",  # no leading slash: no route matches
        "/wp-json//shop/v1/x/y",
        "/wp-json/shop/v1/q",  # "{,3}" is a literal in PCRE, not {0,3}
        "/wp-json/shop/v1/qqq",
        "/wp-json/shop/v1/at@x",  # "@" is WordPress's regex delimiter: never matches
        "/wp-json/shop/v1/dup/1/2",  # duplicate group names register, never match
        "/wp-json/shop/v1/none",
    ],
)
async def test_no_route_as_wordpress(wp, url):
    resp = await wp.get(url)
    assert await body(resp, 404) == NO_ROUTE
    assert "Allow" not in resp.headers


async def test_brace_literal_matches_itself(wp):
    raw = URL(str(wp.make_url("/wp-json/shop/v1/")) + "q{,3}", encoded=True)  # unescaped
    assert (await body(await wp.session.get(raw)))["handler"] == "brace"


async def test_empty_rest_route_is_no_rest_request(wp):
    resp = await wp.get("/?rest_route=")
    assert resp.status == 200 and resp.content_type == "text/html"
    for root in ("/?rest_route=/", "/?rest_route=//"):
        assert "namespaces" in await body(await wp.get(root))


async def test_rest_route_from_a_post_form(wp):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for url in ("/", "/wp-json/shop/v1/x/A", "/?rest_route=/shop/v1/x/form"):
        resp = await wp.post(url, data="rest_route=/shop/v1/x/form", headers=form)
        assert (await body(resp))["params"] == {"x": "form"}, url
    mismatch = await wp.post("/?rest_route=/shop/v1/x/g", data="rest_route=/x", headers=form)
    assert mismatch.status == 400
    assert (await mismatch.json())["message"] == "A variable mismatch has been detected."
    # Only a POST fills PHP's $_POST; a JSON body is no form.
    put = await wp.put("/", data="rest_route=/shop/v1/x/form", headers=form)
    assert put.status == 200 and put.content_type == "text/html"
    as_json = await wp.post("/", json={"rest_route": "/shop/v1/x/json"})
    assert as_json.content_type == "text/html"


async def test_head_falls_back_to_get_per_endpoint_in_order(wp):
    # The GET endpoint comes first and denies: WordPress never reaches the HEAD one.
    head = await wp.head("/wp-json/shop/v1/h")
    assert head.status == 401 and head.headers["Allow"] == "HEAD"
    get = await wp.get("/wp-json/shop/v1/h")
    assert (await body(get, 401))["code"] == "rest_forbidden"


async def test_allow_lists_what_the_caller_may_use_in_registration_order(wp, admin):
    anon = await wp.get("/wp-json/shop/v1/m")
    assert (await body(anon, 401))["code"] == "rest_forbidden"
    assert anon.headers["Allow"] == "GET"  # GET's last endpoint is public
    as_admin = await wp.get("/wp-json/shop/v1/m", headers=admin.auth)
    assert (await body(as_admin))["handler"] == "m1"
    assert as_admin.headers["Allow"] == "PATCH, GET"
    x = await wp.post("/?rest_route=/shop/v1/x/g")
    assert x.headers["Allow"] == "GET, POST, PUT, PATCH, DELETE"


async def test_options_and_index_keep_registration_order(wp):
    resp = await wp.options("/wp-json/shop/v1/m")
    assert resp.headers["Allow"] == "GET"
    assert await body(resp) == {
        "namespace": NS,
        "methods": ["PATCH", "GET", "GET", "PUT"],
        "endpoints": [
            {"methods": ["PATCH", "GET"], "args": []},
            {"methods": ["GET"], "args": []},
            {"methods": ["PUT"], "args": []},
        ],
        "_links": {"self": [{"href": f"{base_url(wp)}/wp-json/shop/v1/m"}]},
    }
    nothing = await wp.options("/wp-json/shop/v1/zzz")
    assert await body(nothing) == [] and "Allow" not in nothing.headers


def base_url(wp) -> str:
    return wp.app[CTX].settings.base_url


async def test_namespace_index_as_wordpress(wp):
    index = await body(await wp.get("/wp-json/shop/v1"))
    routes = index["routes"]
    base = base_url(wp)
    assert routes["/shop/v1"] == {
        "namespace": NS,
        "methods": ["GET"],
        "endpoints": [
            {
                "methods": ["GET"],
                "args": {
                    "namespace": {"default": NS, "required": False},
                    "context": {"default": "view", "required": False},
                },
            }
        ],
        "_links": {"self": [{"href": f"{base}/wp-json/shop/v1"}]},
    }
    assert "/shop/v1/none" not in routes  # no methods: left out
    assert routes["/shop/v1/hidden"]["methods"] == ["POST"]
    assert "_links" not in routes["/shop/v1/x/(?P<x>.+)"]
    # Only (?P<name>...) becomes {name}; a route without "{" is linked, as written.
    assert routes["/shop/v1/pcre/(?<id>\\d+)"]["_links"]["self"][0]["href"] == (
        f"{base}/wp-json/shop/v1/pcre/(?<id>\\d+)"
    )
    assert "_links" not in routes["/shop/v1/q{,3}"]
    site = await body(await wp.get("/wp-json/"))
    assert site["routes"]["/"]["endpoints"][0]["args"] == {
        "context": {"default": "view", "required": False}
    }


async def test_a_key_under_two_namespace_splits(wp):
    # Both handlers are on one route, which dispatches in the later namespace.
    assert (await body(await wp.get("/wp-json/a/b/c")))["handler"] == "split-a"
    assert (await body(await wp.post("/wp-json/a/b/c")))["handler"] == "split-ab"
    a = await body(await wp.get("/wp-json/a"))
    ab = await body(await wp.get("/wp-json/a/b"))
    assert a["routes"]["/a/b/c"]["namespace"] == "a/b"
    assert ab["routes"]["/a/b/c"]["methods"] == ["GET", "POST"]


async def test_a_route_without_a_callback_is_rest_invalid_handler(wp):
    resp = await wp.get("/wp-json/shop/v1/nocb")
    assert await body(resp, 500) == {
        "code": "rest_invalid_handler",
        "message": "The handler for the route is invalid.",
        "data": {"status": 500},
    }
    assert resp.headers["Allow"] == "GET"
