"""SQL for users' SSH public keys (the console over SSH)."""

from __future__ import annotations

from store.db import Row, Store, Tx

_COLUMNS = "id, user_id, fingerprint, key_type, public_key, comment, created_at, last_used_at"


async def insert(
    tx: Tx,
    *,
    user_id: int,
    fingerprint: str,
    key_type: str,
    public_key: str,
    comment: str,
    created_at: str,
) -> int:
    return await tx.insert(
        "INSERT INTO ssh_keys (user_id, fingerprint, key_type, public_key, comment, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, fingerprint, key_type, public_key, comment, created_at),
    )


async def for_user(db: Store | Tx, user_id: int) -> list[Row]:
    return await db.fetchall(
        f"SELECT {_COLUMNS} FROM ssh_keys WHERE user_id = ? ORDER BY id", (user_id,)
    )


async def find(db: Store | Tx, user_id: int, fingerprint: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {_COLUMNS} FROM ssh_keys WHERE user_id = ? AND fingerprint = ?",
        (user_id, fingerprint),
    )


async def delete(tx: Tx, user_id: int, fingerprint: str) -> bool:
    deleted = await tx.execute(
        "DELETE FROM ssh_keys WHERE user_id = ? AND fingerprint = ?", (user_id, fingerprint)
    )
    return deleted > 0


async def touch(tx: Tx, user_id: int, fingerprint: str, used_at: str) -> None:
    await tx.execute(
        "UPDATE ssh_keys SET last_used_at = ? WHERE user_id = ? AND fingerprint = ?",
        (used_at, user_id, fingerprint),
    )
