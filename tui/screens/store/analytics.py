"""A small analytics view: the period's figures, revenue per day as a bar chart drawn with
block characters, orders per day as a sparkline, and the top products."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Sparkline, Static

from service import analytics
from service.settings import shop_settings as store_settings
from tui.failures import Guarded
from tui.format import money
from tui.host import UsesContext
from tui.text import Cell, cell, isolate, markup, visible
from tui.widgets.table import Table

PERIODS = [("Last 7 days", "7d"), ("Last 30 days", "30d"), ("Last 90 days", "90d")]
BLOCKS = " ▁▂▃▄▅▆▇█"
CHART_HEIGHT = 8  # rows; half of it on a terminal under TALL rows, to leave the table room
TALL = 30


def bar_chart(values: list[float], height: int = 8, width: int = 1) -> list[str]:
    """Rows (top first) of a column chart, ``width`` columns per value, in eighths of a
    cell, scaled to the highest value."""
    top = max(values, default=0) or 1
    eighths = [round(v / top * height * 8) for v in values]
    rows = []
    for level in range(height - 1, -1, -1):
        cells = (BLOCKS[max(0, min(8, e - level * 8))] * width for e in eighths)
        rows.append("".join(cells).rstrip() or " ")
    return rows


def column_width(days: int, room: int = 96) -> int:
    """Wide columns for a few days, one cell each for many."""
    return max(1, min(4, room // max(days, 1)))


def fit(values: list[float], room: int) -> list[float]:
    """At most ``room`` values: neighbouring days summed when there are more days than
    columns (90 days on an 80-column terminal)."""
    size = -(-len(values) // max(room, 1))
    if size <= 1:
        return values
    return [sum(values[i : i + size]) for i in range(0, len(values), size)]


class AnalyticsTab(Guarded, UsesContext, Vertical):
    DEFAULT_CSS = """
    AnalyticsTab .bar { height: 1; margin: 1 1 0 1; }
    AnalyticsTab Select { width: 24; }
    AnalyticsTab #analytics-summary { height: auto; margin: 1 1 0 1; color: $text-muted; }
    AnalyticsTab #analytics-chart { margin: 1 1 0 1; height: auto; overflow-x: hidden; }
    AnalyticsTab #analytics-orders { margin: 0 1 0 3; height: 2; }
    AnalyticsTab .tab-table { height: 1fr; margin: 1 1 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Select(
                PERIODS, value="30d", allow_blank=False, classes="tab-search", compact=True
            )
        yield Static("", id="analytics-summary")
        yield Static("", id="analytics-chart")
        yield Sparkline([], id="analytics-orders")
        table: DataTable[Cell] = Table(
            cursor_type="row", zebra_stripes=True, classes="tab-table", fixed_columns=1
        )
        table.add_columns("top products", "net revenue", "units", "orders")
        yield table

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.overview: dict[str, Any] | None = None
        self.show: Callable[[str], str] = str

    def on_resize(self) -> None:
        self.draw()

    def room(self) -> int:
        """Columns for the chart: the tab's width (the terminal's while it is hidden)."""
        width = self.size.width or self.app.size.width
        return max(10, width - 6)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    @work(exclusive=True)
    async def reload(self) -> None:
        period = self.query_one(Select).value
        window = analytics.read_window({"period": period, "interval": "day"}, self.ctx.clock.now())
        overview = await analytics.overview(self.ctx, window)
        top = await analytics.products(self.ctx, window, limit=10)
        store = await store_settings.store_money(self.ctx)

        def show(amount: str) -> str:
            return money(amount, store)

        self.query_one("#analytics-summary", Static).update(
            markup(
                "revenue $revenue · $orders paid orders · average $average · $items items · "
                "$customers new customers · refunds $refunds",
                revenue=show(overview["revenue"]),
                orders=overview["orders"],
                average=show(overview["average_order_value"]),
                items=overview["items_sold"],
                customers=overview["new_customers"],
                refunds=show(overview["refunds"]),
            )
        )
        self.overview, self.show = overview, show
        self.draw()
        table = self.query_one(DataTable)
        table.clear()
        for product in top["top_by_quantity"]:
            table.add_row(
                cell(product["name"] or f"#{product['product_id']}", 36),
                cell(show(product["net_revenue"]), justify="right"),
                str(product["items_sold"]),
                str(product["orders"]),
            )

    def draw(self) -> None:
        """The chart and the sparkline, as wide as the tab allows."""
        if self.overview is None:
            return
        series = self.overview["series"]
        room = self.room()
        height = CHART_HEIGHT if self.app.size.height >= TALL else CHART_HEIGHT // 2
        chart = self._chart(series, self.show, room, height)
        self.query_one("#analytics-chart", Static).update(chart)
        orders = fit([float(day["orders"]) for day in series], room)
        sparkline = self.query_one("#analytics-orders", Sparkline)
        sparkline.data = orders
        sparkline.styles.width = max(1, len(orders) * column_width(len(orders), room))

    @staticmethod
    def _chart(
        series: list[dict[str, Any]], show: Callable[[str], str], room: int, height: int
    ) -> Text:
        revenue = fit([float(day["revenue"]) for day in series], room)
        width = column_width(len(revenue), room)
        rows = bar_chart(revenue, height=height, width=width)
        days = -(-len(series) // max(len(revenue), 1))
        peak = show(str(round(max(revenue), 8))) if revenue else show("0")
        chart = Text()
        chart.append(f"revenue per {'day' if days == 1 else f'{days} days'} (max ", style="dim")
        chart.append(isolate(visible(peak)))
        chart.append(")\n", style="dim")
        for row in rows:
            chart.append("│ ", style="dim")
            chart.append(row + "\n", style="green")
        first, last = (series[0]["date"], series[-1]["date"]) if series else ("", "")
        gap = max(1, len(revenue) * width - len(first) - len(last))
        chart.append(f"└ {first}{' ' * gap}{last}\n")
        chart.append("orders per day", style="dim")
        return chart
