"""The admin console: one Textual app per terminal, over the shared Runtime."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui.failures import Guarded, log, report, summary
from tui.host import RuntimeApp
from tui.screens import SCREENS
from tui.screens.help import HelpScreen
from tui.text import BLOCK_LIMIT, visible

if TYPE_CHECKING:
    from textual.driver import Driver

    from service.accounts.users import User
    from service.app.runtime import Runtime


class ConsoleApp(Guarded, RuntimeApp):
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

    def __init__(
        self,
        runtime: Runtime,
        *,
        user: User | None = None,
        driver_class: type[Driver] | None = None,
    ) -> None:
        super().__init__(runtime, driver_class)
        self.fatal_error: BaseException | None = None
        # who signed in over SSH (tui/ssh.py); None on the local terminal
        self.user = user
        where = runtime.url or "API not served here (--no-api)"
        self.sub_title = visible(
            f"signed in as {user.email} · {where}" if user else f"{where} · {runtime.settings.db}"
        )

    def on_mount(self) -> None:
        if self.user is not None:
            return
        if self.runtime.notices:
            self.notify(
                "\n".join(self.runtime.notices), title="Demo accounts (shown once)", timeout=120
            )
        if self.runtime.ssh_notice:
            self.notify(self.runtime.ssh_notice, title="Console over SSH", timeout=60)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is shown as text: messages often carry data (a name, an
        error from the store), so markup is never parsed, whatever ``markup`` says."""
        super().notify(
            visible(message, multiline=True, limit=BLOCK_LIMIT),
            title=visible(title, limit=200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _handle_exception(self, error: Exception) -> None:
        """Textual calls this for any exception nothing else handled, and would exit.
        A failed worker is reported and the console goes on; anything else (rendering,
        Textual's own widgets) stops the console with exit status 1, the traceback in
        the log file and one line on the terminal (see ``run.py``), not a Rich traceback."""
        if isinstance(error, WorkerFailed) and not self._exit:
            report(self, error.error, "worker")
            return
        if self.fatal_error is None:
            self.fatal_error = error
            log.critical("console stopped: %s", summary(error), exc_info=error)
        super()._handle_exception(error)
        self._exit_renderables.clear()

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
