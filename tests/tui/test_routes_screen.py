"""The Routes screen: registry in dispatch order, findings, filters, details, try it."""

from __future__ import annotations

from table_support import records
from textual.widgets import Input, Select
from wait_support import until

from service.http.registry import READABLE, Endpoint
from tui.app import ConsoleApp
from tui.modals.route_detail import RouteDetailModal


async def noop(req):
    return {}


def rows(screen, table_id):
    return records(screen, table_id)


async def wait_for_check(pilot):
    def title() -> str:
        return str(pilot.app.screen.query_one("#findings-title").render())

    await until(lambda: "checking" not in title(), pilot, what="the check finished")
    return title()


async def test_routes_in_dispatch_order_with_findings_and_try_it(runtime):
    registry = runtime.ctx.registry
    # A later duplicate of the digit-id route can never answer GET.
    late = registry.register(
        "woonoow/v1", r"/products/(?P<pid>\d+)", Endpoint(READABLE, noop), "LateController"
    )
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        title = await wait_for_check(pilot)
        assert "1 errors" in title
        table_rows = rows(app.screen, "#route-table")
        positions = [int(r["#"]) for r in table_rows]
        assert positions == sorted(positions)
        assert len(table_rows) == len(registry.all_routes())
        patterns = [r["route"] for r in table_rows]
        assert patterns.index("/woonoow/v1/products/(?P<id>[\\d]+)") < patterns.index(
            "/woonoow/v1/products/search"
        )
        marked = {r["route"]: r["findings"] for r in table_rows}
        assert marked[late.pattern] == "E1 W1"  # shadowed, and under Products' root
        assert {f["rule"] for f in rows(app.screen, "#finding-table")} >= {
            "shadowed-route",
            "owner-conflict",
        }
        finding_rows = rows(app.screen, "#finding-table")
        assert (finding_rows[0]["severity"], finding_rows[0]["rule"]) == ("error", "shadowed-route")

        # Filter by owner, then open the route and try its witness.
        app.screen.query_one("#route-owner", Select).value = "LateController"
        await pilot.pause()
        assert [r["route"] for r in rows(app.screen, "#route-table")] == [late.pattern]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RouteDetailModal)
        await pilot.press("t")
        await pilot.pause()
        tried = rows(app.screen, "#route-try")
        assert tried, "try it produced nothing"
        method, path, answered, owner = tried[0].values()
        assert method == "GET" and path.startswith("/woonoow/v1/products/")
        assert "/woonoow/v1/products/(?P<id>[\\d]+)" in answered
        assert "(this route)" not in answered and owner == "ProductsController"


async def test_routes_filters_by_text_method_and_severity(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("4")
        await wait_for_check(pilot)
        app.screen.query_one("#route-filter", Input).value = "customers"
        await pilot.pause()
        shown = [r["route"] for r in rows(app.screen, "#route-table")]
        assert shown and all("customers" in p for p in shown)
        app.screen.query_one("#route-filter", Input).value = ""
        app.screen.query_one("#route-method", Select).value = "DELETE"
        await pilot.pause()
        assert all("DELETE" in r["methods"] for r in rows(app.screen, "#route-table"))
        app.screen.query_one("#route-method", Select).clear()
        app.screen.query_one("#route-severity", Select).value = "error"
        await pilot.pause()
        assert rows(app.screen, "#route-table") == []  # Shopkeep's own routes: no errors
