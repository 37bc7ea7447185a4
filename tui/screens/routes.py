"""Routes: every route the server answers, in dispatch order, with the conflict
checker's findings; filter by text, owner, method and severity; enter for details."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from service.http.registry import Route
from service.routes import inspection as route_inspection
from service.routes.model import Finding
from tui.modals.route_detail import RouteDetailModal
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.text import Cell, cell
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.table import Table

ALL = "all"
# The position and the pattern stay put when the table scrolls sideways; the findings
# and methods come before the wide details (the pattern is whole in the detail view).
COLUMNS = ("#", "route", "findings", "methods", "auth", "owner", "namespace")
ROUTE_WIDTH = 48
SEVERITY_MARK = {"error": "E", "warning": "W", "info": "i"}


def marks(findings: list[Finding]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.severity] += 1
    return " ".join(
        f"{SEVERITY_MARK[s]}{counts[s]}" for s in ("error", "warning", "info") if counts[s]
    )


class RoutesScreen(ConsoleScreen):
    TITLE_TEXT = "Routes"
    HELP_DIALOGS = (RouteDetailModal,)
    PALETTE = (ScreenCommand("Re-check routes", "run the conflict checker again", "recheck"),)
    BINDINGS = [
        Binding("enter", "details", "Details", id="routes.details"),
        Binding("slash", "filter", "Filter", key_display="/", id="routes.filter", priority=True),
        Binding("f", "focus_findings", "Findings", id="routes.findings"),
        Binding("ctrl+r", "recheck", "Re-check", id="routes.recheck"),
    ]

    def __init__(self) -> None:
        super().__init__(id="routes")
        self.routes: list[Route] = []
        self.findings: list[Finding] = []
        self.by_position: dict[int, list[Finding]] = defaultdict(list)

    def compose(self) -> ComposeResult:
        yield NavBar()
        with Horizontal(classes="bar", id="routes-bar"):
            yield Input(placeholder="filter routes (/)", id="route-filter", compact=True)
            yield Select([], prompt="owner", id="route-owner", compact=True)
            yield Select(
                [(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")],
                prompt="method",
                id="route-method",
                compact=True,
            )
            yield Select(
                [
                    ("any finding", "any"),
                    ("error", "error"),
                    ("warning", "warning"),
                    ("info", "info"),
                ],
                prompt="severity",
                id="route-severity",
                compact=True,
            )
        table: DataTable[Cell] = Table(
            id="route-table", cursor_type="row", zebra_stripes=True, fixed_columns=2
        )
        table.add_columns(*COLUMNS)
        yield table
        yield Static("Findings", id="findings-title", classes="caption")
        findings: DataTable[Cell] = Table(id="finding-table", cursor_type="row")
        findings.add_columns("severity", "routes", "rule", "explanation")
        yield findings
        yield KeyFooter()

    def on_mount(self) -> None:
        self.routes = self.ctx.routes.all_routes()
        owners = sorted({r.owner for r in self.routes})
        self.query_one("#route-owner", Select).set_options([(cell(o), o) for o in owners])
        self.recheck()
        self.set_focus(self.query_one("#route-table", DataTable))

    @work(exclusive=True, group="routes-check")
    async def recheck(self) -> None:
        self.query_one("#findings-title", Static).update("Findings: checking...")
        findings = await asyncio.to_thread(route_inspection.check_registry, self.ctx.routes)
        self.findings = findings
        self.by_position = defaultdict(list)
        for finding in findings:
            for spec in {r.position for r in finding.routes}:
                self.by_position[spec].append(finding)
        self.show()

    def action_recheck(self) -> None:
        self.recheck()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.show()

    def on_select_changed(self, _: Select.Changed) -> None:
        self.show()

    def _filters(self) -> tuple[str, str | None, str | None, str | None]:
        def value(widget_id: str) -> str | None:
            v = self.query_one(widget_id, Select).value
            return v if isinstance(v, str) else None

        text = self.query_one("#route-filter", Input).value.strip().lower()
        return text, value("#route-owner"), value("#route-method"), value("#route-severity")

    def visible_routes(self) -> list[Route]:
        text, owner, method, severity = self._filters()
        shown = []
        for route in self.routes:
            found = self.by_position.get(route.position, [])
            if text and text not in f"{route.pattern} {route.owner} {route.namespace}".lower():
                continue
            if owner and route.owner != owner:
                continue
            if method and method not in route.methods:
                continue
            if severity == "any" and not found:
                continue
            if severity not in (None, "any") and not any(f.severity == severity for f in found):
                continue
            shown.append(route)
        return shown

    def show(self) -> None:
        table = self.query_one("#route-table", DataTable)
        table.clear()
        routes = self.visible_routes()
        for route in routes:
            auth = ", ".join(dict.fromkeys(ep.permission.label for ep in route.endpoints))
            table.add_row(
                str(route.position),
                cell(route.pattern, ROUTE_WIDTH),
                marks(self.by_position.get(route.position, [])),
                cell(" ".join(dict.fromkeys(route.methods))),
                cell(auth),
                cell(route.owner),
                cell(route.namespace),
                key=str(route.position),
            )
        positions = {r.position for r in routes}
        _, _, _, severity = self._filters()
        findings = [
            f
            for f in self.findings
            if any(r.position in positions for r in f.routes)
            and (severity in (None, "any") or f.severity == severity)
        ]
        ftable = self.query_one("#finding-table", DataTable)
        ftable.clear()
        for f in findings:
            ftable.add_row(
                cell(f.severity),
                cell(" ".join(f"#{r.position}" for r in f.routes), 16),
                cell(f.rule),
                cell(f.message, 120),
            )
        errors = sum(f.severity == "error" for f in self.findings)
        self.query_one("#findings-title", Static).update(
            f"Findings: {len(findings)} shown, {len(self.findings)} in all, {errors} errors "
            f"· {len(routes)} of {len(self.routes)} routes"
        )

    def selected(self) -> Route | None:
        table = self.query_one("#route-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.routes if str(r.position) == key), None)

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#route-filter", Input))

    def action_focus_findings(self) -> None:
        self.set_focus(self.query_one("#finding-table", DataTable))

    def action_details(self) -> None:
        route = self.selected()
        if route is not None:
            self.app.push_screen(RouteDetailModal(route, self.by_position.get(route.position, [])))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "route-table":
            self.action_details()
