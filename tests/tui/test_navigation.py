"""Navigation you can see, driven as an admin would: the tab strip, the key footers, ``?``,
``[``/``]``, leaving search boxes, keys typed while a screen mounts, palette actions."""

from __future__ import annotations

from textual import events
from textual.command import CommandPalette
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent
from wait_support import settled, until

from tui.app import ConsoleApp
from tui.modals.license_detail import LicenseDetailModal
from tui.modals.license_form import IssueLicenseModal
from tui.modals.user_form import CreateUserModal
from tui.screens.help import HelpScreen
from tui.screens.store.orders import OrderModal, StatusModal
from tui.widgets.nav import NavBar

SCREENS = [
    ("1", "dashboard", "Dashboard"),
    ("2", "tokens", "Tokens"),
    ("3", "users", "Users"),
    ("4", "routes", "Routes"),
    ("5", "store", "Store"),
    ("6", "licenses", "Licenses"),
    ("7", "audit", "Audit"),
]


def footer_keys(screen) -> dict[str, str]:
    """The footer's keys as shown: description -> key."""
    footer = screen.query_one(Footer)
    return {
        key.description: key.key_display
        for key in footer.query("FooterKey")
        if key.description and key.display
    }


def help_rows(app) -> list[tuple[str, str, str]]:
    table = app.screen.query_one("#help-keys", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def keys_at(rows, where: str) -> set[str]:
    return {key for key, _, place in rows if place == where}


def type_at_once(app, *keys: str) -> None:
    """Keys arriving together, as from a fast typist or a paste: none waits for the
    console to finish the one before (``pilot.press`` waits between keys)."""
    chars = {"slash": "/", "escape": None, "enter": "\r"}
    for key in keys:
        event = events.Key(key, chars.get(key, key))
        event.set_sender(app)
        app._driver.send_message(event)


async def test_the_strip_names_every_screen_and_highlights_the_current_one(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        for key, mode, title in SCREENS:
            await pilot.press(key)
            await settled(pilot)
            assert app.current_mode == mode
            nav = app.screen.query_one(NavBar)
            strip = str(nav.query_one("#nav-tabs", Static).render())
            for other_key, _, other_title in SCREENS:
                assert f"{other_key} {other_title}" in strip
            assert nav.current == title
            where = str(nav.query_one("#nav-where", Static).render())
            assert runtime.url in where


async def test_every_screen_footer_shows_its_keys(runtime):
    expected = {
        "dashboard": {"Help", "Quit"},
        "tokens": {"Help", "Generate", "Regenerate", "Revoke", "Filter", "Details"},
        "users": {"Help", "New user", "Change role"},
        "routes": {"Help", "Filter", "Findings"},
        "store": {"Help", "Search", "Details", "Prev tab", "Next tab"},
        "licenses": {"Help", "Details", "Issue", "Activate on domain", "Prev tab", "Next tab"},
        "audit": {"Help", "Details", "Filter", "Clear filters"},
    }
    app = ConsoleApp(runtime)
    async with app.run_test(size=(160, 40)) as pilot:
        for key, mode, _ in SCREENS:
            await pilot.press(key)
            await settled(pilot)
            shown = footer_keys(app.screen)
            assert expected[mode] <= set(shown), (mode, shown)
            assert "Prev tab" in shown or mode not in ("store", "licenses")


async def test_help_comes_first_in_a_narrow_footer(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await settled(pilot)
        first = app.screen.query_one(Footer).query("FooterKey").first()
        assert (first.key_display, first.description) == ("?", "Help")


async def test_a_dialog_has_a_footer_and_answers_help_and_escape(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await until(lambda: app.screen.query_one("#license-table", DataTable).row_count, pilot)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, LicenseDetailModal), pilot)
        await settled(pilot)
        shown = footer_keys(app.screen)
        assert {"Help", "Activate on domain", "Deactivate site", "Extend", "Close"} <= set(shown)

        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        rows = help_rows(app)
        assert {"a", "x", "d", "t", "c", "esc, q"} <= keys_at(rows, "License detail dialog")
        assert {"i", "enter"} <= keys_at(rows, "Licenses tab")
        assert "License detail dialog" in str(app.screen.query_one(".title", Static).render())
        assert "Close" in footer_keys(app.screen)

        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, LicenseDetailModal), pilot)
        await pilot.press("escape")
        await until(lambda: app.screen.id == "licenses", pilot)


