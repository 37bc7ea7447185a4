"""The command palette's actions: each goes to its screen (and tab) and runs the same
action its key runs there, so "Issue a license" is ``6`` then ``i``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from tui.screens.base import ConsoleScreen, ScreenCommand

if TYPE_CHECKING:
    from textual.app import App


def screen_commands(
    modes: list[tuple[str, str, object]],
) -> list[tuple[str, str, ScreenCommand]]:
    """(mode, screen title, command) for every screen's PALETTE."""
    found = []
    for mode, title, factory in modes:
        for command in getattr(factory, "PALETTE", ()):
            found.append((mode, title, command))
    return found


async def run_command(app: App[object], mode: str, command: ScreenCommand) -> None:
    await app.switch_mode(mode)
    screen = app.screen
    target: Widget = screen.query_one(command.target) if command.target else screen
    for node in target.ancestors_with_self:
        if isinstance(node, TabPane) and node.id:
            tabs = next(a for a in node.ancestors if isinstance(a, TabbedContent))
            tabs.active = node.id
    if isinstance(screen, ConsoleScreen):
        screen.focus_home(target if command.target else None)
    if command.action:
        await loaded(target)
        await target.run_action(command.action)


async def loaded(target: Widget) -> None:
    """Fresh rows in ``target`` (a list or a tab with a ``reload`` worker) before an
    action on "the selected row": a first visit may not have loaded them yet. A load
    cancelled by a newer one (the tab's own, once shown) is followed by that one."""
    reload = getattr(target, "reload", None)
    if callable(reload):
        reload()
    while running := [
        w
        for w in target.app.workers
        if w.node is target and w.name == "reload" and not w.is_finished
    ]:
        with suppress(Exception):  # cancelled, or failed (the app reports that)
            await running[0].wait()


class ScreenActions(Provider):
    """Every screen's PALETTE, from the console app's ``screen_modes()``."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        modes: list[tuple[str, str, object]] = getattr(app, "screen_modes", list)()
        entries: list[tuple[str, str, Callable[[], object]]] = []
        for mode, title, command in screen_commands(modes):
            run = partial(self._start, mode, command)
            entries.append((command.title, f"{title}: {command.help}", run))
        return entries

    def _start(self, mode: str, command: ScreenCommand) -> None:
        self.app.run_worker(run_command(self.app, mode, command), group="palette")

    async def discover(self) -> Hits:
        for title, help_text, run in self._entries():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
