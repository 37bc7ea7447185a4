"""One signal that stored data changed, for views that must stay current (the console).

Two sources feed it:

- this process: the store calls ``bump`` after each committed write transaction, so
  a change made through the API in the same process is known at once;
- other processes (``console --no-api`` beside ``serve``, ``run.py users``): ``poll``
  reads SQLite's ``PRAGMA data_version`` on the reader connection, which moves when
  any other connection commits. The console polls it once a second while it runs.

A write in this process moves ``data_version`` too (the writer is another
connection), so the next poll bumps once more: at most one extra, coalesced refresh.
Listeners run synchronously right after a commit; they must only schedule work.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("shopkeep.changes")

Listener = Callable[[], object]


class Changes:
    def __init__(self, read_version: Callable[[], Awaitable[int]] | None = None) -> None:
        self.version = 0  # bumped on every change seen, from either source
        self._read_version = read_version
        self._seen: int | None = None
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener()`` after every change; returns the unsubscribe function."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def bump(self) -> None:
        self.version += 1
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # the write is committed: a listener cannot undo it
                log.exception("change listener failed")

    async def poll(self) -> bool:
        """Bump if another connection committed since the last poll; the first poll
        only takes the starting point."""
        if self._read_version is None:
            return False
        current = await self._read_version()
        changed = self._seen is not None and current != self._seen
        self._seen = current
        if changed:
            self.bump()
        return changed
