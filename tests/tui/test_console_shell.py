"""The console shell: starts, shows API traffic, help, palette, quit."""

from __future__ import annotations

from textual.widgets import DataTable, Static
from wait_support import settled, until

from tui.app import ConsoleApp
from tui.screens.help import HelpScreen
from tui.widgets.request_log import RequestLog


async def test_dashboard_shows_a_request_made_through_the_api(runtime, aiohttp_client):
    import aiohttp

    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{runtime.url}/wp-json/definitely/missing") as resp:
                assert resp.status == 404
        log = app.screen.query_one("#requests", RequestLog)
        await until(lambda: log.row_count, pilot, what="the request is listed")
        row = log.records()[-1]
        assert (row["method"], row["path"], row["status"]) == (
            "GET",
            "/wp-json/definitely/missing",
            "404",
        )
        total = app.screen.query_one("#total", Static)
        assert "1" in str(total.render())


async def test_help_palette_and_quit(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-keys", DataTable)
        described = [str(keys.get_row_at(i)[1]) for i in range(keys.row_count)]
        assert "Quit" in described and "Go to Dashboard" in described
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Go to Dash")
        await settled(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "dashboard"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running
