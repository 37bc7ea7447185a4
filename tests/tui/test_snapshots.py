"""Snapshots of every console screen and main dialog at 80x24 and 120x40, on the demo shop
made deterministic (tests/tui/snapshot_support.py), so a layout change shows in review as
a changed SVG under tests/tui/__snapshots__/test_snapshots/.

After an intended change, look at the new pictures and regenerate them:
``python3 -m pytest tests/tui/test_snapshots.py -n 0 --snapshot-update``.
A failed comparison leaves the new picture in the folder printed by the assertion.

No xdist group: each worker seeds its own copy of the demo once (under a second), and
syrupy merges the workers' reports (checked: ``-n 2 --snapshot-update`` keeps every file)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from snapshot_support import DB_NAME, build_demo, seeded_secrets, snapshot_console, utc_local_time
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Button, Input, TabbedContent, TextArea
from wait_support import settled, until

from service.accounts import api_keys
from service.accounts import users as accounts
from service.common.clock import iso
from tui.host import actor_of, context_of
from tui.screens.licenses import LicenseList

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
FAILED_DIR = "snapshot-failures"  # under the rootdir: the pictures that did not match


# -- the plugin's part: pictures as plain SVG files ---------------------------------------


def _normalize_svg(svg: str) -> str:
    """Rich numbers each export's CSS classes at random: drop the number."""
    return re.sub(r"\bterminal-\d+-([\w-]+)", r"terminal-\1", svg)


class SVGImageExtension(SingleFileSnapshotExtension):
    file_extension = "svg"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **kwargs: Any) -> Any:
        return _normalize_svg(super().serialize(data, **kwargs))


RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def _steady_cursors(app: App[Any]) -> None:
    """A text cursor blinks on a timer: show it steadily, or the picture depends on when
    it was taken."""
    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


async def _steady_picture(pilot: Pilot[Any], looks: int = 20) -> str:
    """The screen once two pictures taken a settle apart agree. Settling covers what the
    console is known to be doing (workers, presses, tables to measure); a loaded machine
    has once let a table be photographed between its rows' arrival and its new column
    widths, which a second look after another settle does not repeat."""
    picture = ""
    for _ in range(looks):
        await settled(pilot)
        await pilot.wait_for_scheduled_animations()
        again = pilot.app.export_screenshot()
        if again == picture:
            return picture
        picture = again
    raise AssertionError(f"the screen was still changing after {looks} looks")


def take_screenshot(app: App[Any], size: tuple[int, int], run_before: RunBefore) -> str:
    """Run ``app`` headless at ``size``, drive it with ``run_before``, export the screen."""

    async def auto_pilot(pilot: Pilot[Any]) -> None:
        await run_before(pilot)
        _steady_cursors(pilot.app)
        pilot.app.exit(await _steady_picture(pilot))

    svg = app.run(headless=True, size=size, auto_pilot=auto_pilot)
    assert isinstance(svg, str), "the console stopped before its screenshot"
    return svg


