"""Live data: the Context's change signal (``service/common/changes.py``) delivered to
the screens on view as ``DataChanged``, and another process's writes picked up by
polling SQLite's data_version once a second while the console runs.

Deliveries are coalesced: the first change after a quiet second is shown at once
(after ``COALESCE_S``, so a burst of commits is one refresh), later ones at most once
per ``MIN_INTERVAL_S``, so a busy API costs the console a bounded amount of work.
Screens in other modes reload when they are shown again (``on_screen_resume``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App
from textual.timer import Timer

from service.common.changes import Changes
from tui.messages import DataChanged

POLL_S = 1.0
COALESCE_S = 0.05
MIN_INTERVAL_S = 1.0


class LiveData:
    def __init__(
        self,
        app: App[Any],
        changes: Changes,
        *,
        first: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """``first`` runs before each delivery (the console rereads who is signed in,
        so the screens reload with their current rights); when it returns False the
        delivery is dropped (the console is ending)."""
        self.app = app
        self.changes = changes
        self._first = first
        self.delivered = 0  # how many DataChanged rounds were sent (for tests)
        self._pending = False
        self._last = -MIN_INTERVAL_S
        self._unsubscribe: Callable[[], None] | None = None
        self._poller: Timer | None = None

    def start(self) -> None:
        self._unsubscribe = self.changes.subscribe(self._changed)
        self._poller = self.app.set_interval(POLL_S, self.changes.poll)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._poller is not None:
            self._poller.stop()
            self._poller = None

    def _changed(self) -> None:
        """Runs in whichever task committed (an API request's): only post to the app."""
        if self._pending or self._unsubscribe is None or not self.app.is_running:
            return
        self._pending = True
        self.app.call_later(self._schedule)

    def _schedule(self) -> None:
        delay = max(COALESCE_S, self._last + MIN_INTERVAL_S - time.monotonic())
        self.app.set_timer(delay, self._deliver)

    async def _deliver(self) -> None:
        self._pending = False
        self._last = time.monotonic()
        if self._first is not None and not await self._first():
            return
        self.delivered += 1
        for screen in self.app.screen_stack:
            screen.post_message(DataChanged())
