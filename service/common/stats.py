"""Live request statistics for the console.

The request path only appends to this aggregate (O(1), no I/O). Subscribers are
told that something changed at most once a second, coalesced, so a busy API costs
the console one redraw a second (a redraw of the Dashboard's request table takes
about 20 ms) and an idle one costs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

HISTORY = 50
WINDOW_S = 60
NOTIFY_INTERVAL_S = 1.0


class RequestRecord(NamedTuple):
    """One request as the Dashboard lists it (a named tuple: built on every request,
    it costs a fifth of a frozen dataclass)."""

    seq: int
    at: float
    method: str
    path: str
    status: int
    ms: float


class RequestStats:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.started_at = clock()
        self.total = 0
        self.version = 0
        self.recent: deque[RequestRecord] = deque(maxlen=HISTORY)
        self._buckets = [0] * WINDOW_S
        self._bucket_second = [0] * WINDOW_S
        self._subscribers: list[Callable[[], object]] = []  # results are ignored
        self._notify_pending = False

    def record(self, method: str, path: str, status: int, ms: float) -> None:
        now = self._clock()
        self.total += 1
        self.version += 1
        self.recent.append(RequestRecord(self.version, now, method, path, status, ms))
        second = int(now)
        slot = second % WINDOW_S
        if self._bucket_second[slot] != second:
            self._bucket_second[slot] = second
            self._buckets[slot] = 0
        self._buckets[slot] += 1
        if self._subscribers and not self._notify_pending:
            self._notify_pending = True
            try:
                asyncio.get_running_loop().call_later(NOTIFY_INTERVAL_S, self._notify)
            except RuntimeError:
                self._notify()

    def per_second(self) -> list[int]:
        """Requests in each of the last 60 whole seconds, oldest first."""
        now = int(self._clock())
        series = []
        for second in range(now - WINDOW_S + 1, now + 1):
            slot = second % WINDOW_S
            series.append(self._buckets[slot] if self._bucket_second[slot] == second else 0)
        return series

    def uptime(self) -> float:
        return self._clock() - self.started_at

    def subscribe(self, callback: Callable[[], object]) -> Callable[[], None]:
        """Call ``callback`` (coalesced) after new requests; returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _notify(self) -> None:
        self._notify_pending = False
        for callback in list(self._subscribers):
            callback()
