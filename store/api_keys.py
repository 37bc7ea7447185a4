"""SQL for WooCommerce REST API keys. Neither the consumer key nor the secret reaches this
module in the clear: only wc_api_hash(ck) and the sealed secret."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from store.db import Store, Tx

_SELECT = (
    "SELECT k.id, k.user_id, u.email AS user_email, u.is_active AS user_active, k.description, "
    "k.permissions, k.consumer_key, k.secret_box, k.truncated_key, k.last_access, k.created_at "
    "FROM api_keys k JOIN users u ON u.id = k.user_id"
)


async def insert(
    tx: Tx,
    *,
    user_id: int,
    description: str,
    permissions: str,
    consumer_key: str,
    secret_box: bytes,
    truncated_key: str,
    created_at: str,
) -> int:
    return await tx.insert(
        "INSERT INTO api_keys (user_id, description, permissions, consumer_key, secret_box, "
        "truncated_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, description, permissions, consumer_key, secret_box, truncated_key, created_at),
    )


async def by_consumer_key(db: Store | Tx, consumer_key_hash: str) -> Any:
    return await db.fetchone(f"{_SELECT} WHERE k.consumer_key = ?", (consumer_key_hash,))


async def by_id(db: Store | Tx, key_id: int) -> Any:
    return await db.fetchone(f"{_SELECT} WHERE k.id = ?", (key_id,))


async def for_user(db: Store | Tx, user_id: int) -> list[Any]:
    return await db.fetchall(f"{_SELECT} WHERE k.user_id = ? ORDER BY k.id", (user_id,))


async def delete(tx: Tx, key_id: int) -> bool:
    return await tx.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)) > 0


async def touch(tx: Tx, rows: Iterable[tuple[str, int]]) -> None:
    """(last_access, id) pairs; a time never moves back (two processes may flush)."""
    await tx.executemany(
        "UPDATE api_keys SET last_access = max(coalesce(last_access, ''), ?) WHERE id = ?",
        list(rows),
    )
