"""Installation-wide key/value settings."""

from __future__ import annotations

from collections.abc import Callable

from store.db import Store, Tx


async def get_or_create(store: Store, key: str, make: Callable[[], str]) -> str:
    """Return the value for key, storing ``make()`` first if there is none."""
    value = await store.fetchval("SELECT value FROM meta WHERE key = ?", (key,))
    if value is not None:
        return value
    async with store.transaction() as tx:
        await tx.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, make())
        )
        return await tx.fetchval("SELECT value FROM meta WHERE key = ?", (key,))


async def get(store: Store, key: str) -> str | None:
    return await store.fetchval("SELECT value FROM meta WHERE key = ?", (key,))


async def put(tx: Tx, key: str, value: str) -> None:
    await tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
