"""Integration tokens read for authentication, kept briefly by digest.

A plugin calls with the same token again and again; keeping what authentication
needs for ``ttl`` seconds saves a database round trip per request. Changes made in
this process (update, regenerate, revoke, and any change to the owner's account)
drop the entry at once, and a read that a change overtook is not cached; a change
from another process on the same database is seen within ``ttl`` seconds on SQLite
(``console --no-api``), at once on PostgreSQL (a notification from the tokens table,
service/app/shared.py). Expiry is checked against the clock on every request, so it is
exact. Stored usage counts are kept in step with the usage tracker's flushes.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

TTL_S = 2.0
MAX_ENTRIES = 10_000


@dataclass(slots=True)
class CachedToken:
    token_id: str
    user_id: int
    user_email: str
    user_active: bool
    name: str
    integration_type: str
    is_active: bool
    revoked_at: str | None
    expires_at: str | None
    allowed_ips: tuple[str, ...]
    usage_count: int
    last_used_at: str | None

    @classmethod
    def from_row(cls, row: Any) -> CachedToken:
        return cls(
            token_id=row["id"],
            user_id=row["user_id"],
            user_email=row["user_email"],
            user_active=bool(row["user_active"]),
            name=row["name"],
            integration_type=row["integration_type"],
            is_active=bool(row["is_active"]),
            revoked_at=row["revoked_at"],
            expires_at=row["expires_at"],
            allowed_ips=tuple(json.loads(row["allowed_ips"])),
            usage_count=row["usage_count"],
            last_used_at=row["last_used_at"],
        )

    def usable(self, now: str) -> bool:
        return (
            self.user_active
            and self.is_active
            and not self.revoked_at
            and not (self.expires_at and self.expires_at <= now)
        )


class TokenCache:
    def __init__(self, ttl: float = TTL_S) -> None:
        self.ttl = ttl
        self.version = 0  # moves on every change, so a read it overtook is not kept
        self._by_digest: dict[str, tuple[float, CachedToken]] = {}
        self._digest_of: dict[str, str] = {}

    def get(self, digest: str) -> CachedToken | None:
        hit = self._by_digest.get(digest)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            self._drop(digest)
            return None
        return hit[1]

    def put(self, digest: str, entry: CachedToken, version: int) -> None:
        if version != self.version:
            return
        if len(self._by_digest) >= MAX_ENTRIES:
            self._by_digest.clear()
            self._digest_of.clear()
        self._by_digest[digest] = (time.monotonic() + self.ttl, entry)
        self._digest_of[entry.token_id] = digest

    def forget(self, token_id: str) -> None:
        self.version += 1
        digest = self._digest_of.pop(token_id, None)
        if digest is not None:
            self._by_digest.pop(digest, None)

    def clear(self) -> None:
        """Forget every token (changes may have been missed)."""
        self.version += 1
        self._by_digest.clear()
        self._digest_of.clear()

    def forget_user(self, user_id: int) -> None:
        """The owner changed (deactivated, new password): drop their tokens."""
        self.version += 1
        for digest, (_, entry) in list(self._by_digest.items()):
            if entry.user_id == user_id:
                self._drop(digest)

    def flushed(self, batch: dict[str, list]) -> None:
        """Usage the tracker has just stored: add it to the cached stored counts."""
        for token_id, (count, last) in batch.items():
            digest = self._digest_of.get(token_id)
            hit = self._by_digest.get(digest) if digest else None
            if hit is not None:
                entry = hit[1]
                entry.usage_count += count
                entry.last_used_at = max(entry.last_used_at or "", last)

    def _drop(self, digest: str) -> None:
        hit = self._by_digest.pop(digest, None)
        if hit is not None:
            self._digest_of.pop(hit[1].token_id, None)
