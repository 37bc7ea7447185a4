"""The throttles of service.common.throttle, counted in the database for a deployment of
several processes on PostgreSQL, so a limit is a limit for the whole deployment.

A window of ``window_s`` seconds is counted in buckets of ``window_s / BUCKETS``
seconds (store/throttle.py, one row per key and bucket); an event counts until its
bucket's end plus the window, so a limit holds for up to one bucket longer than in
memory, never shorter. Time is the wall clock (shared by the processes), not the
monotonic one. Expired buckets are pruned once a minute by whichever process counts.

- ``SharedGuessThrottle``: the same three limits as ``GuessThrottle`` and the same
  rules (a refused attempt is not counted, a success forgives only its own pair).
- ``SharedFailureThrottle``: failed integration tokens per address. A failure is
  counted in the database; the check is in memory (it runs on every token request):
  a process refuses an address once a failure it counted reached the limit, and tells
  the others (``announce``), so the deployment refuses it within moments.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from service.common.throttle import (
    AccountLock,
    Attempt,
    GuessLimits,
    account_locks,
    account_name,
    throttled,
)
from store import throttle as counts_sql

if TYPE_CHECKING:
    from store.base import Store

WallClock = Callable[[], float]
BUCKETS = 20
PRUNE_EVERY_S = 60.0


def key_of(*parts: str) -> str:
    """A key as stored: JSON, ASCII only (a NUL from a login name stays text)."""
    return json.dumps(parts)


class SharedCounts:
    """Counts of events within ``window_s`` seconds per (scope, key), in the database."""

    def __init__(self, store: Store, window_s: float, clock: WallClock = time.time) -> None:
        self.store = store
        self.window_s = window_s
        self.bucket_s = max(1.0, window_s / BUCKETS)
        self.clock = clock
        self._next_prune = 0.0
        # seconds until each key of the last ``hit`` drops back (its oldest bucket ends)
        self.last_retry: dict[counts_sql.Key, int] = {}

    def bucket(self, at: float) -> int:
        return int(at // self.bucket_s)

    def horizon(self, now: float) -> int:
        """The oldest bucket still counted at ``now``."""
        return self.bucket(now - self.window_s)

    def retry_after(self, oldest: int, now: float) -> int:
        """Seconds until the oldest counted bucket stops counting."""
        return max(1, math.ceil((oldest + 1) * self.bucket_s + self.window_s - now))

    async def hit(self, keys: list[counts_sql.Key], at: float) -> dict[counts_sql.Key, int]:
        """Count one event per key at ``at``; each key's count in the window and the
        seconds until its oldest event stops counting, as ``{key: (count, retry)}``."""
        bucket = self.bucket(at)
        expires = math.ceil((bucket + 1) * self.bucket_s + self.window_s)
        found = await counts_sql.hit(self.store, keys, bucket, expires, self.horizon(at))
        if at >= self._next_prune:
            self._next_prune = at + PRUNE_EVERY_S
            await counts_sql.prune(self.store, int(at))
        self.last_retry = {key: self.retry_after(oldest, at) for key, (_, oldest) in found.items()}
        return {key: count for key, (count, _) in found.items()}

    async def take_back(self, keys: list[counts_sql.Key], at: float) -> None:
        await counts_sql.take_back(self.store, keys, self.bucket(at))

    async def clear(self, scope: str, keys: list[str]) -> None:
        if keys:
            await counts_sql.clear(self.store, scope, keys)

    async def at_limit(self, scope: str, limit: int) -> list[tuple[str, int]]:
        """(key, seconds until it drops below) of every key of ``scope`` at ``limit``."""
        now = self.clock()
        rows = await counts_sql.at_limit(self.store, scope, limit, self.horizon(now))
        return [(key, self.retry_after(oldest, now)) for key, _, oldest in rows]

    async def keys(self, scope: str) -> list[str]:
        return await counts_sql.keys_of(self.store, scope, self.horizon(self.clock()))


PAIR, ACCOUNT, IP = "guess.pair", "guess.account", "guess.ip"


class SharedGuessThrottle:
    """``GuessThrottle``'s rules, counted for every process of the deployment."""

    def __init__(
        self, store: Store, limits: GuessLimits | None = None, clock: WallClock = time.time
    ) -> None:
        self.limits = limits = limits or GuessLimits()
        self._counts = SharedCounts(store, limits.window_s, clock)
        self._clock = clock

    def _keys(self, attempt: Attempt) -> list[counts_sql.Key]:
        return [
            (PAIR, key_of(attempt.realm, attempt.account, attempt.ip)),
            (ACCOUNT, key_of(attempt.realm, attempt.account)),
            (IP, key_of(attempt.ip)),
        ]

    async def begin(self, realm: str, account: str, ip: str | None) -> Attempt:
        attempt = Attempt(realm, account_name(account), ip or "unknown", self._clock())
        keys = self._keys(attempt)
        limit = dict(zip((PAIR, ACCOUNT, IP), self._limits(), strict=True))
        found = await self._counts.hit(keys, attempt.at)
        over = [key for key in keys if found.get(key, 0) > limit[key[0]]]
        if over:
            await self._counts.take_back(keys, attempt.at)
            raise throttled(max(self._counts.last_retry[key] for key in over), "attempts")
        return attempt

    def _limits(self) -> tuple[int, int, int]:
        return self.limits.per_account_ip, self.limits.per_account, self.limits.per_ip

    async def succeeded(self, attempt: Attempt) -> None:
        pair, account, ip = self._keys(attempt)
        await self._counts.clear(PAIR, [pair[1]])
        await self._counts.take_back([account, ip], attempt.at)

    async def locks(self) -> dict[str, AccountLock]:
        pairs = await self._counts.at_limit(PAIR, self.limits.per_account_ip)
        accounts = await self._counts.at_limit(ACCOUNT, self.limits.per_account)
        return account_locks(
            (json.loads(key)[1] for key, _ in pairs),
            ((json.loads(key)[1], retry) for key, retry in accounts),
        )

    async def unlock(self, account: str) -> None:
        name = account_name(account)
        for scope in (PAIR, ACCOUNT):
            keys = [key for key in await self._counts.keys(scope) if json.loads(key)[1] == name]
            await self._counts.clear(scope, keys)


