"""``check_routes``: every rule over one ordered registry.

Dispatch order is WordPress's: a request only scans the namespaces whose name
starts its path, in the order the namespaces were first registered, and within
a namespace the routes in registration order. So two routes of different
namespaces (``wc/store`` and ``wc/store/v1``) meet in the order their namespaces
were first seen; routes without a namespace (``/``, ``/batch/v1``) are only
scanned when no namespace matches, i.e. after all the others. Overlap rules apply
to the WordPress surface; the platform surface (aiohttp's router, its own
dispatch rules) gets the duplicate and naming checks only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.routes import overlap
from service.routes.model import Finding, RouteSpec, sort_findings
from service.routes.naming import naming_findings
from service.routes.rules import (
    RouteKey,
    duplicate_findings,
    merge_keys,
    overlap_finding,
    owner_findings,
    unparseable_finding,
    unreadable,
)


def dispatch_order(keys: Sequence[RouteKey]) -> list[RouteKey]:
    """WordPress route keys in the order a request scans them."""
    first_seen: dict[str, int] = {}
    for key in keys:
        if key.namespace:
            first_seen.setdefault(key.namespace, key.position)
    last = max((k.position for k in keys), default=0) + 1
    return sorted(
        keys, key=lambda k: (first_seen.get(k.namespace, last) if k.namespace else last, k.position)
    )


def check_routes(
    routes: Sequence[RouteSpec], *, owners: Mapping[str, str] | None = None
) -> list[Finding]:
    """All findings for an ordered registry, sorted by severity then position."""
    keys = merge_keys(routes)
    findings: list[Finding] = duplicate_findings(keys)
    wp: list[RouteKey] = []
    for key in keys:
        reason = unreadable(key)
        if reason is not None:
            findings.append(unparseable_finding(key, reason))
        elif key.surface == "wp":
            wp.append(key)
    ordered = dispatch_order(wp)
    prepared = [overlap.prepare(k.route) for k in ordered]
    for i, j, rel in overlap.overlapping_pairs(prepared):
        finding = overlap_finding(ordered[i], ordered[j], rel)
        if finding is not None:
            findings.append(finding)
    findings.extend(naming_findings(keys))
    findings.extend(owner_findings(keys, owners))
    return sort_findings(findings)
