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
from service.pricing import display_price, parse_amount
from service.settings import shop_settings as store_settings
from tui.failures import Guarded
from tui.host import UsesContext
from tui.text import Cell, block, cell, visible

PERIODS = [("Last 7 days", "7d"), ("Last 30 days", "30d"), ("Last 90 days", "90d")]
BLOCKS = " ▁▂▃▄▅▆▇█"


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


def column_width(days: int) -> int:
    """Wide columns for a few days, one cell each for many."""
    return max(1, min(4, 96 // max(days, 1)))


class AnalyticsTab(Guarded, UsesContext, Vertical):
    DEFAULT_CSS = """
    AnalyticsTab .bar { height: 1; margin: 1 1 0 1; }
    AnalyticsTab Select { width: 24; }
    AnalyticsTab #analytics-chart { margin: 1 1 0 1; height: auto; }
    AnalyticsTab #analytics-orders { margin: 0 1 0 3; height: 2; }
    AnalyticsTab .tab-table { height: 1fr; margin: 1 1 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Select(
                PERIODS, value="30d", allow_blank=False, classes="tab-search", compact=True
            )
            yield Static("", classes="bar-info", id="analytics-summary")
        yield Static("", id="analytics-chart")
        yield Sparkline([], id="analytics-orders")
        table: DataTable[Cell] = DataTable(
            cursor_type="row", zebra_stripes=True, classes="tab-table"
        )
        table.add_columns("top products", "units", "net revenue", "orders")
        yield table

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    @work(exclusive=True)
    async def reload(self) -> None:
        period = self.query_one(Select).value
        window = analytics.read_window({"period": period, "interval": "day"}, self.ctx.clock.now())
        overview = await analytics.overview(self.ctx, window)
        top = await analytics.products(self.ctx, window, limit=10)
        money = await store_settings.store_money(self.ctx)

        def show(amount: str) -> str:
            return display_price(parse_amount(amount, money.decimals), money)

        self.query_one("#analytics-summary", Static).update(
            block(
                f"revenue {show(overview['revenue'])} · {overview['orders']} paid orders · "
                f"average {show(overview['average_order_value'])} · "
                f"{overview['items_sold']} items · "
                f"{overview['new_customers']} new customers · refunds {show(overview['refunds'])}"
            )
        )
        self.query_one("#analytics-chart", Static).update(self._chart(overview, show))
        sparkline = self.query_one("#analytics-orders", Sparkline)
        days = len(overview["series"])
        sparkline.data = [float(day["orders"]) for day in overview["series"]]
        sparkline.styles.width = max(1, days * column_width(days))
        table = self.query_one(DataTable)
        table.clear()
        for product in top["top_by_quantity"]:
            table.add_row(
                cell(product["name"] or f"#{product['product_id']}"),
                str(product["items_sold"]),
                cell(show(product["net_revenue"])),
                str(product["orders"]),
            )

    @staticmethod
    def _chart(overview: dict[str, Any], show: Callable[[str], str]) -> Text:
        series = overview["series"]
        revenue = [float(day["revenue"]) for day in series]
        width = column_width(len(series))
        rows = bar_chart(revenue, width=width)
        peak = show(max(series, key=lambda d: float(d["revenue"]))["revenue"]) if series else "0"
        chart = Text()
        chart.append("revenue per day (max ", style="dim")
        chart.append(visible(peak))
        chart.append(")\n", style="dim")
        for row in rows:
            chart.append("│ ", style="dim")
            chart.append(row + "\n", style="green")
        first, last = (series[0]["date"], series[-1]["date"]) if series else ("", "")
        gap = max(1, len(series) * width - len(first) - len(last))
        chart.append(f"└ {first}{' ' * gap}{last}\n")
        chart.append("orders per day", style="dim")
        return chart