TOKEN_SCOPE = "token.ip"
MAX_LOCKED = 10_000
Announce = Callable[[str, int], Awaitable[None]]


class SharedFailureThrottle:
    """Failed integration-token authentications per address, for the deployment."""

    def __init__(
        self, store: Store, limit: int, window_s: float, clock: WallClock = time.time
    ) -> None:
        self.limit = max(1, limit)
        self._counts = SharedCounts(store, window_s, clock)
        self._clock = clock
        self._locked: dict[str, float] = {}  # address -> wall time its lock ends
        self.announce: Announce | None = None  # tells the other processes of a lock

    def check(self, key: str | None) -> None:
        address = key or ""
        until = self._locked.get(address)
        if until is None:
            return
        wait = until - self._clock()
        if wait <= 0:
            self._locked.pop(address, None)
            return
        raise throttled(max(1, math.ceil(wait)), "authentication attempts")

    async def fail(self, key: str | None) -> None:
        address = key or ""
        stored = (TOKEN_SCOPE, key_of(address))
        now = self._clock()
        found = await self._counts.hit([stored], now)
        if found.get(stored, 0) >= self.limit:
            retry = self._counts.last_retry[stored]
            self.locked(address, now + retry)
            if self.announce is not None:
                await self.announce(address, retry)

    def locked(self, address: str, until: float) -> None:
        """``address`` is refused until ``until`` (wall time): counted here or told."""
        if len(self._locked) >= MAX_LOCKED:
            self._locked.pop(next(iter(self._locked)))
        self._locked[address] = max(until, self._locked.get(address, 0.0))

    def told(self, payload: str) -> None:
        """Another process announced a lock: ``[address, seconds]``."""
        address, retry = json.loads(payload)
        self.locked(str(address), self._clock() + float(retry))
