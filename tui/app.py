"""The admin console: one Textual app per terminal, over the shared Runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import WorkerFailed

from service.accounts import ssh_keys
from service.accounts.users import User
from service.audit.origin import Face, Origin, acting
from tui.commands import ScreenActions
from tui.failures import Guarded, log, report, summary
from tui.host import RuntimeApp, context_of
from tui.live import LiveData
from tui.modals.demo_accounts import DemoAccountsModal
from tui.screens import SCREENS
from tui.screens.base import ConsoleScreen
from tui.screens.help import HelpScreen
from tui.text import BLOCK_LIMIT, visible
from tui.widgets.keys import KeyRow, place_name, rows_for

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.pilot import Pilot

    from service.accounts.actors import Actor
    from service.app.runtime import Runtime


class ConsoleApp(Guarded, RuntimeApp):
    TITLE = "Shopkeep"
    CSS_PATH = "app.tcss"
    MODES = {spec.id: spec.factory for spec in SCREENS}
    # Classes on every screen for its size (app.tcss): dialogs take the whole of a small one.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    DEFAULT_MODE = SCREENS[0].id
    NAV = [(spec.key, spec.title, spec.id) for spec in SCREENS]
    COMMANDS = RuntimeApp.COMMANDS | {ScreenActions}
    BINDINGS = [
        *(
            Binding(
                spec.key,
                f"switch_mode('{spec.id}')",
                f"Go to {spec.title}",
                show=False,
                id=f"app.screen.{spec.id}",
                priority=True,  # handled on arrival: the keys after it reach the new screen
            )
            for spec in SCREENS
        ),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        # Enter in a screen's search box: back to its table (a dialog's form submits)
        Binding("enter", "leave_search", show=False, priority=True, id="app.leave_search"),
    ]

    def __init__(
        self,
        runtime: Runtime,
        *,
        actor: Actor | None = None,
        face: Face = "console",
        address: str | None = None,
        driver_class: type[Driver] | None = None,
    ) -> None:
        super().__init__(runtime, driver_class, actor=actor)
        self.fatal_error: BaseException | None = None
        # the account signed in (over SSH, or `console --as`); None for the local operator
        self.user = self.actor if isinstance(self.actor, User) else None
        # why the console ended itself: the account may no longer hold one ("" otherwise)
        self.signed_out = ""
        # who, through which face and from where, for every audit entry this console writes
        self.origin = Origin(face, address, self.actor.audit_identity())
        self._show_who()

    def _show_who(self) -> None:
        where = self.runtime.url or "API not served here (--no-api)"
        self.sub_title = visible(
            f"{signed_in(self.user)} · {where}"
            if self.user
            else f"{where} · {self.runtime.settings.db}"
        )

    async def reread_user(self) -> bool:
        """Stored data changed: act for the signed-in account as it is now (a new role's
        rights, a new name), or end this console when they may no longer hold one
        (deleted, deactivated, no longer staff). False when the console is ending."""
        if self.user is None:
            return True
        now, why = await ssh_keys.console_user_now(context_of(self), self.user)
        if now is None:
            log.info("console of %s ended: %s", self.user.email, why)
            self.signed_out = f"shopkeep: signed out: {why}."
            self.exit()
            return False
        if now != self.user:
            self.user = self.actor = now
            self._show_who()
        return True

    async def run_async(self, *args: Any, **kwargs: Any) -> Any:
        """Run as this console's origin: Textual starts its message pumps and workers as
        tasks from here, and each inherits it, so every write is attributed."""
        with acting(self.origin):
            return await super().run_async(*args, **kwargs)

    @asynccontextmanager
    async def run_test(self, *args: Any, **kwargs: Any) -> AsyncIterator[Pilot[None]]:
        """The same under the Pilot (``run_test`` starts the app's task itself)."""
        with acting(self.origin):
            async with super().run_test(*args, **kwargs) as pilot:
                yield pilot

    def on_mount(self) -> None:
        self.live = LiveData(self, context_of(self).changes, first=self.reread_user)
        self.live.start()
        if self.user is not None:
            return
        if self.runtime.notices:
            self.push_screen(DemoAccountsModal(list(self.runtime.notices)))
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_search":
            return isinstance(self.screen, ConsoleScreen) and isinstance(self.focused, Input)
        # a digit in a dialog is not a screen switch
        return not (action == "switch_mode" and isinstance(self.screen, ModalScreen))

    def action_leave_search(self) -> None:
        if isinstance(self.screen, ConsoleScreen):
            self.screen.action_leave_search()

    def screen_modes(self) -> list[tuple[str, str, object]]:
        """(mode, title, screen class) of every top-level screen (the palette's actions)."""
        return [(spec.id, spec.title, spec.factory) for spec in SCREENS]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows, title = self.key_rows()
        self.push_screen(HelpScreen(rows, title))

    def key_rows(self) -> tuple[list[KeyRow], str]:
        """Every key that works now, the open dialog's first, then the screen's (its
        tabs and the dialogs it opens), then the ones that work everywhere; and a title
        naming where ``?`` was pressed."""
        base = self.screen_stack[0]
        dialog = self.screen if self.screen is not base else None
        rows: list[KeyRow] = []
        if dialog is not None:
            rows += rows_for(dialog)
            rows += _parts(dialog)
        rows += rows_for(base)
        rows += _parts(base)
        shown = {type(dialog)} if dialog is not None else set()
        for dialog_class in getattr(base, "HELP_DIALOGS", ()):
            if dialog_class not in shown:
                rows += rows_for(dialog_class)
        rows += [KeyRow(key, does, "everywhere") for key, does in self.everywhere()]
        title = f"Keys: {place_name(base)}"
        if dialog is not None:
            title += f", {place_name(dialog)}"
        return rows, title

    def everywhere(self) -> list[tuple[str, str]]:
        keys = [(spec.key, f"Go to {spec.title}") for spec in SCREENS]
        keys += [
            ("?, f1", "Help: this list of keys (in a dialog too)"),
            ("q", "Quit"),
            ("ctrl+p", "Command palette: go anywhere, run an action"),
            ("esc", "Leave a search box for its table; close a dialog"),
            ("tab, shift+tab", "Next / previous field"),
        ]
        return keys


def signed_in(user: User) -> str:
    """The header's words for who is signed in: name, email and role."""
    role = user.role.replace("_", " ")
    who = f"{user.display_name}, {role}" if user.display_name else role
    return f"signed in as {user.email} ({who})"


def _parts(screen: Screen) -> list[KeyRow]:
    """The keys of the widgets inside ``screen`` that declare their own (a tab, a list)."""
    rows: list[KeyRow] = []
    seen: set[type] = set()
    for widget in screen.query("*"):
        cls = type(widget)
        if (
            cls in seen
            or isinstance(widget, ConsoleScreen)
            or not cls.__module__.startswith("tui.")
        ):
            continue
        seen.add(cls)
        rows += rows_for(widget)
    return rows
