"""Route-conflict check of a large generated registry.

    python bench/routecheck_bench.py [--routes 5000] [--seed 7] [--repeat 3]

Generates a realistic WordPress registry (vendor namespaces such as
``acme-shop/v1``, plural resources with ``(?P<id>[\\d]+)`` items, sub-resources,
action routes, some ``(?P<slug>[\\w-]+)`` and a few broad ``[\\S]+`` /
``[\\/\\w%-]+`` classes, with the usual mistakes sprinkled in), runs
``check_routes`` on it and prints the route count, the findings by severity and
the elapsed time. For scale it also times compiling every route regex with
``re`` (the least any checker must do) and prints the ratio. Target: < 2 s for
5,000 routes. Each run starts from cold caches.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.routes import fsmcheck, overlap, regexes, segments
from service.routes.checker import check_routes
from service.routes.model import RouteSpec

VENDORS = [
    "acme-shop", "beta-pay", "shipfast", "loyalty-pro", "bookly", "tax-wise", "wc-bookings",
    "stock-sync", "mail-relay", "geo-rates", "gift-cards", "sub-scribe", "print-ondemand",
    "review-hub", "pos-bridge", "erp-link", "affiliate-kit", "warranty", "rental-pro", "auction",
]  # fmt: skip
RESOURCES = [
    "products", "orders", "customers", "coupons", "refunds", "shipments", "invoices",
    "subscriptions", "reviews", "webhooks", "payments", "carriers", "zones", "rates",
    "warehouses", "suppliers", "bundles", "vouchers", "tickets", "bookings", "resources",
    "members", "plans", "licenses", "downloads", "reports", "exports", "imports", "notes",
    "labels", "addresses", "wishlists", "points", "rewards", "campaigns", "segments",
]  # fmt: skip
SUBS = ["notes", "items", "events", "logs", "attachments", "refunds", "meta", "history"]
ACTIONS = ["search", "batch", "export", "preview", "validate", "bulk-update", "sync", "stats"]
ID = r"(?P<id>[\d]+)"
SLUG = r"(?P<slug>[\w-]+)"
Add = Callable[[str, str, tuple[frozenset[str], ...], str], None]
READ, CREATE, EDIT, DELETE = (
    frozenset({"GET"}),
    frozenset({"POST"}),
    frozenset({"POST", "PUT", "PATCH"}),
    frozenset({"DELETE"}),
)


def _resource(rng: random.Random, add: Add, ns: str, res: str) -> None:
    owner = res.title().replace("-", "") + "Controller"
    actions = rng.sample(ACTIONS, rng.randint(0, 3))
    slug_first = rng.random() < 0.08  # the classic mistake: the broad route first
    if slug_first:
        add(ns, f"/{res}/{SLUG}", (READ,), owner)
    add(ns, f"/{res}", (READ, CREATE), owner)
    for action in actions[: len(actions) // 2]:  # specific before the item route
        add(ns, f"/{res}/{action}", (rng.choice([READ, CREATE]),), owner)
    add(ns, f"/{res}/{ID}", (READ, EDIT, DELETE), owner)
    for action in actions[len(actions) // 2 :]:  # after it, by another controller
        add(ns, f"/{res}/{action}", (rng.choice([READ, CREATE]),), "OtherController")
    for sub in rng.sample(SUBS, rng.randint(0, 3)):
        add(ns, f"/{res}/(?P<parent>[\\d]+)/{sub}", (READ, CREATE), owner)
        add(ns, f"/{res}/(?P<parent>[\\d]+)/{sub}/{ID}", (READ, DELETE), owner)
    if not slug_first and rng.random() < 0.1:
        add(ns, f"/{res}/{SLUG}", (READ,), owner)
    if rng.random() < 0.03:
        add(ns, f"/{res}/files/(?P<path>[\\/\\w%-]+)", (READ,), owner)
    if rng.random() < 0.02:
        add(ns, f"/{res}/(?P<key>[\\S]+)", (READ,), owner)
    if rng.random() < 0.02:
        add(ns, f"/{res}", (READ,), "LateController")  # registered twice


def generate(count: int, seed: int) -> list[RouteSpec]:
    rng = random.Random(seed)
    routes: list[RouteSpec] = []

    def add(ns: str, path: str, endpoints: tuple[frozenset[str], ...], owner: str) -> None:
        if len(routes) < count:
            routes.append(RouteSpec(ns, f"/{ns}{path}", endpoints, owner, len(routes)))

    n = 0
    while len(routes) < count:  # every namespace is new: vendor/v1, ..., then vendor/v2
        ns = f"{VENDORS[n % len(VENDORS)]}/v{1 + n // len(VENDORS)}"
        n += 1
        add(ns, "", (READ,), "index")
        for res in rng.sample(RESOURCES, rng.randint(6, 14)):
            _resource(rng, add, ns, res)
    return routes


def _cold() -> None:
    for fn in (regexes.to_python, regexes.compile_route, overlap.prepare, segments.piece):
        fn.cache_clear()
    fsmcheck.compare.cache_clear()
    segments._cache.clear()
    re.purge()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    routes = generate(args.routes, args.seed)

    best_check = best_compile = float("inf")
    findings = []
    for _ in range(args.repeat):
        _cold()
        start = time.perf_counter()
        for r in routes:
            re.compile(regexes.to_python(r.route), regexes.FLAGS)
        best_compile = min(best_compile, time.perf_counter() - start)
        _cold()
        start = time.perf_counter()
        findings = check_routes(routes)
        best_check = min(best_check, time.perf_counter() - start)

    severities = Counter(f.severity for f in findings)
    rules = Counter(f.rule for f in findings)
    namespaces = len({r.namespace for r in routes})
    print(f"routes: {len(routes)} in {namespaces} namespaces (seed {args.seed})")
    counts = ", ".join(f"{sev} {severities.get(sev, 0)}" for sev in ("error", "warning", "info"))
    print(f"findings: {len(findings)} ({counts})")
    print("by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())))
    print(f"check_routes: {best_check:.3f} s (best of {args.repeat}, cold caches)")
    ratio = best_check / best_compile
    print(f"re.compile of every route alone: {best_compile:.3f} s (check/compile {ratio:.1f}x)")
    print(f"target < 2 s: {'met' if best_check < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()


def collect(quick: bool) -> list:
    """bench/run.py's case: check_routes on 5,000 generated routes, from cold caches."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from figures import summarise

    routes = generate(5000, 7)
    times = []
    for _ in range(1 if quick else 3):
        _cold()
        start = time.perf_counter()
        check_routes(routes)
        times.append(time.perf_counter() - start)
    return [summarise("routes: check 5,000 routes", "s", times, "< 2 s", at_most=2.0)]
