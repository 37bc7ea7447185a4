"""What ``run.py routes check|list|diff`` do, as functions returning (text, exit code).

Exit codes: 0 clean, 1 findings at or above ``--fail-on`` (or, for ``diff``, any
difference), 2 unusable input. A source ``live`` (or no source at all) means the
running registry, obtained by calling ``live()``.

A routes document checked with ``typed`` placeholders is also checked with every
placeholder read as any segment; each overlap that only exists under that reading
is added as an ``info`` finding, rule ``param-assumption``. That is how the check
says what happens to ``/products/search`` when ``{id}`` is not digits-only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from service.routes.checker import check_routes
from service.routes.model import SEVERITY_RANK, Finding, RouteSpec, sort_findings
from service.routes.report import (
    diff_json,
    diff_routes,
    dumps,
    list_json,
    render_diff,
    render_list,
    render_table,
    report_dict,
)
from service.routes.sources import (
    PARAM_POLICIES,
    LoadedSource,
    SourceError,
    load_source,
    placeholder_regex,
)

Live = Callable[[], list[RouteSpec]] | None
FORMATS = ("table", "json")
FAIL_ON = ("error", "warning", "info", "never")
_OVERLAP_RULES = ("shadowed-route", "partial-overlap", "overlap-undecided")
_ANY_PLACEHOLDER = re.compile(r"\(\?P<([A-Za-z_]\w*)>\[\^/\]\+\)")


def _usage_error(text: str) -> tuple[str, int]:
    return text.rstrip() + "\n", 2


def _check_options(fmt: str, params: str) -> str | None:
    if fmt not in FORMATS:
        return f"unknown format {fmt!r} (use {' or '.join(FORMATS)})"
    if params not in PARAM_POLICIES:
        return f"unknown placeholder policy {params!r} (use {' or '.join(PARAM_POLICIES)})"
    return None


def _load_all(sources: Sequence[str], params: str, live: Live) -> list[LoadedSource]:
    return [load_source(s, params=params, live=live) for s in (list(sources) or ["live"])]


def param_assumption(typed: Sequence[Finding], any_reading: Sequence[Finding]) -> list[Finding]:
    """Overlaps that appear only when every placeholder may be any segment."""
    known = {
        (f.rule, f.severity, tuple(r.position for r in f.routes), f.methods)
        for f in typed
        if f.rule in _OVERLAP_RULES
    }
    out: list[Finding] = []
    for f in any_reading:
        if f.rule not in _OVERLAP_RULES:
            continue
        if (f.rule, f.severity, tuple(r.position for r in f.routes), f.methods) in known:
            continue
        names = sorted({name for r in f.routes for name in _typed_placeholders(r.route)})
        what = ", ".join("{" + n + "}" for n in names) or "a placeholder"
        msg = (
            f"If {what} matches any segment, not only digits: {f.message[0].lower()}{f.message[1:]}"
        )
        out.append(Finding("param-assumption", "info", f.routes, f.methods, msg, f.witness))
    return out


def _typed_placeholders(route: str) -> list[str]:
    """Names whose any-segment reading differs from the typed one."""
    return [
        m.group(1)
        for m in _ANY_PLACEHOLDER.finditer(route)
        if placeholder_regex(m.group(1), "typed") != placeholder_regex(m.group(1), "any")
    ]


def check_source(loaded: LoadedSource, *, params: str, live: Live) -> list[Finding]:
    findings = check_routes(loaded.routes, owners=loaded.owners)
    if loaded.kind == "document" and params == "typed":
        other = load_source(loaded.label, params="any", live=live)
        extra = param_assumption(findings, check_routes(other.routes, owners=other.owners))
        findings = sort_findings([*findings, *extra])
    return findings


def _exit_code(findings: Sequence[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    limit = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] <= limit for f in findings) else 0


def run_check(
    sources: list[str],
    *,
    fmt: str = "table",
    fail_on: str = "error",
    live: Live = None,
    params: str = "typed",
) -> tuple[str, int]:
    problem = _check_options(fmt, params)
    if problem is None and fail_on not in FAIL_ON:
        problem = f"unknown --fail-on level {fail_on!r} (use {', '.join(FAIL_ON)})"
    if problem:
        return _usage_error(f"routes check: {problem}")
    try:
        loaded = _load_all(sources, params, live)
        results = [(src, check_source(src, params=params, live=live)) for src in loaded]
    except SourceError as exc:
        return _usage_error(f"routes check: {exc}")
    code = max(_exit_code(findings, fail_on) for _, findings in results)
    if fmt == "json":
        reports = [
            report_dict(findings, src.routes, source=src.label, notes=src.notes)
            for src, findings in results
        ]
        return dumps(reports[0] if len(reports) == 1 else reports), code
    parts = []
    for src, findings in results:
        head = f"Route check of {src.label} ({src.kind})"
        notes = "".join(f"note: {n}\n" for n in src.notes)
        parts.append(f"{head}\n{'=' * len(head)}\n{notes}\n{render_table(findings, src.routes)}")
    return "\n".join(parts), code


def run_list(
    sources: list[str], *, fmt: str = "table", live: Live = None, params: str = "typed"
) -> tuple[str, int]:
    problem = _check_options(fmt, params)
    if problem:
        return _usage_error(f"routes list: {problem}")
    try:
        loaded = _load_all(sources, params, live)
    except SourceError as exc:
        return _usage_error(f"routes list: {exc}")
    if fmt == "json":
        return "".join(list_json(src.routes) for src in loaded), 0
    return "\n".join(f"{src.label}:\n{render_list(src.routes)}" for src in loaded), 0


def run_diff(
    doc_source: str,
    live_source: str = "live",
    *,
    fmt: str = "table",
    live: Live = None,
    params: str = "typed",
) -> tuple[str, int]:
    problem = _check_options(fmt, params)
    if problem:
        return _usage_error(f"routes diff: {problem}")
    try:
        documented = load_source(doc_source, params=params, live=live)
        served = load_source(live_source, params=params, live=live)
    except SourceError as exc:
        return _usage_error(f"routes diff: {exc}")
    missing, undocumented = diff_routes(documented.routes, served.routes)
    code = 1 if missing or undocumented else 0
    if fmt == "json":
        return diff_json(missing, undocumented), code
    head = f"Routes in {documented.label} vs {served.label}\n"
    return head + "\n" + render_diff(missing, undocumented), code
