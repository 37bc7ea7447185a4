"""The live route registry as the route checker sees it, and ``run.py routes``."""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING

from service.routes import cli
from service.routes.checker import check_routes
from service.routes.model import Finding, RouteSpec

if TYPE_CHECKING:
    from service.http.registry import Route, RouteRegistry


def route_specs(route: Route) -> list[RouteSpec]:
    """One spec per registration: consecutive endpoints of one owner are one
    ``register()`` call; WordPress merged them under one key."""
    specs = []
    for owner, grouped in groupby(route.endpoints, key=lambda ep: ep.owner or route.owner):
        endpoints = list(grouped)
        specs.append(
            RouteSpec(
                namespace=route.namespace,
                route=route.pattern,
                endpoints=tuple(frozenset(ep.methods) for ep in endpoints),
                owner=owner,
                position=route.position,
                surface=route.surface,
                auth=", ".join(dict.fromkeys(ep.permission.label for ep in endpoints)),
            )
        )
    return specs


def live_specs(registry: RouteRegistry) -> list[RouteSpec]:
    return [spec for route in registry.all_routes() for spec in route_specs(route)]


def check_registry(registry: RouteRegistry) -> list[Finding]:
    return check_routes(live_specs(registry))


def run_cli(args: Namespace, live: Callable[[], list[RouteSpec]]) -> tuple[str, int]:
    """``run.py routes``; ``live`` gives the specs of this server's own registry."""
    if args.routes_command == "check":
        return cli.run_check(
            args.sources, fmt=args.format, fail_on=args.fail_on, live=live, params=args.params
        )
    if args.routes_command == "list":
        return cli.run_list(args.sources, fmt=args.format, live=live)
    return cli.run_diff(args.documented, args.served, fmt=args.format, live=live)
