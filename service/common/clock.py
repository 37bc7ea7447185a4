"""Time in one place, so tests can move it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import overload


class Clock:
    """The wall clock in UTC. Tests use :class:`FrozenClock`."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        """``now().timestamp()`` without building a datetime (request paths ask often)."""
        return time.time()


class FrozenClock(Clock):
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def timestamp(self) -> float:
        return self.at.timestamp()

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a Z, the one format the store and the APIs use."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


_last: tuple[float, str] = (float("nan"), "")  # (whole second, its ISO text)


def iso_now(clock: Clock) -> str:
    """``iso(clock.now())``, formatted once a second rather than on every call: request
    paths stamp every request, and ``iso`` shows whole seconds."""
    global _last
    second = clock.timestamp() // 1
    if _last[0] != second:
        _last = (second, iso(datetime.fromtimestamp(second, UTC)))
    return _last[1]


def parse_iso(text: str | None) -> datetime | None:
    """Parse an ISO-8601 timestamp; naive values are taken as UTC."""
    if text is None or text == "":
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