async def test_help_lists_every_key_with_human_names(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await settled(pilot)
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        rows = help_rows(app)
        assert {"i", "a", "d", "t", "c", "enter"} <= keys_at(rows, "Licenses tab")
        assert {"a", "n"} <= keys_at(rows, "Pending OAuth tab")
        assert {"/", "ctrl+r", "[", "]"} <= keys_at(rows, "Licenses screen")
        assert {"1", "6", "?, f1", "q", "ctrl+p"} <= keys_at(rows, "everywhere")
        assert {"a", "x"} <= keys_at(rows, "License detail dialog")  # a dialog it opens
        places = {place for _, _, place in rows}
        assert not any(p.endswith(("Screen", "Modal", "List")) for p in places), places
        await pilot.press("escape")
        await settled(pilot)

        await pilot.press("5")
        await settled(pilot)
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        rows = help_rows(app)
        assert "enter" in keys_at(rows, "Products tab") & keys_at(rows, "Orders tab")
        assert {"s", "n"} <= keys_at(rows, "Order dialog")
        assert {"/", "[", "]"} <= keys_at(rows, "Store screen")
        await pilot.press("escape")
        await settled(pilot)

        await pilot.press("1")
        await settled(pilot)
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        assert "[" not in {key for key, _, _ in help_rows(app)}  # no tabs on the Dashboard


async def test_brackets_switch_tabs_on_licenses_and_store(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await settled(pilot)
        tabs = app.screen.query_one("#license-tabs", TabbedContent)
        await pilot.press("right_square_bracket")
        await settled(pilot)
        assert tabs.active == "tab-pending"
        assert app.focused is app.screen.query_one("#pending-table")
        await pilot.press("left_square_bracket")
        await settled(pilot)
        assert tabs.active == "tab-licenses"
        assert app.focused is app.screen.query_one("#license-table")

        await pilot.press("5", "right_square_bracket")
        await settled(pilot)
        assert app.screen.query_one("#store-tabs", TabbedContent).active == "tab-categories"


async def test_search_boxes_do_not_trap_the_focus(runtime):
    app = ConsoleApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "slash")
        await settled(pilot)
        search = app.screen.query_one("#store-products .tab-search", Input)
        assert app.focused is search
        await pilot.press("h", "5", "q", "left_square_bracket")
        await settled(pilot)
        assert search.value == "h5q["  # typed, not a screen switch, quit or tab switch
        assert app.current_mode == "store"
        await pilot.press("escape")
        await settled(pilot)
        assert app.focused is app.screen.query_one("#store-products .tab-table")
        await pilot.press("4")  # on the table a digit is a key again
        await settled(pilot)
        assert app.current_mode == "routes"

        await pilot.press("slash", "x", "enter")
        await settled(pilot)
        assert app.screen.query_one("#route-filter", Input).value == "x"
        assert app.focused is app.screen.query_one("#route-table")
        await pilot.press("2", "slash", "escape")
        await settled(pilot)
        assert app.focused is app.screen.query_one("#token-table")


async def test_keys_typed_right_after_a_switch_reach_the_new_screen(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        type_at_once(app, "6", "slash", "a", "b")  # Licenses, never visited yet
        await settled(pilot)
        assert app.current_mode == "licenses"
        search = app.screen.query_one("#license-search", Input)
        assert app.focused is search and search.value == "ab"

        type_at_once(app, "escape", "5", "slash", "h", "o")
        await settled(pilot)
        assert app.current_mode == "store"
        assert app.screen.query_one("#store-products .tab-search", Input).value == "ho"
        assert search.value == "ab"  # nothing leaked into the other screen's box


async def run_from_palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await until(lambda: isinstance(pilot.app.screen, CommandPalette), pilot)
    await pilot.press(*text)
    await settled(pilot)
    await pilot.press("enter")


async def test_palette_runs_actions_on_their_screens(demo_runtime):
    app = ConsoleApp(demo_runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_from_palette(pilot, "Issue a license")
        await until(lambda: isinstance(app.screen, IssueLicenseModal), pilot)
        assert app.current_mode == "licenses"
        await pilot.press("escape")
        await settled(pilot)

        await run_from_palette(pilot, "Create a user")
        await until(lambda: isinstance(app.screen, CreateUserModal), pilot)
        assert app.current_mode == "users"
        await pilot.press("escape")
        await settled(pilot)

        await run_from_palette(pilot, "Change an order's status")
        await until(lambda: isinstance(app.screen, StatusModal), pilot)
        assert app.current_mode == "store"
        assert app.screen_stack[0].query_one("#store-tabs", TabbedContent).active == "tab-orders"
        assert isinstance(app.screen_stack[-2], OrderModal)
        await pilot.press("escape", "escape")
        await settled(pilot)
        assert app.screen.id == "store"
