"""Route-conflict checker for WordPress REST route registries (pure: stdlib + interegular).

Entry points: ``check_routes`` (findings for an ordered list of ``RouteSpec``),
``decide`` (how two route regexes overlap, with a verified witness path),
``load_source`` (live registry, /wp-json index file or URL, routes document) and
the ``run_check`` / ``run_list`` / ``run_diff`` functions behind ``run.py routes``.
"""

from service.routes.checker import check_routes
from service.routes.cli import run_check, run_diff, run_list
from service.routes.model import Finding, RouteSpec, sort_findings
from service.routes.overlap import Relation, decide, example_path
from service.routes.regexes import (
    RouteRegexError,
    compile_route,
    literal_prefix,
    route_matches,
    to_python,
)
from service.routes.report import diff_routes, render_json, render_list, render_table
from service.routes.sources import (
    LoadedSource,
    SourceError,
    fetch_index,
    load_source,
    parse_document,
    routes_from_index,
)

__all__ = [
    "Finding",
    "LoadedSource",
    "Relation",
    "RouteRegexError",
    "RouteSpec",
    "SourceError",
    "check_routes",
    "compile_route",
    "decide",
    "diff_routes",
    "example_path",
    "fetch_index",
    "literal_prefix",
    "load_source",
    "parse_document",
    "render_json",
    "render_list",
    "render_table",
    "route_matches",
    "routes_from_index",
    "run_check",
    "run_diff",
    "run_list",
    "sort_findings",
    "to_python",
]
