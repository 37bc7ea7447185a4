"""A failure inside the console is reported, not fatal.

Textual's default for an exception in a handler is to stop that widget's message
loop and exit the app, which here would take the API down with it. The console's
screens, modals and tab widgets mix in ``Guarded``: an exception in one of their
handlers or timers is logged with its traceback and shown as an error
notification, and the widget goes on handling messages. Workers are reported by
``ConsoleApp._handle_exception``.
"""

from __future__ import annotations

import inspect
import logging
import time
from typing import TYPE_CHECKING, Any

from textual.message_pump import MessagePump

from tui.text import visible

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message
    from textual.timer import Timer, TimerCallback

log = logging.getLogger("shopkeep.console")

REPEAT_QUIET_S = 10.0  # the same failure is notified again only after this long
_last_notified: dict[str, float] = {}


def summary(error: BaseException) -> str:
    """One line naming the error, safe for a terminal and a notification."""
    text = str(error)
    return visible(f"{type(error).__name__}: {text}" if text else type(error).__name__, limit=300)


def report(app: App[Any], error: BaseException, where: str) -> None:
    """Log ``error`` with its traceback and show it as an error notification."""
    log.error("console error in %s", visible(where), exc_info=error)
    line = summary(error)
    now = time.monotonic()
    if now - _last_notified.get(line, -REPEAT_QUIET_S) < REPEAT_QUIET_S:
        return
    _last_notified[line] = now
    app.notify(
        f"{line}\nThe console keeps running; the traceback is in the log file.",
        title="Something went wrong",
        severity="error",
        timeout=10,
    )


class Guarded(MessagePump):
    """Mixin for a Textual screen, widget or app (put it first among the bases)."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            report(self.app, error, f"{type(self).__name__}.{message.handler_name}")

    def set_interval(
        self,
        interval: float,
        callback: TimerCallback | None = None,
        *,
        name: str | None = None,
        repeat: int = 0,
        pause: bool = False,
    ) -> Timer:
        guarded = self._guard(callback)
        return super().set_interval(interval, guarded, name=name, repeat=repeat, pause=pause)

    def set_timer(
        self,
        delay: float,
        callback: TimerCallback | None = None,
        *,
        name: str | None = None,
        pause: bool = False,
    ) -> Timer:
        return super().set_timer(delay, self._guard(callback), name=name, pause=pause)

    def _guard(self, callback: TimerCallback | None) -> TimerCallback | None:
        if callback is None:
            return None

        async def guarded() -> None:
            try:
                result = callback()
                if inspect.isawaitable(result):
                    await result
            except Exception as error:
                report(self.app, error, f"{type(self).__name__} timer")

        return guarded