@pytest.fixture
def snap_compare(
    snapshot: SnapshotAssertion, request: pytest.FixtureRequest
) -> Callable[..., bool]:
    """``snap_compare(app, terminal_size=..., run_before=...)`` as pytest-textual-snapshot
    spells it: True when the picture matches the stored one (or was just stored)."""
    svg_snapshot = snapshot.use_extension(SVGImageExtension)

    def compare(app: App[Any], *, terminal_size: tuple[int, int], run_before: RunBefore) -> bool:
        svg = take_screenshot(app, terminal_size, run_before)
        if svg_snapshot == svg:
            return True
        failed = request.config.rootpath / FAILED_DIR
        failed.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
        (failed / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(f"the new picture: {failed / name}.svg")
        return False

    return compare


# -- the deterministic demo ---------------------------------------------------------------


@pytest.fixture(scope="session")
def snapshot_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    db = tmp_path_factory.mktemp("snapshot-demo") / DB_NAME
    return db, build_demo(db)


@pytest.fixture
def console_folder(
    snapshot_demo: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh copy of the demo in the working directory, seeded secrets, UTC local time."""
    shutil.copyfile(snapshot_demo[0], tmp_path / DB_NAME)
    monkeypatch.chdir(tmp_path)
    with seeded_secrets(), utc_local_time():
        yield tmp_path


# -- how to reach each picture --------------------------------------------------------------


def _is_dialog(app: App[Any]) -> bool:
    return isinstance(app.screen, ModalScreen)


async def _go(pilot: Pilot[Any], *keys: str, mode: str | None = None) -> None:
    for key in keys:
        await pilot.press(key)
        await settled(pilot)
    if mode is not None:
        assert pilot.app.current_mode == mode


async def _dialog(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` on the screen on view; the last one opens a dialog."""
    depth = len(pilot.app.screen_stack)
    await _go(pilot, *keys)
    await until(lambda: len(pilot.app.screen_stack) > depth and _is_dialog(pilot.app), pilot)
    await settled(pilot)


def screen(mode: str, key: str, *then: str) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        await _go(pilot, key, *then, mode=mode)

    return run


async def _tab(pilot: Pilot[Any], mode: str, key: str, tabs: str, tab: str) -> None:
    """Screen ``mode`` (by its key), then its tab ``tab`` (straight there: stepping with
    ``]`` would load every tab on the way)."""
    await _go(pilot, key, mode=mode)
    pilot.app.screen.query_one(tabs, TabbedContent).active = tab
    await settled(pilot)


def store_tab(tab: str) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        await _tab(pilot, "store", "5", "#store-tabs", f"tab-{tab}")

    return run


async def licenses_pending(pilot: Pilot[Any]) -> None:
    await _tab(pilot, "licenses", "6", "#license-tabs", "tab-pending")


async def dashboard(pilot: Pilot[Any]) -> None:
    await settled(pilot)


async def help_over_tokens(pilot: Pilot[Any]) -> None:
    await _go(pilot, "2", mode="tokens")
    await _go(pilot, "question_mark")


async def token_form(pilot: Pilot[Any]) -> None:
    await _go(pilot, "2", mode="tokens")
    await _dialog(pilot, "g")


async def token_reveal(pilot: Pilot[Any]) -> None:
    await token_form(pilot)
    pilot.app.screen.query_one("#name", Input).value = "Demo plugin"
    form = pilot.app.screen
    form.query_one("#generate", Button).press()  # at 80x24 the button may be off-screen
    await until(lambda: pilot.app.screen is not form and _is_dialog(pilot.app), pilot)
    await settled(pilot)


def on_tokens(*keys: str) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        await _go(pilot, "2", mode="tokens")
        await _dialog(pilot, *keys)

    return run


def on_license(*keys: str) -> RunBefore:
    """The detail of the first license that expires, then ``keys`` (each opening a dialog
    over it)."""

    async def run(pilot: Pilot[Any]) -> None:
        await _go(pilot, "6", mode="licenses")
        licenses = pilot.app.screen.query_one(LicenseList)
        for _ in range(50):
            chosen = licenses.selected()
            if chosen is not None and chosen["expires_at"]:
                break
            await _go(pilot, "down")
        await _dialog(pilot, "enter")
        for key in keys:
            await _dialog(pilot, key)

    return run


def on_order(*keys: str) -> RunBefore:
    """The newest order's detail, then ``keys`` (each opening a dialog over it)."""

    async def run(pilot: Pilot[Any]) -> None:
        await store_tab("orders")(pilot)
        await _dialog(pilot, "enter")
        for key in keys:
            await _dialog(pilot, key)

    return run


async def api_keys_of_the_manager(pilot: Pilot[Any]) -> None:
    """The demo shop manager's API keys and application passwords (one of each used),
    ``K`` on their row of the Users screen."""
    ctx, actor = context_of(pilot.app), actor_of(pilot.app)
    manager = await accounts.find_user(ctx, "manager@shopkeep.test")
    assert manager is not None
    sync = await api_keys.create(ctx, actor, manager.id, "Shop sync [staging]", "read_write")
    await api_keys.create(ctx, actor, manager.id, "Monthly reports", "read")
    ctx.api_key_access.record(sync.info.id, iso(ctx.clock.now()))  # used just now
    await ctx.api_key_access.flush()
    _, password = await accounts.create_app_password(
        ctx, manager.id, "Phone (WooCommerce app)", actor=actor
    )
    await accounts.create_app_password(ctx, manager.id, "Old laptop", actor=actor)
    await accounts.authenticate_app_password(ctx, manager.email, password)
    await _go(pilot, "3", mode="users")
    await _go(pilot, "down")
    await _dialog(pilot, "K")


SCREENS: dict[str, RunBefore] = {
    "dashboard": dashboard,
    "tokens": screen("tokens", "2"),
    "users": screen("users", "3"),
    "routes": screen("routes", "4"),
    "store-products": store_tab("products"),
    "store-categories": store_tab("categories"),
    "store-customers": store_tab("customers"),
    "store-carts": store_tab("carts"),
    "store-orders": store_tab("orders"),
    "store-analytics": store_tab("analytics"),
    "licenses": screen("licenses", "6"),
    "licenses-pending": licenses_pending,
    "audit": screen("audit", "7"),
    "help": help_over_tokens,
}

DIALOGS: dict[str, RunBefore] = {
    "token-generate": token_form,
    "token-reveal": token_reveal,
    "token-detail": on_tokens("enter"),
    "confirm-revoke": on_tokens("d"),
    "license-detail": on_license(),
    "license-activate": on_license("a"),
    "license-extend": on_license("t"),
    "order-detail": on_order(),
    "order-status": on_order("s"),
    "api-keys": api_keys_of_the_manager,
}

CASES = {**SCREENS, **DIALOGS}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", CASES)
def test_console(snap_compare, console_folder: Path, case: str, size: str) -> None:
    app = snapshot_console(console_folder)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=CASES[case])


@pytest.mark.parametrize("size", SIZES)
def test_first_run_demo_notice(
    snap_compare, console_folder: Path, snapshot_demo: tuple[Path, list[str]], size: str
) -> None:
    """The demo's first run: the accounts it made, shown once over the Dashboard."""
    app = snapshot_console(console_folder, notices=snapshot_demo[1])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=dashboard)
