"""Dispatch cost of the route registry as it grows.

    python bench/dispatch_bench.py [--routes 5000] [--seed 7]

Registers the same realistic generated routes as routecheck_bench.py (vendor
namespaces, ids, slugs, sub-resources, action routes, a few broad classes) into a
RouteRegistry, then times ``registry.match`` of a path that only the last
registered route answers, with 10 routes and with N routes registered. WordPress
scans linearly, so its cost grows with N; the target here is N=5,000 within 2x of
N=10. Also timed: a typical hit and a miss.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from routecheck_bench import generate

from service.http.registry import Endpoint, RouteRegistry
from service.routes.overlap import example_path


async def _noop(req):
    return None


def build(specs) -> RouteRegistry:
    registry = RouteRegistry()
    for spec in specs:
        rest = spec.route[len(spec.namespace) + 1 :] if spec.namespace else spec.route
        if not spec.namespace or not rest.strip("/"):
            continue
        endpoints = [Endpoint(methods, _noop) for methods in spec.endpoints]
        registry.register(spec.namespace, rest, endpoints, spec.owner or "Bench")
    return registry


def last_answering(registry: RouteRegistry) -> tuple[str, str]:
    """A (method, path) that the last registered route answers."""
    for route in reversed(registry.routes()):
        path = example_path(route.pattern)
        if not path:
            continue
        for method in route.methods:
            match = registry.match(path, method)
            if match and match.route is route:
                return method, path
    raise SystemExit("no route answers its own sample path")


def per_call_us(registry: RouteRegistry, method: str, path: str) -> float:
    number = 20_000
    best = min(timeit.repeat(lambda: registry.match(path, method), number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--routes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    specs = generate(args.routes, args.seed)
    small = build(specs[:12])
    large = build(specs)
    rows = []
    for label, registry in (("10 routes", small), (f"{len(large.routes())} routes", large)):
        method, path = last_answering(registry)
        rows.append(
            (
                label,
                method,
                path,
                per_call_us(registry, method, path),
                per_call_us(registry, "GET", "/no/such/route/here"),
            )
        )
    print(f"{'registry':<14} {'last route (µs)':>16} {'miss (µs)':>10}  path")
    for label, method, path, hit, miss in rows:
        print(f"{label:<14} {hit:>16.2f} {miss:>10.2f}  {method} {path}")
    ratio = rows[1][3] / rows[0][3]
    print(f"ratio last-route dispatch {rows[1][0]} / {rows[0][0]}: {ratio:.2f} (target <= 2)")


if __name__ == "__main__":
    main()


def collect(quick: bool) -> list:
    """bench/run.py's case: dispatch to the last route, 5,000 routes vs 10, as a ratio."""
    from figures import summarise

    specs = generate(5000, 7)
    small, large = build(specs[:12]), build(specs)
    ratios = []
    for _ in range(1 if quick else 3):
        per = [per_call_us(r, *last_answering(r)) for r in (small, large)]
        ratios.append(per[1] / per[0])
    return [summarise("routes: dispatch 5,000 vs 10 routes", "x", ratios, "<= 2", at_most=2.0)]
