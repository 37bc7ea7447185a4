"""A table drawn before its columns are measured is drawn again at the measured widths
(tui/widgets/table.py): rows shown on a busy machine stayed cut at the header's width."""

from __future__ import annotations

from textual.app import App, ComposeResult
from wait_support import settled

from tui.widgets.table import Table


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        table: Table[str] = Table()
        table.add_columns("id", "customer")
        yield table


async def test_a_row_drawn_before_measuring_is_drawn_again_at_full_width() -> None:
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(Table)
        table.add_row("1", "short")
        await settled(pilot)
        table.clear()
        table.add_row("1", "سارا احمدی <customer@shopkeep.test>")
        assert "customer@" not in table.render_line(1).text  # drawn at the old widths
        await settled(pilot)
        assert "سارا احمدی <customer@shopkeep.test>" in table.render_line(1).text
        assert "customer" in table.render_line(0).text
