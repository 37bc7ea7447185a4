"""Failed token authentications, counted per client IP in memory.

Guessing a 200-bit token is hopeless, but a client that keeps sending bad tokens
costs a lookup each time and is usually a misconfigured plugin in a retry loop or a
scanner. After ``limit`` failures within ``window_s`` the address is refused with a
429 until the window has passed. Successful requests are never counted.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from service.common.errors import ServiceError

if TYPE_CHECKING:
    from service.app.context import Context

EXTRAS_KEY = "token_auth_failures"
FAILURE_LIMIT = 30
WINDOW_S = 60.0
MAX_TRACKED = 10_000


class FailureThrottle:
    def __init__(
        self,
        limit: int = FAILURE_LIMIT,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        horizon = self._clock() - self.window_s
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def check(self, key: str | None) -> None:
        """Raise a 429 when ``key`` has failed too often lately."""
        times = self._recent(key or "")
        if times is not None and len(times) >= self.limit:
            retry = max(1, int(times[0] + self.window_s - self._clock()) + 1)
            raise ServiceError(
                "throttled",
                f"Too many failed authentication attempts. Try again in {retry} seconds.",
                429,
                headers={"Retry-After": str(retry)},
            )

    def fail(self, key: str | None) -> None:
        key = key or ""
        times = self._recent(key)
        if times is None:
            if len(self._failures) >= MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))
            times = self._failures[key] = deque()
        times.append(self._clock())
        if len(times) > self.limit:
            times.popleft()


def failures(ctx: Context) -> FailureThrottle:
    current = ctx.extras.get(EXTRAS_KEY)
    if current is None:
        current = ctx.extras[EXTRAS_KEY] = FailureThrottle()
    return current
