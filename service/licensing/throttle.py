"""Rate limits of the public license routes, per client IP and per license key.

The key is the only credential of ``/licenses/validate|activate|deactivate``, so
these routes are where keys would be guessed and where a plugin stuck in a retry
loop lands. Every admitted request counts (not only failures, as in
service.common.throttle: a valid key hammered by a broken client is worth slowing too).
Both windows slide; a refused request is not counted, so a client that waits
``Retry-After`` seconds is admitted again. In memory, per process, on SQLite (one
process); counted in the database for a deployment of several processes on PostgreSQL
(``SharedLicenseRateLimits``, chosen by ``Context.open``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from service.common.errors import ServiceError
from service.common.shared_throttle import SharedCounts, key_of
from service.common.throttle import SlidingWindow

if TYPE_CHECKING:
    from store.base import Store

PER_IP = 120
PER_KEY = 60
WINDOW_S = 60.0
MAX_TRACKED = 20_000


def rate_limited(retry: int, scope: str) -> ServiceError:
    return ServiceError(
        "license_rate_limited",
        f"Too many license requests. Try again in {retry} seconds.",
        429,
        data={"retry_after": retry, "scope": scope},
        headers={"Retry-After": str(retry)},
    )


class LicenseLimiter(Protocol):
    async def admit(self, ip: str | None, license_key: str) -> None: ...


class LicenseRateLimits:
    def __init__(
        self,
        per_ip: int = PER_IP,
        per_key: int = PER_KEY,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.by_ip: SlidingWindow[str] = SlidingWindow(per_ip, window_s, clock, MAX_TRACKED)
        self.by_key: SlidingWindow[str] = SlidingWindow(per_key, window_s, clock, MAX_TRACKED)

    async def admit(self, ip: str | None, license_key: str) -> None:
        """Count one request, or raise 429 ``license_rate_limited`` with Retry-After."""
        ip_key = ip or "unknown"
        for scope, window, key in (
            ("ip", self.by_ip, ip_key),
            ("license_key", self.by_key, license_key),
        ):
            retry = window.retry_after(key)
            if retry is not None:
                raise rate_limited(retry, scope)
        self.by_ip.hit(ip_key)
        self.by_key.hit(license_key)


class SharedLicenseRateLimits:
    """The same limits, counted for every process of the deployment (PostgreSQL)."""

    def __init__(
        self,
        store: Store,
        per_ip: int = PER_IP,
        per_key: int = PER_KEY,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = {"ip": max(1, per_ip), "license_key": max(1, per_key)}
        self._counts = SharedCounts(store, window_s, clock)
        self._clock = clock

    async def admit(self, ip: str | None, license_key: str) -> None:
        keys = [("license.ip", key_of(ip or "unknown")), ("license.key", key_of(license_key))]
        now = self._clock()
        found = await self._counts.hit(keys, now)
        for scope, key in zip(("ip", "license_key"), keys, strict=True):
            if found.get(key, 0) > self.limits[scope]:
                await self._counts.take_back(keys, now)
                raise rate_limited(self._counts.last_retry[key], scope)
