"""Throttle and rate-limit counts shared by every process of a PostgreSQL deployment.

One row per (scope, key, time bucket) in ``throttle_counts`` (migration 0015). These
statements run on the store, outside ``store.transaction()``, each one committed on its
own: a count is not part of any other write, and waiting for this process's write
transactions (and firing the change signal) for every login attempt or license call
would buy nothing. The increment is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``,
so parallel requests in any process each see their own count.
"""

from __future__ import annotations

from collections.abc import Sequence

from store.base import Store

Key = tuple[str, str]  # (scope, key)


def _columns(keys: Sequence[Key]) -> tuple[list[str], list[str]]:
    return [scope for scope, _ in keys], [key for _, key in keys]


async def hit(
    store: Store, keys: Sequence[Key], bucket: int, expires_at: int, horizon: int
) -> dict[Key, tuple[int, int]]:
    """Count one event for each key in ``bucket``; each key's count over the buckets
    from ``horizon`` on (this one included) and the oldest of them."""
    scopes, names = _columns(keys)
    rows = await store.fetchall(
        "WITH hit AS ("
        " INSERT INTO throttle_counts (scope, key, bucket, count, expires_at)"
        " SELECT s, k, ?, 1, ? FROM unnest(?::text[], ?::text[]) AS u(s, k)"
        " ON CONFLICT (scope, key, bucket)"
        " DO UPDATE SET count = throttle_counts.count + 1, expires_at = EXCLUDED.expires_at"
        " RETURNING scope, key, bucket, count)"
        " SELECT hit.scope, hit.key, hit.count + coalesce(older.total, 0) AS total,"
        " coalesce(older.oldest, hit.bucket) AS oldest"
        " FROM hit LEFT JOIN LATERAL ("
        "  SELECT sum(c.count) AS total, min(c.bucket) AS oldest FROM throttle_counts c"
        "  WHERE c.scope = hit.scope AND c.key = hit.key"
        "  AND c.bucket >= ? AND c.bucket < hit.bucket) older ON true",
        (bucket, expires_at, scopes, names, horizon),
    )
    return {(row["scope"], row["key"]): (int(row["total"]), int(row["oldest"])) for row in rows}


async def take_back(store: Store, keys: Sequence[Key], bucket: int) -> None:
    """Undo one event of each key in ``bucket`` (it was refused, or was no failure)."""
    scopes, names = _columns(keys)
    await store.fetchall(
        "UPDATE throttle_counts SET count = count - 1"
        " FROM unnest(?::text[], ?::text[]) AS u(s, k)"
        " WHERE scope = u.s AND key = u.k AND bucket = ? AND count > 0",
        (scopes, names, bucket),
    )


async def clear(store: Store, scope: str, keys: Sequence[str]) -> None:
    await store.fetchall(
        "DELETE FROM throttle_counts WHERE scope = ? AND key = ANY(?::text[])", (scope, list(keys))
    )


async def at_limit(
    store: Store, scope: str, limit: int, horizon: int
) -> list[tuple[str, int, int]]:
    """(key, count, oldest bucket) of every key of ``scope`` counted ``limit`` times
    or more since ``horizon``."""
    rows = await store.fetchall(
        "SELECT key, sum(count) AS total, min(bucket) AS oldest FROM throttle_counts"
        " WHERE scope = ? AND bucket >= ? AND count > 0"
        " GROUP BY key HAVING sum(count) >= ?",
        (scope, horizon, limit),
    )
    return [(row["key"], int(row["total"]), int(row["oldest"])) for row in rows]


async def keys_of(store: Store, scope: str, horizon: int) -> list[str]:
    rows = await store.fetchall(
        "SELECT DISTINCT key FROM throttle_counts WHERE scope = ? AND bucket >= ?",
        (scope, horizon),
    )
    return [row["key"] for row in rows]


async def claim(store: Store, scope: str, key: str, expires_at: int) -> bool:
    """Record ``key`` once (a nonce); False if any process recorded it already."""
    row = await store.fetchone(
        "INSERT INTO throttle_counts (scope, key, bucket, count, expires_at)"
        " VALUES (?, ?, 0, 1, ?) ON CONFLICT (scope, key, bucket) DO NOTHING RETURNING 1",
        (scope, key, expires_at),
    )
    return row is not None


async def prune(store: Store, now: int) -> None:
    await store.fetchall("DELETE FROM throttle_counts WHERE expires_at < ?", (now,))
