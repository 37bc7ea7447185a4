"""One SSH session channel: a console in a terminal, or a clear refusal.

A session that asked for a PTY and a shell (what ``ssh -p 2222 you@example.com@host``
does) gets a console app from the registered factory; the app's driver reads the
keys and the size from this session (the :class:`Terminal` side) and writes the
screen to it. Commands (``exec``), subsystems (SFTP) and a shell without a terminal
are answered with one line on stderr and exit status 1.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import asyncssh

if TYPE_CHECKING:
    from service.accounts.users import User
    from service.ssh.server import SshService

log = logging.getLogger("shopkeep.ssh")

# A client that stops reading while its console keeps drawing is closed past this much
# unsent output, so one stuck terminal cannot hold memory without bound.
MAX_UNSENT_BYTES = 8 * 1024 * 1024
DEFAULT_SIZE = (80, 24)

InputListener = Callable[[bytes], None]
ResizeListener = Callable[[int, int], None]


class Terminal(Protocol):
    """What a console's driver sees of its SSH session."""

    user: User
    peer: str  # the client's IP (no port), as the audit log records it
    term_type: str
    size: tuple[int, int]

    def environment(self) -> dict[str, str]: ...
    def write(self, text: str) -> None: ...
    def listen(self, on_input: InputListener, on_resize: ResizeListener) -> None: ...
    def unlisten(self) -> None: ...


class Console(Protocol):
    """A console app as the server drives it (a Textual ``App`` is one)."""

    signed_out: str  # why the console ended itself (shown to the client), or ""

    async def run_async(self) -> object: ...
    def exit(self) -> None: ...


ConsoleFactory = Callable[[Terminal], Console]


class ConsoleSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, service: SshService, user: User, peer: str) -> None:
        self.service = service
        self.user = user
        self.peer = peer
        self.term_type = ""
        self.size = DEFAULT_SIZE
        self.request = ""  # "shell", "exec" or "subsystem NAME"
        self.task: asyncio.Task[None] | None = None
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._console: Console | None = None
        self._on_input: InputListener | None = None
        self._on_resize: ResizeListener | None = None
        self._early_input: list[bytes] = []
        self._closed = False
        self._farewell = ""
        self._idle: asyncio.TimerHandle | None = None
        self._last_input = 0.0

    # -- asyncssh's side -----------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        self.term_type = term_type or "xterm"
        self._set_size(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        self.request = "shell"
        return True

    def exec_requested(self, command: str) -> bool:
        self.request = "exec"
        return True  # accepted only to say clearly why nothing runs (session_started)

    def subsystem_requested(self, subsystem: str) -> bool:
        self.request = f"subsystem {subsystem}"
        return True

    def session_started(self) -> None:
        refusal = self._refusal()
        if refusal:
            log.info("ssh %s from %s refused: %s", self.user.email, self.peer, refusal)
            self._refuse(refusal)
            return
        full = self.service.admit(self)
        if full:
            self._refuse(full)
            return
        self._console = self.service.console(self)
        self._last_input = asyncio.get_running_loop().time()
        self._arm_idle_timer()
        self.task = asyncio.create_task(self._run(self._console), name=f"ssh console {self.peer}")

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_input = asyncio.get_running_loop().time()
        if self._on_input is not None:
            self._on_input(data)
        else:
            self._early_input.append(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._set_size(width, height)
        if self._on_resize is not None:
            self._on_resize(*self.size)

    def eof_received(self) -> bool:
        return False  # the client closed its side: close the channel

    def pause_writing(self) -> None:
        if self._chan is not None and self._chan.get_write_buffer_size() > MAX_UNSENT_BYTES:
            log.warning("ssh %s from %s stopped reading; closing", self.user.email, self.peer)
            self.stop()
            self._chan.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self.stop()

    # -- the console's side (Terminal) ---------------------------------------------------
    def environment(self) -> dict[str, str]:
        return dict(self._chan.get_environment()) if self._chan is not None else {}

    def write(self, text: str) -> None:
        if self._closed or self._chan is None or self._chan.is_closing():
            return
        self._chan.write(text.encode("utf-8", "replace"))

    def listen(self, on_input: InputListener, on_resize: ResizeListener) -> None:
        self._on_input, self._on_resize = on_input, on_resize
        early, self._early_input = self._early_input, []
        for data in early:
            on_input(data)

    def unlisten(self) -> None:
        self._on_input = self._on_resize = None

    # -- the session's life --------------------------------------------------------------
    def stop(self, farewell: str = "") -> None:
        """End the console (the channel closes when it has stopped)."""
        self._farewell = self._farewell or farewell
        if self._idle is not None:
            self._idle.cancel()
        if self._console is not None:
            self._console.exit()

    async def _run(self, console: Console) -> None:
        try:
            await console.run_async()
            self._farewell = self._farewell or console.signed_out
        except Exception:
            log.exception("ssh console of %s from %s crashed", self.user.email, self.peer)
        finally:
            self.unlisten()
            if self._idle is not None:
                self._idle.cancel()
            self.service.release(self)
            if self._chan is not None and not self._chan.is_closing():
                if self._farewell:
                    self._chan.write(f"\r\n{self._farewell}\r\n".encode())
                self._chan.exit(0)
            log.info("ssh console of %s from %s ended", self.user.email, self.peer)

    def _refusal(self) -> str:
        how = self.service.how_to_connect(self.user.email)
        if self.request == "exec":
            return f"Shopkeep's SSH server runs no commands, only the admin console: {how}"
        if self.request.startswith("subsystem"):
            name = self.request.split(" ", 1)[1]
            return (
                f"Shopkeep's SSH server offers no {name} (no file transfer), only the admin "
                f"console: {how}"
            )
        if self.request != "shell":
            return f"Shopkeep's SSH server offers only the admin console: {how}"
        if not self.term_type:
            return f"The console needs a terminal; ask for one with -t: {how}"
        return ""

    def _refuse(self, message: str) -> None:
        assert self._chan is not None
        self._chan.write_stderr(f"shopkeep: {message}\r\n".encode())
        self._chan.exit(1)

    def _set_size(self, width: int, height: int) -> None:
        self.size = (width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1])

    def _arm_idle_timer(self) -> None:
        timeout = self.service.settings.ssh_idle_timeout_s
        if timeout <= 0 or self._closed:
            return
        loop = asyncio.get_running_loop()
        wait = self._last_input + timeout - loop.time()
        if wait > 0:
            self._idle = loop.call_later(wait, self._arm_idle_timer)
            return
        minutes = timeout / 60
        shown = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        log.info("ssh console of %s from %s idle; closing", self.user.email, self.peer)
        self.stop(f"shopkeep: disconnected after {shown} without a key press.")
