"""Overlap decisions between WordPress route regexes, checked against brute-force matching."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.routes import overlap
from service.routes.overlap import (
    DISJOINT,
    EQUAL,
    FIRST_CONTAINS,
    PARTIAL,
    SECOND_CONTAINS,
    UNKNOWN,
    candidate_pairs,
    decide,
    example_path,
    prepare,
)
from service.routes.regexes import (
    RouteRegexError,
    compile_route,
    literal_prefix,
    route_matches,
    split_pieces,
    to_python,
)

WP_FLAGS = re.IGNORECASE | re.ASCII


def matches(route: str, path: str) -> bool:
    """Independent of the checker: Python's re with WordPress's flags."""
    return re.fullmatch(to_python(route), path, WP_FLAGS) is not None


def assert_witness(a: str, b: str, witness: str | None) -> None:
    assert witness is not None
    assert matches(a, witness), (a, witness)
    assert matches(b, witness), (b, witness)


# -- the examples ---------------------------------------------------------------


def test_digit_id_does_not_shadow_a_literal_action():
    rel = decide(r"/products/(?P<id>[\d]+)", "/products/search")
    assert rel.kind == DISJOINT
    assert rel.witness is None


def test_word_id_shadows_a_literal_action():
    rel = decide(r"/products/(?P<id>[\w-]+)", "/products/search")
    assert rel.kind == FIRST_CONTAINS
    assert rel.witness == "/products/search"
    assert_witness(r"/products/(?P<id>[\w-]+)", "/products/search", rel.witness)


def test_specific_route_first_is_contained_in_the_later_one():
    rel = decide("/products/search", r"/products/(?P<id>[\w-]+)")
    assert rel.kind == SECOND_CONTAINS


def test_same_language_with_other_param_names_and_case_is_equal():
    rel = decide(r"/wp/v2/posts/(?P<id>[\d]+)", r"/WP/v2/Posts/(?P<post>\d+)")
    assert rel.kind == EQUAL
    assert_witness(r"/wp/v2/posts/(?P<id>[\d]+)", r"/WP/v2/Posts/(?P<post>\d+)", rel.witness)


def test_matching_is_case_insensitive_like_wordpress():
    assert decide(r"/x/(?P<s>[a-z]+)", "/x/SEARCH").kind == FIRST_CONTAINS
    assert decide(r"/x/(?P<s>[A-Z]+)", r"/x/(?P<t>[a-z]+)").kind == EQUAL


def test_word_class_is_ascii_only():
    # \w under re.ASCII (PCRE without /u) does not match 'é'
    assert decide(r"/x/(?P<s>[\w]+)", "/x/caf\u00e9").kind == DISJOINT


def test_partial_overlap_has_a_witness_in_both():
    a, b = r"/a/(?P<x>[a-m]+)", r"/a/(?P<y>[h-z]+)"
    rel = decide(a, b)
    assert rel.kind == PARTIAL
    assert_witness(a, b, rel.witness)


def test_different_segment_counts_are_disjoint():
    assert decide(r"/a/(?P<x>[\w-]+)", r"/a/(?P<x>[\w-]+)/notes").kind == DISJOINT


# -- routes whose parameters can contain '/' ---------------------------------------------

GS_VARIATIONS = r"/wp/v2/global-styles/themes/(?P<stylesheet>[\/\s%\w\.\(\)\[\]\@_\-]+)/variations"
GS_THEME = r'/wp/v2/global-styles/themes/(?P<stylesheet>[^\/:<>\*\?"\|]+(?:\/[^\/:<>\*\?"\|]+)?)'
GS_ID = r"/wp/v2/global-styles/(?P<id>[\/\w-]+)"
TEMPLATE = r'/wp/v2/templates/(?P<id>([^\/:<>\*\?"\|]+(?:\/[^\/:<>\*\?"\|]+)?)[\/\w%-]+)'


@pytest.mark.parametrize(
    ("a", "b"), [(GS_VARIATIONS, GS_THEME), (GS_VARIATIONS, GS_ID), (GS_THEME, GS_ID)]
)
def test_global_styles_routes_partially_overlap(a, b):
    rel = decide(a, b)
    assert rel.kind == PARTIAL
    assert_witness(a, b, rel.witness)


def test_slash_class_contains_deeper_literal_routes():
    rel = decide("/wp/v2/templates/lookup", TEMPLATE)
    assert rel.kind == SECOND_CONTAINS
    rel = decide(r"/wp/v2/global-styles/(?P<parent>[\d]+)/revisions", GS_ID)
    assert rel.kind == SECOND_CONTAINS
    assert_witness(r"/wp/v2/global-styles/(?P<parent>[\d]+)/revisions", GS_ID, rel.witness)


def test_broad_route_first_shadows_deeper_routes():
    rel = decide(r"/shop/files/(?P<path>[\S]+)", r"/shop/files/(?P<id>[\d]+)/meta")
    assert rel.kind == FIRST_CONTAINS
    assert_witness(r"/shop/files/(?P<path>[\S]+)", r"/shop/files/(?P<id>[\d]+)/meta", rel.witness)


# -- unknown is never disjoint ------------------------------------------------------------


def test_lookahead_between_patterns_is_unknown_not_disjoint():
    rel = decide(r"/p/(?P<id>(?!search)[\w-]+)", r"/p/(?P<s>[a-z]+)")
    assert rel.kind == UNKNOWN
    assert rel.reason


def test_lookahead_against_a_literal_is_still_exact():
    assert decide(r"/p/(?P<id>(?!search)[\w-]+)", "/p/search").kind == DISJOINT
    rel = decide(r"/p/(?P<id>(?!search)[\w-]+)", "/p/other")
    assert rel.kind == FIRST_CONTAINS
    assert_witness(r"/p/(?P<id>(?!search)[\w-]+)", "/p/other", rel.witness)


def test_backreference_is_unknown():
    rel = decide(r"/a/(?P<x>\w+)/(?P=x)", r"/a/(?P<y>\d+)/(?P<z>\d+)")
    assert rel.kind == UNKNOWN


def test_unreadable_regex_is_unknown():
    assert prepare(r"/a/(?P<x>[\d+").error
    assert decide(r"/a/(?P<x>[\d+", "/a/1").kind == UNKNOWN


# -- regex translation --------------------------------------------------------------------


def test_pcre_named_groups_are_translated():
    assert to_python(r"/x/(?<id>\d+)") == r"/x/(?P<id>\d+)"
    assert to_python(r"/x/(?'id'\d+)") == r"/x/(?P<id>\d+)"
    assert to_python(r"/x/(?<=a)b") == r"/x/(?<=a)b"  # a lookbehind stays
    assert decide(r"/x/(?<id>\d+)", r"/x/(?P<n>[\d]+)").kind == EQUAL


def test_posix_classes_are_expanded():
    assert route_matches(r"/x/[[:alpha:]]+", "/x/abc")
    assert not route_matches(r"/x/[[:alpha:]]+", "/x/a1")


def test_top_level_alternation_means_prefix_or_suffix_as_in_pcre():
    # PCRE reads @^/a|/b$@ as "starts with /a" or "ends with /b"
    assert route_matches("/a|/b", "/a/anything")
    assert route_matches("/a|/b", "/x/b")
    assert not route_matches("/a|/b", "/x/bc")
    assert split_pieces(to_python("/a|/b")) is not None  # one wrapped piece
    assert literal_prefix("/a|/b") == ""


def test_compile_errors_raise_route_regex_error():
    with pytest.raises(RouteRegexError):
        compile_route(r"/x/(?P<id>[\d+")


@pytest.mark.parametrize(
    ("route", "prefix"),
    [
        (r"/wp/v2/posts/(?P<id>[\d]+)", "/wp/v2/posts/"),
        ("/wp/v2/posts", "/wp/v2/posts"),
        ("/wp/v2/products?", "/wp/v2/product"),
        (r"/wp/v2/a\-b\.c/x{2}", "/wp/v2/a-b.c/"),
        ("/oembed/1.0/embed", "/oembed/1"),
    ],
)
def test_literal_prefix(route, prefix):
    assert literal_prefix(route) == prefix


def test_example_path_matches_the_route():
    for route in (TEMPLATE, GS_ID, r"/wc/store/cart/items/(?P<key>[\w-]{32})", "/"):
        path = example_path(route)
        assert path is not None and matches(route, path)


# -- candidate pairs ----------------------------------------------------------------------


def test_candidate_pairs_find_every_overlap_of_a_small_registry():
    routes = [
        "/ns/products",
        r"/ns/products/(?P<slug>[\w-]+)",
        "/ns/products/search",
        r"/ns/products/(?P<id>[\d]+)",
        r"/ns/files/(?P<path>[\S]+)",
        "/ns/files/a/b",
        r"/ns/orders/(?P<id>[\d]+)",
        r"/ns/(?P<any>[\w-]+)/search",
    ]
    prepared = [prepare(r) for r in routes]
    found = {(i, j) for i, j, _ in overlap.overlapping_pairs(prepared)}
    brute = {
        (i, j)
        for i, j in itertools.combinations(range(len(routes)), 2)
        if decide(routes[i], routes[j]).kind != DISJOINT
    }
    assert found == brute
    assert (1, 2) in found and (1, 3) in found and (4, 5) in found and (1, 7) in found
    assert set(candidate_pairs(prepared)) >= found


# -- property tests against brute force ---------------------------------------------------

PIECES = [
    "a", "b", "ab", "me", "search", "x-y", "1", "A",
    r"(?P<{n}>[\d]+)", r"(?P<{n}>[\w-]+)", r"(?P<{n}>[a-z]+)", r"(?P<{n}>[^/]+)",
    r"(?P<{n}>\d{{2}})", r"(?P<{n}>(?:[\d]+|me))", r"(?P<{n}>[a-b]{{1,2}})",
    r"(?P<{n}>[\S]+)", r"(?P<{n}>.+)", r"(?P<{n}>[\/\w-]+)", "x?", r"(?P<{n}>[A-Z]+)",
    r"(?P<{n}>[a-z]+(?:/[a-z]+)?)",
]  # fmt: skip
SAMPLES = [
    "",
    "a",
    "b",
    "ab",
    "me",
    "search",
    "x-y",
    "1",
    "12",
    "123",
    "A",
    "aB",
    "a1",
    "x",
    "-",
    " ",
    "\u00e9",
]


@st.composite
def routes(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=3))
    parts = [draw(st.sampled_from(PIECES)).format(n=f"p{i}") for i in range(count)]
    return "/" + "/".join(parts)


def _universe() -> list[str]:
    paths = []
    for depth in (1, 2, 3):
        for combo in itertools.product(SAMPLES, repeat=depth):
            paths.append("/" + "/".join(combo))
    return paths


UNIVERSE = _universe()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=routes(), b=routes(), data=st.data())
def test_decision_agrees_with_brute_force(a, b, data):
    rel = decide(a, b)
    assert rel.kind != UNKNOWN, (a, b, rel)
    ra, rb = re.compile(to_python(a), WP_FLAGS), re.compile(to_python(b), WP_FLAGS)
    in_a = {p for p in UNIVERSE if ra.fullmatch(p)}
    in_b = {p for p in UNIVERSE if rb.fullmatch(p)}
    # samples drawn from each route's own language, to test containment claims
    for _ in range(5):
        in_a.add(data.draw(st.from_regex(ra, fullmatch=True)))
        in_b.add(data.draw(st.from_regex(rb, fullmatch=True)))
    both = {p for p in in_a | in_b if ra.fullmatch(p) and rb.fullmatch(p)}
    if rel.kind == DISJOINT:
        assert not both, (a, b, sorted(both)[:3])
        return
    assert_witness(a, b, rel.witness)
    if rel.kind in (EQUAL, FIRST_CONTAINS):  # every path of b matches a
        assert all(ra.fullmatch(p) for p in in_b), (a, b)
    if rel.kind in (EQUAL, SECOND_CONTAINS):  # every path of a matches b
        assert all(rb.fullmatch(p) for p in in_a), (a, b)


@settings(max_examples=100, deadline=None)
@given(a=routes(), b=routes())
def test_decision_is_symmetric(a, b):
    forward, backward = decide(a, b), decide(b, a)
    mirror = {FIRST_CONTAINS: SECOND_CONTAINS, SECOND_CONTAINS: FIRST_CONTAINS}
    assert backward.kind == mirror.get(forward.kind, forward.kind)


@st.composite
def registries(draw: st.DrawFn) -> list[str]:
    prefixes = ["/ns", "/ns/v1", "/other", "/NS"]
    count = draw(st.integers(min_value=2, max_value=8))
    return [draw(st.sampled_from(prefixes)) + draw(routes()) for _ in range(count)]


@settings(max_examples=150, deadline=None)
@given(registry=registries())
def test_candidate_pairs_miss_no_overlap(registry):
    prepared = [prepare(r) for r in registry]
    found = {(i, j) for i, j, _ in overlap.overlapping_pairs(prepared)}
    everything = {
        (i, j)
        for i, j in itertools.combinations(range(len(registry)), 2)
        if decide(prepared[i], prepared[j]).kind != DISJOINT
    }
    assert found == everything
