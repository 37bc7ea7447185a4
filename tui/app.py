"""The admin console: one Textual app per terminal, over the shared Runtime."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui.screens import SCREENS
from tui.screens.help import HelpScreen

if TYPE_CHECKING:
    from service.app.runtime import Runtime


class ConsoleApp(App[None]):
    TITLE = "Shopkeep"
    CSS_PATH = "app.tcss"
    MODES = {spec.id: spec.factory for spec in SCREENS}
    DEFAULT_MODE = SCREENS[0].id
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        *(
            Binding(
                spec.key,
                f"switch_mode('{spec.id}')",
                spec.title,
                show=False,
                id=f"app.screen.{spec.id}",
            )
            for spec in SCREENS
        ),
    ]

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
        where = runtime.url or "API not served here (--no-api)"
        self.sub_title = f"{where} · {runtime.settings.db}"

    def on_mount(self) -> None:
        if self.runtime.notices:
            self.notify(
                "\n".join(self.runtime.notices), title="Demo accounts (shown once)", timeout=120
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for spec in SCREENS:
            yield SystemCommand(
                f"Go to {spec.title}", spec.description, partial(self.switch_mode, spec.id)
            )
        yield SystemCommand("Help: keys", "List every key binding", self.action_help)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.key_rows()))

    def key_rows(self) -> list[tuple[str, str, str]]:
        rows = [(spec.key, f"Go to {spec.title}", "anywhere") for spec in SCREENS]
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.show:
                rows.append((binding.key_display or binding.key, binding.description, "anywhere"))
        rows.append(("ctrl+p", "Command palette", "anywhere"))
        for binding in getattr(self.screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                key = binding.key_display or binding.key
                rows.append((key, binding.description, type(self.screen).__name__))
        return rows
