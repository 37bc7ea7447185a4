"""One route: its endpoints and argument schemas, its findings with witnesses, and
"try it": the witness (or a sample path) sent through the dispatcher the API uses,
showing which route answers it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from service.http.registry import Route
from service.routes.model import Finding
from service.routes.overlap import example_path
from tui.failures import Guarded
from tui.host import UsesContext
from tui.text import Cell, block, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table

SURFACE = {"wp": "served by the WordPress dispatcher", "platform": "platform API (aiohttp router)"}


def try_paths(route: Route, findings: list[Finding]) -> list[tuple[str, str]]:
    """(method, path) pairs worth trying: each finding's witness, else a sample path."""
    tries: list[tuple[str, str]] = []
    for f in findings:
        if f.witness:
            for method in f.methods or route.methods[:1]:
                tries.append((method, f.witness))
    if not tries and route.surface == "wp":
        sample = example_path(route.pattern)
        if sample:
            tries.extend((m, sample) for m in dict.fromkeys(route.methods))
    return list(dict.fromkeys(tries))


class RouteDetailModal(Guarded, UsesContext, Dialog[None]):
    BINDINGS = [
        Binding("t", "try_it", "Try it", id="route_detail.try"),
        Binding("escape,q", "close", "Close", id="route_detail.close"),
    ]

    def __init__(self, route: Route, findings: list[Finding]) -> None:
        super().__init__()
        self.route = route
        self.findings = findings

    def compose(self) -> ComposeResult:
        route = self.route
        with VerticalScroll(classes="modal-box modal-wide", id="route-detail"):
            yield Static(
                markup(
                    "[b]#$position $pattern[/b]\nnamespace $namespace · owner $owner · $surface",
                    position=route.position,
                    pattern=route.pattern,
                    namespace=route.namespace or "(root)",
                    owner=route.owner,
                    surface=SURFACE[route.surface],
                )
            )
            endpoints: DataTable[Cell] = Table(id="route-endpoints", cursor_type="row")
            endpoints.add_columns(
                "methods", "permission", "owner", "arg", "type", "required", "default / enum"
            )
            for ep in route.endpoints:
                methods = ", ".join(m for m in route.methods if m in ep.methods)
                if not ep.args:
                    endpoints.add_row(
                        cell(methods), cell(ep.permission.label), cell(ep.owner), "—", "", "", ""
                    )
                for i, (name, spec) in enumerate(ep.args.items()):
                    extra = spec.get("enum") or spec.get("default", "")
                    endpoints.add_row(
                        cell(methods if i == 0 else ""),
                        cell(ep.permission.label if i == 0 else ""),
                        cell(ep.owner if i == 0 else ""),
                        cell(name),
                        cell(spec.get("type", "")),
                        "yes" if spec.get("required") else "",
                        cell(extra),
                    )
            yield Static("[b]Endpoints and arguments[/b]")
            yield endpoints
            yield Static("[b]Findings[/b]")
            if not self.findings:
                yield Static("none")
            for f in self.findings:
                witness = f"\n    witness: {f.witness}" if f.witness else ""
                yield Static(
                    block(f"[{f.severity}] {f.rule}: {f.message}{witness}"), classes="finding"
                )
            yield Static("[b]Try it[/b] (t): which route answers each witness", id="try-title")
            tried: DataTable[Cell] = Table(id="route-try", cursor_type="row")
            tried.add_columns("method", "path", "answered by", "owner")
            yield tried

    def action_try_it(self) -> None:
        registry = self.ctx.routes
        table = self.query_one("#route-try", DataTable)
        table.clear()
        if self.route.surface != "wp":
            table.add_row(
                "—",
                cell(self.route.path_template, 80),
                "platform route: aiohttp's router dispatches it",
                cell(self.route.owner),
            )
            return
        tries = try_paths(self.route, self.findings)
        if not tries:
            table.add_row("—", "no witness or sample path for this route", "", "")
        for method, path in tries:
            match = registry.match(path, method)
            if match is None:
                table.add_row(cell(method), cell(path, 80), "404 rest_no_route", "")
            else:
                me = " (this route)" if match.route is self.route else ""
                table.add_row(
                    cell(method),
                    cell(path, 80),
                    cell(f"#{match.route.position} {match.route.pattern}{me}", 80),
                    cell(match.endpoint.owner),
                )

    def action_close(self) -> None:
        self.dismiss(None)
