"""Plain data shared by the route checker: what a route is, what a finding is.

``RouteSpec`` is one registration as WordPress keeps it: the full route regex key,
the methods of each endpoint (handler) in order, the controller that registered it
and its 0-based position in registration (dispatch) order. Several specs may share
one ``route`` key (WordPress then merges them: handlers are appended, the key keeps
the position of its first registration).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def ordered_methods(methods: Iterable[str]) -> tuple[str, ...]:
    """Methods deduplicated, in the usual GET, POST, PUT, PATCH, DELETE, ... order."""
    unique = {m.upper() for m in methods}
    return tuple(
        sorted(unique, key=lambda m: (METHOD_ORDER.index(m) if m in METHOD_ORDER else 99, m))
    )


@dataclass(frozen=True)
class RouteSpec:
    namespace: str  # "woonoow/v1"; "" for the root index
    route: str  # full WordPress route regex key, e.g. "/woonoow/v1/products/(?P<id>[\d]+)"
    endpoints: tuple[frozenset[str], ...]  # methods of each endpoint (handler), in order
    owner: str | None = None  # controller name when known, e.g. "ProductsController"
    position: int = 0  # 0-based registration (dispatch) position
    surface: str = "wp"  # "wp" or "platform"
    auth: str | None = None  # e.g. "public", "manage_woocommerce" (display only)

    @property
    def methods(self) -> tuple[str, ...]:
        """Every method any endpoint declares, deduplicated and ordered."""
        return ordered_methods(m for ep in self.endpoints for m in ep)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "namespace": self.namespace,
            "route": self.route,
            "methods": list(self.methods),
            "owner": self.owner,
        }


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" | "warning" | "info"
    routes: tuple[RouteSpec, ...]
    methods: tuple[str, ...]
    message: str  # one sentence
    witness: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (
            SEVERITY_RANK.get(self.severity, 9),
            tuple(r.position for r in self.routes),
            self.rule,
            self.methods,
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "methods": list(self.methods),
            "routes": [r.to_dict() for r in self.routes],
            "message": self.message,
            "witness": self.witness,
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Severity first (errors on top), then registration positions; stable."""
    return sorted(findings, key=Finding.sort_key)
