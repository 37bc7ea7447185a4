"""Every checker rule: one case that fires and one that must not."""

from __future__ import annotations

import re

from service.routes.checker import check_routes, dispatch_order
from service.routes.model import Finding, RouteSpec
from service.routes.regexes import to_python
from service.routes.rules import merge_keys

NS = "acme/v1"
GET, POST, PUT, DELETE, HEAD = (frozenset({m}) for m in ("GET", "POST", "PUT", "DELETE", "HEAD"))


def spec(
    path: str, *endpoints: frozenset[str], owner: str | None = None, pos: int = 0, **kw
) -> RouteSpec:
    ns = kw.pop("namespace", NS)
    route = path if kw.pop("raw", False) else f"/{ns}{path}"
    return RouteSpec(ns, route, tuple(endpoints) or (GET,), owner, pos, **kw)


def registry(*specs: RouteSpec) -> list[RouteSpec]:
    """Positions in the given order."""
    return [
        RouteSpec(s.namespace, s.route, s.endpoints, s.owner, n, s.surface, s.auth)
        for n, s in enumerate(specs)
    ]


def rules(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def assert_witness(f: Finding) -> None:
    assert f.witness is not None
    for r in f.routes:
        assert re.fullmatch(to_python(r.route), f.witness, re.IGNORECASE | re.ASCII), (
            r.route,
            f.witness,
        )


# -- duplicate-route --------------------------------------------------------------------


def test_duplicate_route_same_key_and_method_twice():
    found = rules(
        check_routes(
            registry(
                spec("/products", GET, owner="Products"),
                spec("/products", GET, POST, owner="Orders"),
            )
        ),
        "duplicate-route",
    )
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error" and f.methods == ("GET",)
    assert [r.position for r in f.routes] == [0, 1]
    assert "never reached" in f.message
    assert_witness(f)


def test_duplicate_route_within_one_registration_and_head_via_get():
    found = rules(
        check_routes(registry(spec("/products", GET, POST, GET, HEAD))), "duplicate-route"
    )
    assert len(found) == 1 and found[0].methods == ("GET", "HEAD")


def test_no_duplicate_for_different_methods_on_one_key():
    assert not rules(
        check_routes(registry(spec("/products", GET), spec("/products", POST))), "duplicate-route"
    )


# -- shadowed-route ---------------------------------------------------------------------


def test_shadowed_by_an_earlier_broad_route():
    found = check_routes(
        registry(spec(r"/products/(?P<id>[\w-]+)", GET), spec("/products/search", GET))
    )
    shadowed = rules(found, "shadowed-route")
    assert len(shadowed) == 1
    f = shadowed[0]
    assert f.severity == "error" and f.methods == ("GET",)
    assert f.routes[1].route.endswith("/products/search")
    assert f.witness == "/acme/v1/products/search"
    assert_witness(f)


def test_not_shadowed_when_the_param_is_digits():
    found = check_routes(
        registry(spec(r"/products/(?P<id>[\d]+)", GET), spec("/products/search", GET))
    )
    assert not rules(found, "shadowed-route") and not rules(found, "partial-overlap")


def test_method_fall_through_keeps_the_later_route_reachable():
    found = check_routes(
        registry(spec(r"/products/(?P<id>[\w-]+)", PUT, DELETE), spec("/products/search", GET))
    )
    assert not rules(found, "shadowed-route")


def test_shadowed_only_for_the_methods_the_earlier_route_handles():
    found = check_routes(
        registry(spec(r"/products/(?P<id>[\w-]+)", GET), spec("/products/search", GET, POST))
    )
    (f,) = rules(found, "shadowed-route")
    assert f.methods == ("GET",)


def test_identical_pattern_with_another_param_name_is_shadowed():
    found = check_routes(registry(spec(r"/x/(?P<id>\d+)", GET), spec(r"/x/(?P<n>[\d]+)", GET)))
    (f,) = rules(found, "shadowed-route")
    assert "exactly" in f.message


def test_head_of_a_later_route_is_served_by_an_earlier_get():
    found = check_routes(registry(spec(r"/x/(?P<id>[\w]+)", GET), spec("/x/y", HEAD)))
    (f,) = rules(found, "shadowed-route")
    assert f.methods == ("HEAD",)


# -- partial-overlap --------------------------------------------------------------------


def test_specific_route_first_is_info():
    found = check_routes(
        registry(spec("/products/search", GET), spec(r"/products/(?P<id>[\w-]+)", GET))
    )
    (f,) = rules(found, "partial-overlap")
    assert f.severity == "info"
    assert_witness(f)
    assert not rules(found, "shadowed-route")


def test_genuine_partial_overlap_is_a_warning():
    found = check_routes(registry(spec(r"/a/(?P<x>[a-m]+)", GET), spec(r"/a/(?P<y>[h-z]+)", GET)))
    (f,) = rules(found, "partial-overlap")
    assert f.severity == "warning"
    assert_witness(f)


def test_no_overlap_finding_for_disjoint_routes_or_disjoint_methods():
    found = check_routes(
        registry(
            spec(r"/a/(?P<x>[a-z]+)", GET),
            spec(r"/a/(?P<y>[\d]+)", GET),
            spec(r"/a/(?P<z>[\w]+)", POST),
        )
    )
    assert not rules(found, "partial-overlap")


# -- overlap-undecided ------------------------------------------------------------------


def test_undecidable_overlap_is_reported_not_ignored():
    found = check_routes(
        registry(spec(r"/p/(?P<id>(?!search)[\w-]+)", GET), spec(r"/p/(?P<s>[a-z]+)", GET))
    )
    (f,) = rules(found, "overlap-undecided")
    assert f.severity == "warning"


def test_decidable_overlaps_are_not_reported_as_undecided():
    found = check_routes(
        registry(spec(r"/p/(?P<id>(?!search)[\w-]+)", GET), spec("/p/search", GET))
    )
    assert not rules(found, "overlap-undecided")


# -- unparseable-route ------------------------------------------------------------------


def test_unparseable_regex_is_an_error():
    found = check_routes(registry(spec(r"/x/(?P<id>[\d+", GET), spec("/x/1", GET)))
    (f,) = rules(found, "unparseable-route")
    assert f.severity == "error" and "not checked" in f.message


def test_unescaped_at_sign_breaks_wordpress_delimiter():
    found = check_routes(registry(spec("/users/(?P<email>[\\w.@]+)", GET)))
    assert rules(found, "unparseable-route")
    assert not rules(
        check_routes(registry(spec("/users/(?P<email>[\\w.\\@]+)", GET))), "unparseable-route"
    )


def test_pcre_named_group_is_translated_not_unparseable():
    found = check_routes(registry(spec(r"/x/(?<id>\d+)", GET), spec(r"/x/(?P<n>[\d]+)", GET)))
    assert not rules(found, "unparseable-route")
    assert rules(found, "shadowed-route")


# -- owner-conflict ---------------------------------------------------------------------


def test_item_route_under_another_controllers_root_is_flagged():
    found = check_routes(
        registry(
            spec("/products", GET, owner="ProductsController"),
            spec(r"/products/(?P<id>[\d]+)/stock", GET, owner="OrdersController"),
        )
    )
    (f,) = rules(found, "owner-conflict")
    assert f.severity == "warning" and "OrdersController" in f.message


def test_specific_action_route_of_another_controller_is_allowed():
    found = check_routes(
        registry(
            spec("/products", GET, owner="ProductsController"),
            spec(r"/products/(?P<id>[\d]+)", GET, owner="ProductsController"),
            spec("/products/search", GET, owner="OrdersController"),
        )
    )
    assert not rules(found, "owner-conflict")


def test_declared_owner_and_registration_order_handing_the_root_away():
    routes = registry(
        spec("/products", GET, owner="OrdersController"),
        spec("/products", POST, owner="ProductsController"),
    )
    (f,) = rules(check_routes(routes, owners={"/products": "ProductsController"}), "owner-conflict")
    assert f.severity == "error" and "hands /products to OrdersController" in f.message
    right = registry(
        spec("/products", GET, POST, owner="ProductsController"),
        spec("/products/search", GET, owner="OrdersController"),
    )
    assert not rules(
        check_routes(right, owners={"/products": "ProductsController"}), "owner-conflict"
    )


# -- naming -----------------------------------------------------------------------------


def naming(*paths: str, **kw) -> list[Finding]:
    return check_routes(registry(*(spec(p, GET, **kw) for p in paths)))


def test_plural_resource():
    (f,) = rules(naming("/order", r"/order/(?P<id>[\d]+)"), "plural-resource")
    assert f.severity == "warning" and "shared by 2 routes" in f.message
    ok = naming(
        "/orders",
        "/status",
        "/settings",
        "/media",
        "/data",
        "/news",
        "/batch",
        "/products/search",
        "/cart",
        r"/orders/(?P<id>[\d]+)/refund",
        r"/orders/(?P<id>[\d]+)/notes",
        "/menus",
    )
    assert not rules(ok, "plural-resource")


def test_namespace_and_version_segments_are_not_judged():
    found = check_routes(
        registry(
            spec("/posts", GET, namespace="wp/v2"),
            spec("", GET, namespace="oembed/1.0"),
            spec("/embeds", GET, namespace="oembed/1.0"),
            spec("/v2/items", GET),
        )
    )
    assert not [f for f in found if f.rule in ("plural-resource", "kebab-case")]


def test_kebab_case():
    found = naming("/pickupLocations", "/wp_pattern_category")
    assert {f.routes[0].route for f in rules(found, "kebab-case")} == {
        "/acme/v1/pickupLocations",
        "/acme/v1/wp_pattern_category",
    }
    assert not rules(naming("/pickup-locations", "/files/report.json"), "kebab-case")


def test_verb_in_path():
    found = naming("/get-products", "/createOrder", r"/orders/(?P<id>[\d]+)/delete")
    assert len(rules(found, "verb-in-path")) == 3
    ok = naming(
        "/cart/add-item",
        "/outputs",
        "/posts",
        r"/media/(?P<id>[\d]+)/post-process",
        "/authentication-options",
        "/orders/validate-coupon",
    )
    assert not rules(ok, "verb-in-path")


def test_generic_route():
    found = naming("/search", "/validate", r"/(?P<type>[\w-]+)")
    assert len(rules(found, "generic-route")) == 3
    assert not rules(naming("/products/search", "/coupons/validate"), "generic-route")


def test_trailing_slash():
    (f,) = rules(naming("/products/"), "trailing-slash")
    assert f.severity == "warning"
    platform = check_routes([RouteSpec("api/v1", "/api/v1/tokens/", (GET,), None, 0, "platform")])
    assert not rules(platform, "trailing-slash")
    assert not rules(check_routes([RouteSpec("", "/", (GET,), None, 0)]), "trailing-slash")


# -- ordering and output shape ----------------------------------------------------------


def test_findings_sorted_by_severity_then_position():
    found = check_routes(
        registry(
            spec("/order", GET),
            spec("/products/search", GET),
            spec(r"/products/(?P<id>[\w-]+)", GET),
            spec(r"/things/(?P<id>[\w-]+)", GET),
            spec("/things/x", GET),
        )
    )
    severities = [f.severity for f in found]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert found[0].rule == "shadowed-route"


def test_finding_dict_has_stable_keys_and_positions():
    (f,) = rules(
        check_routes(
            registry(spec(r"/products/(?P<id>[\w-]+)", GET), spec("/products/search", GET))
        ),
        "shadowed-route",
    )
    d = f.to_dict()
    assert list(d) == ["rule", "severity", "methods", "routes", "message", "witness"]
    assert [r["position"] for r in d["routes"]] == [0, 1]
    assert list(d["routes"][0]) == ["position", "namespace", "route", "methods", "owner"]


def test_dispatch_order_follows_namespace_first_registration():
    routes = [
        RouteSpec("wc/store", "/wc/store", (GET,), None, 0),
        RouteSpec("wc/store/v1", "/wc/store/v1", (GET,), None, 1),
        RouteSpec("wc/store/v1", "/wc/store/v1/cart", (GET,), None, 2),
        RouteSpec("wc/store", r"/wc/store/(?P<any>.+)", (GET,), None, 3),
        RouteSpec("", "/", (GET,), None, 4),
    ]
    order = [k.position for k in dispatch_order(merge_keys(routes))]
    assert order == [0, 3, 1, 2, 4]
    # so the broad wc/store route, registered later, still shadows the wc/store/v1 routes
    shadowed = rules(check_routes(routes), "shadowed-route")
    assert {tuple(r.position for r in f.routes) for f in shadowed} == {(3, 1), (3, 2)}
