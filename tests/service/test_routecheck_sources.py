"""Loading route lists (fixtures, a site URL, the seed document); the check, list and diff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.routes import check_routes, run_check, run_diff, run_list
from service.routes.model import Finding, RouteSpec
from service.routes.regexes import to_python
from service.routes.sources import (
    SourceError,
    fetch_index,
    load_source,
    parse_document,
    path_to_route,
    routes_from_index,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SEED = FIXTURES / "routes-document.md"
CORE = FIXTURES / "wp-core-index.json"
STORE = FIXTURES / "wc-store-routes.json"
OEMBED = FIXTURES / "wp-oembed-namespace-index.json"


def verify_witnesses(findings: list[Finding]) -> int:
    checked = 0
    for f in findings:
        if f.witness is None:
            continue
        for r in f.routes:
            assert re.fullmatch(to_python(r.route), f.witness, re.IGNORECASE | re.ASCII), (
                r.route,
                f,
            )
        checked += 1
    return checked


def by_rule(findings: list[Finding]) -> Counter[tuple[str, str]]:
    return Counter((f.rule, f.severity) for f in findings)


# -- fixtures -----------------------------------------------------------------------------


def test_fixture_paths_resolve_in_the_repo():
    assert REPO.joinpath("pyproject.toml").is_file()
    assert CORE.is_file() and STORE.is_file() and SEED.is_file()


def test_wp_core_index():
    routes = load_source(str(CORE)).routes
    assert len(routes) == 121
    assert routes[0].route == "/" and routes[0].namespace == ""
    posts = next(r for r in routes if r.route == r"/wp/v2/posts/(?P<id>[\d]+)")
    assert [sorted(ep) for ep in posts.endpoints] == [["GET"], ["PATCH", "POST", "PUT"], ["DELETE"]]
    findings = check_routes(routes)
    counts = by_rule(findings)
    assert not [f for f in findings if f.severity == "error"]  # specific-before-generic is fine
    assert counts[("unparseable-route", "error")] == 0  # every route parsed
    assert counts[("overlap-undecided", "warning")] == 0
    assert counts[("partial-overlap", "info")] == 13
    partial = [f for f in findings if f.rule == "partial-overlap" and f.severity == "warning"]
    assert len(partial) == 3
    assert all("global-styles" in r.route for f in partial for r in f.routes)
    assert verify_witnesses(findings) == 16


def test_wc_store_routes():
    routes = load_source(str(STORE)).routes
    assert len(routes) == 58
    assert routes[2].owner == "Cart"  # x_class
    findings = check_routes(routes)
    assert not [f for f in findings if f.severity == "error"]
    info = [f for f in findings if f.rule == "partial-overlap"]
    assert len(info) == 18 and all(f.severity == "info" for f in info)
    assert all("(?P<slug>[\\S]+)" in f.routes[-1].route for f in info)
    assert verify_witnesses(findings) == 18


def test_namespace_index_shape():
    routes = load_source(str(OEMBED)).routes
    assert [r.route for r in routes] == ["/oembed/1.0", "/oembed/1.0/embed", "/oembed/1.0/proxy"]
    assert {r.namespace for r in routes} == {"oembed/1.0"}


def test_index_errors_are_source_errors(tmp_path):
    with pytest.raises(SourceError, match="not a /wp-json index"):
        routes_from_index({"name": "x"})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SourceError, match="not valid JSON"):
        load_source(str(bad))
    with pytest.raises(SourceError, match="no such file"):
        load_source(str(tmp_path / "missing.json"))
    with pytest.raises(SourceError, match="no live registry"):
        load_source("live")


# -- a running site -----------------------------------------------------------------------


@pytest.fixture
def fixture_server():
    handler = partial(SimpleHTTPRequestHandler, directory=str(FIXTURES))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_index_from_a_url(fixture_server):
    routes = fetch_index(f"{fixture_server}/wc-store-routes.json", timeout=5)
    assert len(routes) == 58
    text, code = run_check([f"{fixture_server}/wc-store-routes.json"], fmt="json", fail_on="error")
    assert code == 0 and json.loads(text)["summary"]["routes"] == 58


def test_fetch_errors_are_one_line(fixture_server):
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch_index(f"{fixture_server}/nope.json", timeout=5)
    with pytest.raises(SourceError, match="only http and https"):
        fetch_index("ftp://example.org/wp-json/")
    text, code = run_check([f"{fixture_server}/nope.json"])
    assert code == 2 and text.count("\n") == 1


# -- the seed routes document -------------------------------------------------------------


def test_seed_document_is_read_with_owners_order_and_namespace():
    doc = parse_document(SEED.read_text(encoding="utf-8"))
    assert doc.namespace == "woonoow/v1"
    assert doc.order[:3] == ["SettingsController", "ProductsController", "OrdersController"]
    assert doc.routes[0].route == "/woonoow/v1/settings"  # SettingsController registers first
    assert doc.owners["/products"] == "ProductsController"
    assert doc.skipped > 0  # Good/Bad examples are not registrations
    by_route = {(r.route, r.owner): r for r in doc.routes}
    search = by_route[("/woonoow/v1/products/search", "OrdersController")]
    item = by_route[(r"/woonoow/v1/products/(?P<id>[\d]+)", "ProductsController")]
    assert item.position < search.position
    assert [sorted(ep) for ep in item.endpoints] == [["GET"], ["PUT"], ["DELETE"]]
    assert ("/woonoow/v1/hooks/(?P<context>[^/]+)", None) in by_route
    assert not any(
        r.route.endswith(("/search", "/validate")) and r.route.count("/") == 3 for r in doc.routes
    )


def test_placeholder_policies():
    assert (
        path_to_route("/products/{id}", "woonoow/v1", "typed")
        == r"/woonoow/v1/products/(?P<id>[\d]+)"
    )
    assert path_to_route("/orders/{order_id}/coupons/{code}", "woonoow/v1", "typed") == (
        r"/woonoow/v1/orders/(?P<order_id>[\d]+)/coupons/(?P<code>[^/]+)"
    )
    assert (
        path_to_route("/products/{id}", "woonoow/v1", "any") == "/woonoow/v1/products/(?P<id>[^/]+)"
    )
    assert path_to_route("/woonoow/v1/hooks/{context}", "woonoow/v1", "any") == (
        "/woonoow/v1/hooks/(?P<context>[^/]+)"
    )


def test_seed_check_reports_what_any_segment_ids_imply():
    text, code = run_check([str(SEED)], fmt="json", fail_on="error")
    assert code == 0
    report = json.loads(text)
    findings = report["findings"]
    assert not [f for f in findings if f["severity"] == "error"]
    assumption = [f for f in findings if f["rule"] == "param-assumption"]
    assert assumption and all(f["severity"] == "info" for f in assumption)
    search = [f for f in assumption if f["routes"][-1]["route"] == "/woonoow/v1/products/search"]
    assert len(search) == 1
    f = search[0]
    assert f["witness"] == "/woonoow/v1/products/search"
    assert f["routes"][0]["route"] == "/woonoow/v1/products/(?P<id>[^/]+)"
    assert (
        f["routes"][0]["owner"] == "ProductsController"
        and f["routes"][1]["owner"] == "OrdersController"
    )
    assert "never serve GET" in f["message"]
    for r in f["routes"]:
        assert re.fullmatch(to_python(r["route"]), f["witness"], re.IGNORECASE | re.ASCII)
    _, strict = run_check([str(SEED)], fail_on="info")
    assert strict == 1


def test_seed_with_any_segment_reading_is_an_error():
    _, code = run_check([str(SEED)], params="any", fail_on="error")
    assert code == 1


def test_a_document_without_routes_is_unusable(tmp_path):
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nNothing here.\n")
    text, code = run_check([str(doc)])
    assert code == 2 and "no routes found" in text


# -- output -------------------------------------------------------------------------------


def test_json_output_is_stable_across_runs_and_hash_seeds():
    first, _ = run_check([str(CORE), str(STORE)], fmt="json")
    second, _ = run_check([str(CORE), str(STORE)], fmt="json")
    assert first == second
    code = (
        "import sys; from service.routes import run_check;"
        f"sys.stdout.write(run_check([{str(CORE)!r}, {str(SEED)!r}], fmt='json')[0])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert "timestamp" not in first


def test_table_output_is_aligned_with_a_summary_line():
    text, code = run_check([str(STORE)], fail_on="warning")
    assert code == 1
    assert text.rstrip().splitlines()[-1] == "58 routes checked: 0 errors, 8 warnings, 18 info."
    assert "witness: /wc/store/products/attributes" in text


def test_usage_errors_exit_2():
    assert run_check([str(CORE)], fmt="xml")[1] == 2
    assert run_check([str(CORE)], fail_on="sometimes")[1] == 2


def test_live_source_and_list_in_dispatch_order():
    live = [
        RouteSpec("acme/v1", "/acme/v1/b", (frozenset({"GET"}),), "B", 1, auth="public"),
        RouteSpec("acme/v1", "/acme/v1", (frozenset({"GET"}),), None, 0),
    ]
    text, code = run_list([], live=lambda: live)
    assert code == 0
    lines = text.splitlines()
    assert lines[1].split()[:4] == ["POS", "NAMESPACE", "ROUTE", "METHODS"]
    assert lines[2].split()[0] == "0" and lines[3].split()[0] == "1"
    assert "public" in lines[3]
    assert run_check([], live=lambda: live)[1] == 0
    data = json.loads(run_list(["live"], fmt="json", live=lambda: live)[0])
    assert [r["position"] for r in data["routes"]] == [0, 1]


def test_diff_documented_against_served():
    served = [
        RouteSpec("woonoow/v1", "/woonoow/v1", (frozenset({"GET"}),), None, 0),
        RouteSpec(
            "woonoow/v1", "/woonoow/v1/settings", (frozenset({"GET"}), frozenset({"PUT"})), None, 1
        ),
        RouteSpec(
            "woonoow/v1", r"/woonoow/v1/products/(?P<id>\d+)", (frozenset({"GET"}),), None, 2
        ),
        RouteSpec("woonoow/v1", "/woonoow/v1/extra", (frozenset({"GET"}),), None, 3),
    ]
    text, code = run_diff(str(SEED), "live", fmt="json", live=lambda: served)
    assert code == 1
    data = json.loads(text)
    missing = {(d["method"], d["path"]) for d in data["documented_not_served"]}
    extra = {(d["method"], d["path"]) for d in data["served_not_documented"]}
    assert ("GET", "/woonoow/v1/products/{}") not in missing  # {id} and \d+ are the same shape
    assert ("PUT", "/woonoow/v1/products/{}") in missing
    assert extra == {("GET", "/woonoow/v1/extra")}  # the namespace index is automatic
    table, _ = run_diff(str(SEED), "live", live=lambda: served)
    assert "Documented but not served" in table and "/woonoow/v1/extra" in table
