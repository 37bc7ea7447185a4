"""Shopkeep's own routes, checked by its own checker; and ``run.py routes``."""

from __future__ import annotations

import json
import subprocess
import sys

from support import FIXTURES, REPO

from service.app.assembly import build_registry
from service.routes.inspection import check_registry, live_specs

SEED = FIXTURES / "routes-document.md"


def run_routes(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), "routes", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_shopkeep_registry_has_no_error_findings():
    findings = check_registry(build_registry())
    errors = [f.to_dict() for f in findings if f.severity == "error"]
    assert errors == []


def test_live_specs_cover_both_surfaces_in_dispatch_order():
    registry = build_registry()
    specs = live_specs(registry)
    assert {s.surface for s in specs} == {"wp", "platform"}
    positions = [s.position for s in specs]
    assert positions == sorted(positions)
    search = next(s for s in specs if s.route == "/woonoow/v1/products/search")
    assert search.owner == "OrdersController"


def test_routes_check_live_exits_0_and_json_is_stable():
    first = run_routes("check", "--format", "json")
    second = run_routes("check", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert all(f["severity"] != "error" for f in report["findings"])


def test_routes_check_of_the_seed_reports_the_products_search_assumption():
    result = run_routes("check", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assumptions = [f for f in report["findings"] if f["rule"] == "param-assumption"]
    hit = [
        f
        for f in assumptions
        if any(r["route"] == "/woonoow/v1/products/search" for r in f["routes"])
    ]
    assert hit and hit[0]["witness"] == "/woonoow/v1/products/search"
    strict = run_routes("check", str(SEED), "--params", "any", "--fail-on", "error")
    assert strict.returncode == 1 and "shadowed-route" in strict.stdout


def test_routes_check_unusable_input_exits_2(tmp_path):
    bad = tmp_path / "index.json"
    bad.write_text("{not json")
    result = run_routes("check", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert "routes check" in result.stderr


def test_routes_check_fail_on_warning(tmp_path):
    result = run_routes("check", str(FIXTURES / "wp-core-index.json"), "--fail-on", "warning")
    assert result.returncode == 1  # the global-styles partial overlaps are warnings
    clean = run_routes("check", str(FIXTURES / "wp-core-index.json"))
    assert clean.returncode == 0


def test_routes_list_and_diff():
    listing = run_routes("list")
    assert listing.returncode == 0
    assert "/woonoow/v1/products/search" in listing.stdout
    diff = run_routes("diff", str(SEED), "live", "--format", "json")
    data = json.loads(diff.stdout)
    assert diff.returncode == 1  # the seed documents routes later issues add
    documented_not_served = json.dumps(data)
    assert "/orders" in documented_not_served
