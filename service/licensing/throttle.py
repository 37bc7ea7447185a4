"""Rate limits of the public license routes, per client IP and per license key.

The key is the only credential of ``/licenses/validate|activate|deactivate``, so
these routes are where keys would be guessed and where a plugin stuck in a retry
loop lands. Every admitted request counts (not only failures, as in
service.common.throttle: a valid key hammered by a broken client is worth slowing too).
Both windows slide; a refused request is not counted, so a client that waits
``Retry-After`` seconds is admitted again. In memory, per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from service.common.errors import ServiceError
from service.common.throttle import SlidingWindow

if TYPE_CHECKING:
    pass

PER_IP = 120
PER_KEY = 60
WINDOW_S = 60.0
MAX_TRACKED = 20_000


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

    def admit(self, ip: str | None, license_key: str) -> None:
        """Count one request, or raise 429 ``license_rate_limited`` with Retry-After."""
        ip_key = ip or "unknown"
        for scope, window, key in (
            ("ip", self.by_ip, ip_key),
            ("license_key", self.by_key, license_key),
        ):
            retry = window.retry_after(key)
            if retry is not None:
                raise ServiceError(
                    "license_rate_limited",
                    f"Too many license requests. Try again in {retry} seconds.",
                    429,
                    data={"retry_after": retry, "scope": scope},
                    headers={"Retry-After": str(retry)},
                )
        self.by_ip.hit(ip_key)
        self.by_key.hit(license_key)
