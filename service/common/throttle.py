"""Counting failures in sliding windows, in memory, per process (one SQLite process;
a deployment of several processes on PostgreSQL counts in the database instead:
service.common.shared_throttle, chosen by ``Context.open``).

``SlidingWindow`` is the one counter; on it:

- ``FailureThrottle``: failed integration-token authentications per client IP
  (service.integrations.token_auth). Guessing a 200-bit token is hopeless, but a client that keeps
  sending bad tokens is usually a plugin in a retry loop or a scanner.
- ``GuessThrottle``: password guessing (login, ``account/password``, application
  passwords), per (account, client IP), per account and per client IP, the way
  django-axes and Limit Login Attempts do it (OWASP ASVS V2.2).

A refused request is never counted, so a client that waits ``Retry-After`` seconds is
admitted again. Memory is bounded: at most ``max_keys`` keys per window (the key idle
longest is dropped first) and at most ``limit`` timestamps per key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from service.common.errors import ServiceError

if TYPE_CHECKING:
    from service.common.config import Settings

Monotonic = Callable[[], float]
K = TypeVar("K", bound=Hashable)


class SlidingWindow(Generic[K]):
    """Timestamps of recent events per key; a key is at its limit when ``limit`` of
    them fall within the last ``window_s`` seconds."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        clock: Monotonic = time.monotonic,
        max_keys: int = 20_000,
    ) -> None:
        self.limit = max(1, limit)
        self.window_s = window_s
        self.max_keys = max_keys
        self._clock = clock
        # Oldest first, at most ``limit`` per key. Lists, not deques: a deque costs
        # over 600 bytes even when nearly empty, and there may be 50,000 keys.
        self._hits: dict[K, list[float]] = {}

    def _recent(self, key: K) -> list[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        horizon = self._clock() - self.window_s
        expired = 0
        while expired < len(hits) and hits[expired] <= horizon:
            expired += 1
        if expired == len(hits):
            del self._hits[key]
            return None
        del hits[:expired]
        return hits

    def count(self, key: K) -> int:
        hits = self._recent(key)
        return len(hits) if hits else 0

    def retry_after(self, key: K) -> int | None:
        """Seconds to wait when ``key`` is at its limit, else None."""
        hits = self._recent(key)
        if hits is None or len(hits) < self.limit:
            return None
        return max(1, int(hits[0] + self.window_s - self._clock()) + 1)

    def hit(self, key: K, at: float | None = None) -> None:
        hits = self._hits.pop(key, None)  # re-inserted last: the idle keys go first
        if hits is None:
            while len(self._hits) >= self.max_keys:
                self._hits.pop(next(iter(self._hits)))
            hits = []
        self._hits[key] = hits
        hits.append(self._clock() if at is None else at)
        del hits[: -self.limit]

    def unhit(self, key: K, at: float) -> None:
        """Take back the event counted at ``at`` (it turned out not to be a failure)."""
        hits = self._hits.get(key)
        if hits is not None and at in hits:
            hits.remove(at)
            if not hits:
                del self._hits[key]

    def clear(self, key: K) -> None:
        self._hits.pop(key, None)

    def tracked(self) -> Iterator[K]:
        """The keys with events in the window (a snapshot)."""
        return (key for key in list(self._hits) if self._recent(key) is not None)


def throttled(retry: int, what: str) -> ServiceError:
    return ServiceError(
        "throttled",
        f"Too many failed {what}. Try again in {retry} seconds.",
        429,
        data={"retry_after": retry},
        headers={"Retry-After": str(retry)},
    )


# -- integration tokens, per client IP ----------------------------------------------------
FAILURE_LIMIT = 30
WINDOW_S = 60.0
MAX_TRACKED = 10_000


class FailureThrottle:
    def __init__(
        self,
        limit: int = FAILURE_LIMIT,
        window_s: float = WINDOW_S,
        clock: Monotonic = time.monotonic,
    ) -> None:
        self._window: SlidingWindow[str] = SlidingWindow(limit, window_s, clock, MAX_TRACKED)

    def check(self, key: str | None) -> None:
        """Raise a 429 when ``key`` has failed too often lately."""
        retry = self._window.retry_after(key or "")
        if retry is not None:
            raise throttled(retry, "authentication attempts")

    async def fail(self, key: str | None) -> None:
        self._window.hit(key or "")


class FailureLimiter(Protocol):
    """Where token failures are counted: in memory (one process) or the database."""

    def check(self, key: str | None) -> None: ...
    async def fail(self, key: str | None) -> None: ...


# -- password guessing --------------------------------------------------------------------
PASSWORD = "password"  # the login password: platform login and account/password
APP_PASSWORD = "app_password"  # application passwords (WordPress Basic auth)
MAX_NAME = 256


@dataclass(frozen=True)
class GuessLimits:
    per_account_ip: int = 5
    per_account: int = 20
    per_ip: int = 50
    window_s: float = 15 * 60.0
    max_keys: int = 50_000

    @classmethod
    def from_settings(cls, settings: Settings) -> GuessLimits:
        return cls(
            per_account_ip=settings.throttle_account_ip,
            per_account=settings.throttle_account,
            per_ip=settings.throttle_ip,
            window_s=settings.throttle_window_s,
            max_keys=settings.throttle_max_keys,
        )


@dataclass(frozen=True)
class Attempt:
    """An attempt admitted by ``GuessLimiter.begin``, counted as a failure until
    ``succeeded`` says otherwise (so parallel guesses cannot all slip past the check)."""

    realm: str
    account: str
    ip: str
    at: float


@dataclass(frozen=True)
class AccountLock:
    """What the console shows: an account-wide lock and how many addresses are locked."""

    retry_after: int | None
    addresses: int


def account_locks(
    locked_pairs: Iterable[str], locked_accounts: Iterable[tuple[str, int]]
) -> dict[str, AccountLock]:
    """The lock of each account: ``locked_pairs`` names the account of every (account,
    address) pair at its limit, ``locked_accounts`` every account at its own limit with
    the seconds until it may try again."""
    addresses: dict[str, int] = {}
    for name in locked_pairs:
        addresses[name] = addresses.get(name, 0) + 1
    wide: dict[str, int] = {}
    for name, retry in locked_accounts:
        wide[name] = max(retry, wide.get(name, 0))
    return {
        name: AccountLock(wide.get(name), addresses.get(name, 0)) for name in {*addresses, *wide}
    }


class GuessLimiter(Protocol):
    """Where guesses are counted: in memory (one process) or the database."""

    async def begin(self, realm: str, account: str, ip: str | None) -> Attempt: ...
    async def succeeded(self, attempt: Attempt) -> None: ...
    async def locks(self) -> dict[str, AccountLock]: ...
    async def unlock(self, account: str) -> None: ...


def account_name(account: str) -> str:
    """Unknown and known accounts are counted alike, by the normalised string given."""
    return account.strip().casefold()[:MAX_NAME]


class GuessThrottle:
    """A pair (account, IP) is locked after ``per_account_ip`` failures, so a stranger
    locks only their own address out of an account; the account is locked for every
    address after ``per_account`` failures in total; an address is locked for every
    account after ``per_ip`` (credential stuffing). A success forgives only the caller's
    own pair, never the failures others built up on the account or the address."""

    def __init__(self, limits: GuessLimits | None = None, clock: Monotonic = time.monotonic):
        self.limits = limits = limits or GuessLimits()
        self._clock = clock
        window = (limits.window_s, clock, limits.max_keys)
        # keys: (realm, account, ip), (realm, account) and ip
        self._pair: SlidingWindow[tuple[str, str, str]] = SlidingWindow(
            limits.per_account_ip, *window
        )
        self._account: SlidingWindow[tuple[str, str]] = SlidingWindow(limits.per_account, *window)
        self._ip: SlidingWindow[str] = SlidingWindow(limits.per_ip, *window)

    def _windows(self, attempt: Attempt) -> tuple[tuple[SlidingWindow[Any], Hashable], ...]:
        return (
            (self._pair, (attempt.realm, attempt.account, attempt.ip)),
            (self._account, (attempt.realm, attempt.account)),
            (self._ip, attempt.ip),
        )

    async def begin(self, realm: str, account: str, ip: str | None) -> Attempt:
        """Admit an attempt (counted as a failure) or raise 429 ``throttled``."""
        attempt = Attempt(realm, account_name(account), ip or "unknown", self._clock())
        windows = self._windows(attempt)
        waits = [w for w in (window.retry_after(key) for window, key in windows) if w]
        if waits:
            raise throttled(max(waits), "attempts")
        for window, key in windows:
            window.hit(key, attempt.at)
        return attempt

    async def succeeded(self, attempt: Attempt) -> None:
        pair, account, ip = self._windows(attempt)
        pair[0].clear(pair[1])
        account[0].unhit(account[1], attempt.at)
        ip[0].unhit(ip[1], attempt.at)

    async def locks(self) -> dict[str, AccountLock]:
        """Accounts locked for everyone or for some addresses, by normalised name."""
        pairs = [p[1] for p in self._pair.tracked() if self._pair.retry_after(p) is not None]
        accounts = []
        for key in self._account.tracked():
            retry = self._account.retry_after(key)
            if retry is not None:
                accounts.append((key[1], retry))
        return account_locks(pairs, accounts)

    async def unlock(self, account: str) -> None:
        """Forget every failure counted against ``account`` (the console's unlock)."""
        name = account_name(account)
        for pair in list(self._pair.tracked()):
            if pair[1] == name:
                self._pair.clear(pair)
        for key in list(self._account.tracked()):
            if key[1] == name:
                self._account.clear(key)


def lock_of(locks: dict[str, AccountLock], *names: str) -> AccountLock | None:
    """One user's lock, from the names they sign in with (email, display name)."""
    found = [locks[n] for n in {account_name(name) for name in names} if n in locks]
    if not found:
        return None
    waits = [lock.retry_after for lock in found if lock.retry_after]
    return AccountLock(max(waits, default=None), sum(lock.addresses for lock in found))


def describe(lock: AccountLock | None) -> str:
    """``locked 12 min`` / ``2 addresses locked`` / empty, for the console."""
    if lock is None:
        return ""
    if lock.retry_after:
        return f"locked {-(-lock.retry_after // 60)} min"
    return f"{lock.addresses} address{'es' if lock.addresses != 1 else ''} locked"
