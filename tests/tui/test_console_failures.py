"""A failure inside the console is an error notification and a logged traceback, and
the console goes on; if the app itself must stop, the API stops cleanly and the exit
status says so."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest
from support import OPERATOR
from textual.widgets import DataTable, Static

import run
import tui.app
from service.accounts import users as accounts
from service.app.runtime import Runtime
from service.integrations import tokens
from tui.app import ConsoleApp
from tui.modals.confirm import ConfirmModal


@pytest.fixture
def console_log(caplog):
    caplog.set_level(logging.ERROR, logger="shopkeep.console")
    return caplog


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def settle(pilot, until, tries: int = 40) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if until():
            return


async def test_a_failing_service_call_in_an_action_is_reported_and_the_console_goes_on(
    runtime, monkeypatch, console_log
):
    owner = await accounts.create_user(runtime.ctx, "o@example.com", "owner-password", "customer")
    await tokens.generate(runtime.ctx, OPERATOR, name="Plugin [/] test", user_id=owner.id)

    async def broken(*_args, **_kwargs):
        raise RuntimeError("store is [bold]gone[/] \x1b[31m")

    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#token-table", DataTable)
        await settle(pilot, lambda: table.row_count == 1)
        monkeypatch.setattr(tokens, "revoke", broken)
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Plugin [/] test" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await settle(pilot, lambda: errors(app))

        [message] = errors(app)
        assert message.startswith("RuntimeError: store is [bold]gone[/] ␛[31m")
        assert "\x1b" not in message
        [record] = console_log.records
        assert record.name == "shopkeep.console" and record.exc_info[0] is RuntimeError
        assert "broken" in logging.Formatter().formatException(record.exc_info)

        # Still running, still answering keys, still showing data.
        assert app.is_running and app.fatal_error is None
        await pilot.press("3")
        await settle(pilot, lambda: app.current_mode == "users")
        assert app.current_mode == "users"
        await pilot.press("2")
        await settle(pilot, lambda: app.current_mode == "tokens")
        assert str(app.screen.query_one("#token-table", DataTable).get_row_at(0)[0]) == (
            "Plugin [/] test"
        )
    assert app.return_code in (0, None)


async def test_a_failing_handler_and_reload_worker_are_reported(runtime, monkeypatch, console_log):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await pilot.press("2")
        await settle(pilot, lambda: app.current_mode == "tokens")
        screen = app.screen

        def details_broken() -> None:
            raise ValueError("handler failed")

        async def list_broken(*_args, **_kwargs):
            raise LookupError("reload failed")

        monkeypatch.setattr(screen, "selected", details_broken)
        screen.post_message(DataTable.RowSelected(screen.query_one(DataTable), 0, None))
        await settle(pilot, lambda: errors(app))
        monkeypatch.setattr(tokens, "list_tokens", list_broken)
        await pilot.press("a")  # toggles "show revoked" and reloads in a worker
        await settle(pilot, lambda: len(errors(app)) == 2)
        assert [m.splitlines()[0] for m in errors(app)] == [
            "ValueError: handler failed",
            "LookupError: reload failed",
        ]
        assert len(console_log.records) == 2
        monkeypatch.undo()
        await pilot.press("a")  # the screen still handles keys and reloads
        await settle(pilot, lambda: "0 tokens" in str(screen.query_one("#token-count").render()))
        assert app.is_running


class Exploding(Static):
    """A widget outside the console's guard whose mount fails: Textual cannot go on."""

    def on_mount(self) -> None:
        raise RuntimeError("boom [/] \x1b]52;c;aGk=\x07")


async def test_an_unrecoverable_error_stops_the_app_with_status_1(runtime, console_log):
    app = ConsoleApp(runtime)
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=(120, 40)) as pilot:
            await app.screen.mount(Exploding())
            await settle(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    assert isinstance(app.fatal_error, RuntimeError)
    [record] = [r for r in console_log.records if r.levelno == logging.CRITICAL]
    assert record.exc_info[1] is app.fatal_error


class HeadlessCrashing(ConsoleApp):
    """The console as ``run.py console`` runs it, headless, failing once it is up."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    async def run_async(self, **_kwargs):
        async def crash(pilot) -> None:
            await pilot.pause()
            await pilot.app.screen.mount(Exploding())

        return await super().run_async(headless=True, auto_pilot=crash)


async def test_run_py_console_exits_nonzero_with_one_line_and_stops_the_api(
    settings, monkeypatch, capsys, console_log
):
    settings.port = 0
    started: list[str] = []
    run_console = Runtime.run_console

    async def recording(self, app):
        started.append(self.url)
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/wp-json/") as resp:
            assert resp.status == 200
        return await run_console(self, app)

    monkeypatch.setattr(Runtime, "run_console", recording)
    monkeypatch.setattr(tui.app, "ConsoleApp", HeadlessCrashing)
    code = await run.cmd_console(settings, with_api=True)

    assert code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    cause = "(RuntimeError: boom [/] ␛]52;c;aGk=␇)"
    assert f"console stopped on an unexpected error {cause}" in lines[0]
    assert settings.log_path in lines[0]
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in console_log.records)
    # The API was shut down with the console.
    [url] = started
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{url}/wp-json/")
