"""Text and JSON renderings of findings, route lists and documented-vs-served diffs.

JSON output is deterministic: keys sorted, lists in their meaningful order
(findings by severity then position, routes by position), no timestamps.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from service.routes import overlap
from service.routes.model import (
    METHOD_ORDER,
    SEVERITIES,
    Finding,
    RouteSpec,
    ordered_methods,
)


def summary(findings: Sequence[Finding], routes: Sequence[RouteSpec]) -> dict[str, Any]:
    by_severity = Counter(f.severity for f in findings)
    return {
        "routes": len(routes),
        "findings": len(findings),
        **{sev: by_severity.get(sev, 0) for sev in SEVERITIES},
        "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
    }


def summary_line(findings: Sequence[Finding], routes: Sequence[RouteSpec]) -> str:
    s = summary(findings, routes)
    counts = ", ".join(
        f"{s[sev]} {sev}{'s' if s[sev] != 1 and sev != 'info' else ''}" for sev in SEVERITIES
    )
    return f"{s['routes']} routes checked: {counts}."


def _table(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        (indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def render_table(findings: Sequence[Finding], routes: Sequence[RouteSpec]) -> str:
    if not findings:
        return "No findings.\n" + summary_line(findings, routes) + "\n"
    rule_w = max(len(f.rule) for f in findings)
    lines: list[str] = []
    for f in findings:
        lines.append(f"{f.severity.upper():<8} {f.rule:<{rule_w}}  {', '.join(f.methods)}".rstrip())
        rows = [[f"#{r.position}", r.route, r.owner or ""] for r in f.routes]
        lines.extend(_table(rows, indent="    "))
        lines.append(f"    {f.message}")
        if f.witness is not None:
            lines.append(f"    witness: {f.witness or '(empty path)'}")
        lines.append("")
    lines.append(summary_line(findings, routes))
    return "\n".join(lines) + "\n"


def report_dict(
    findings: Sequence[Finding],
    routes: Sequence[RouteSpec],
    *,
    source: str | None = None,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": summary(findings, routes),
        "findings": [f.to_dict() for f in findings],
    }
    if source is not None:
        out["source"] = source
    if notes:
        out["notes"] = list(notes)
    return out


def render_json(findings: Sequence[Finding], routes: Sequence[RouteSpec]) -> str:
    return dumps(report_dict(findings, routes))


def dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# -- routes list -----------------------------------------------------------------------


def _methods_cell(spec: RouteSpec) -> str:
    return " | ".join(",".join(ordered_methods(ep)) for ep in spec.endpoints)


def render_list(routes: Sequence[RouteSpec]) -> str:
    """The registry in dispatch (registration) order."""
    rows = [["POS", "NAMESPACE", "ROUTE", "METHODS", "OWNER", "AUTH"]]
    for r in sorted(routes, key=lambda s: (s.position, s.route)):
        rows.append(
            [
                str(r.position),
                r.namespace or "-",
                r.route,
                _methods_cell(r),
                r.owner or "-",
                r.auth or "-",
            ]
        )
    return "\n".join(_table(rows)) + f"\n{len(routes)} routes.\n"


def list_json(routes: Sequence[RouteSpec]) -> str:
    items = []
    for r in sorted(routes, key=lambda s: (s.position, s.route)):
        item = r.to_dict()
        item["endpoints"] = [list(ordered_methods(ep)) for ep in r.endpoints]
        item["surface"] = r.surface
        item["auth"] = r.auth
        items.append(item)
    return dumps({"routes": items})


# -- documented vs served --------------------------------------------------------------

DiffEntry = tuple[str, str, RouteSpec]  # (method, path shape, route)


def path_shape(spec: RouteSpec) -> str:
    """The route with literal pieces lower-cased and every parameter written ``{}``."""
    pieces = overlap.prepare(spec.route).pieces
    if pieces is None:
        return spec.route
    return "/".join(p.literal if p.literal is not None else "{}" for p in pieces)


def _automatic(spec: RouteSpec) -> bool:
    """Routes WordPress adds by itself: the root index, /batch/v1, namespace indexes."""
    return not spec.namespace or spec.route.strip("/") == spec.namespace.strip("/")


def diff_routes(
    documented: Sequence[RouteSpec], served: Sequence[RouteSpec]
) -> tuple[list[DiffEntry], list[DiffEntry]]:
    """(documented but not served, served but not documented), by (method, path shape)."""

    def index(specs: Sequence[RouteSpec]) -> dict[tuple[str, str], RouteSpec]:
        out: dict[tuple[str, str], RouteSpec] = {}
        for spec in sorted(specs, key=lambda s: s.position):
            shape = path_shape(spec)
            for m in spec.methods:
                out.setdefault((m, shape), spec)
        return out

    doc, live = index(documented), index(served)
    missing = [(m, s, spec) for (m, s), spec in doc.items() if (m, s) not in live]
    extra = [
        (m, s, spec) for (m, s), spec in live.items() if (m, s) not in doc and not _automatic(spec)
    ]

    def order(e: DiffEntry) -> tuple[str, int, str]:
        rank = METHOD_ORDER.index(e[0]) if e[0] in METHOD_ORDER else len(METHOD_ORDER)
        return (e[1], rank, e[0])

    return sorted(missing, key=order), sorted(extra, key=order)


def render_diff(missing: Sequence[DiffEntry], undocumented: Sequence[DiffEntry]) -> str:
    lines: list[str] = []
    for title, entries in (
        ("Documented but not served", missing),
        ("Served but not documented", undocumented),
    ):
        lines.append(f"{title}: {len(entries)}")
        if entries:
            rows = [[m, shape, spec.owner or "-"] for m, shape, spec in entries]
            lines.extend(_table(rows, indent="  "))
        lines.append("")
    return "\n".join(lines)


def diff_json(missing: Sequence[DiffEntry], undocumented: Sequence[DiffEntry]) -> str:
    def items(entries: Sequence[DiffEntry]) -> list[dict[str, Any]]:
        return [
            {"method": m, "path": shape, "route": spec.route, "owner": spec.owner}
            for m, shape, spec in entries
        ]

    return dumps(
        {"documented_not_served": items(missing), "served_not_documented": items(undocumented)}
    )
