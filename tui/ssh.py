"""The console over SSH: a Textual driver bound to one SSH session, and the factory the
SSH server calls for each terminal session (``service.ssh``).

The driver plays the part ``LinuxDriver`` plays for a local terminal, without threads
or termios: asyncssh hands it the client's bytes in the event loop (parsed by Textual's
own ``XTermParser``) and its window changes; it writes the screen back to the channel.
"""

from __future__ import annotations

import asyncio
import codecs
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console as RichConsole
from textual import events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message

from tui.app import ConsoleApp

if TYPE_CHECKING:
    from textual.app import App

    from service.app.runtime import Runtime
    from service.ssh.session import ConsoleFactory, Terminal

ESCAPE_TIMEOUT_S = 0.1  # a lone ESC is the Escape key once nothing follows it this long
START = (
    "\x1b[?1049h"  # alternate screen
    "\x1b[?1000h\x1b[?1003h\x1b[?1015h\x1b[?1006h"  # mouse, SGR coordinates
    "\x1b[?25l"  # hide the cursor
    "\x1b[?1004h"  # focus in/out
    "\x1b[?2004h"  # bracketed paste
    "\x1b[?7l"  # no line wrap
)
STOP = (
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[?1004l\x1b[?1049l\x1b[?25h"
)


class ChannelDriver(Driver):
    """Drives one app over one SSH session; see :func:`bound_driver`."""

    terminal: ClassVar[Terminal]

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._parser = XTermParser(debug)
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self._tick: asyncio.TimerHandle | None = None
        self._started = False

    def write(self, data: str) -> None:
        self.terminal.write(data)

    def start_application_mode(self) -> None:
        self._started = True
        self.write(START)
        self.terminal.listen(self._on_input, self._on_resize)
        self._on_resize(*self.terminal.size)

    def disable_input(self) -> None:
        self.terminal.unlisten()
        if self._tick is not None:
            self._tick.cancel()

    def stop_application_mode(self) -> None:
        self.disable_input()
        if self._started:
            self.write(STOP)

    def send_message(self, message: Message) -> None:
        # Called in the event loop's thread (asyncssh's callbacks), so post directly.
        self._app.post_message(message)

    def _on_input(self, data: bytes) -> None:
        for event in self._parser.feed(self._decode(data)):
            self.process_message(event)
        if self._tick is not None:
            self._tick.cancel()
        self._tick = self._loop.call_later(ESCAPE_TIMEOUT_S, self._on_tick)

    def _on_tick(self) -> None:
        self._tick = None
        for event in self._parser.tick():
            self.process_message(event)

    def _on_resize(self, width: int, height: int) -> None:
        size = Size(width, height)
        self.send_message(events.Resize(size, size))


def bound_driver(terminal: Terminal) -> type[ChannelDriver]:
    """A driver class for one session: Textual makes the driver from the class."""
    return type("SessionDriver", (ChannelDriver,), {"terminal": terminal})


def color_system(term_type: str, environment: dict[str, str]) -> str | None:
    """What the client's terminal shows, from its TERM (and COLORTERM, when sent)."""
    if environment.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    if term_type in ("dumb", "unknown"):
        return None
    return "256" if "256" in term_type or "direct" in term_type else "standard"


def console_factory(runtime: Runtime) -> ConsoleFactory:
    """Each SSH terminal session gets its own console app over the shared runtime."""

    def make(terminal: Terminal) -> ConsoleApp:
        app = ConsoleApp(
            runtime,
            actor=terminal.user,
            face="ssh",
            address=terminal.peer,
            driver_class=bound_driver(terminal),
        )
        console = app.console
        app.console = RichConsole(
            color_system=color_system(terminal.term_type, terminal.environment()),  # type: ignore[arg-type]
            file=console.file,
            markup=True,
            highlight=False,
            emoji=False,
            legacy_windows=False,
            force_terminal=True,
            safe_box=False,
            soft_wrap=False,
            _environ={"TERM": terminal.term_type},
        )
        return app

    return make
