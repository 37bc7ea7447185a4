"""SQL for users and their application passwords."""

from __future__ import annotations

from typing import Any

from store.db import Row, Store, Tx

USER_COLUMNS = "id, email, display_name, role, is_active, password_hash, token_version, created_at"


async def insert_user(
    tx: Tx, *, email: str, display_name: str, role: str, password_hash: str, created_at: str
) -> int:
    return await tx.insert(
        "INSERT INTO users (email, email_key, display_name, role, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (email, email.lower(), display_name, role, password_hash, created_at),
    )


async def by_id(db: Store | Tx, user_id: int) -> Row | None:
    return await db.fetchone(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,))


async def by_email(db: Store | Tx, email: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {USER_COLUMNS} FROM users WHERE email_key = ?", (email.strip().lower(),)
    )


async def by_login(db: Store | Tx, login: str) -> Row | None:
    """WordPress lets Basic auth name a user by email or by display name."""
    row = await by_email(db, login)
    if row is None:
        row = await db.fetchone(
            f"SELECT {USER_COLUMNS} FROM users WHERE display_name = ? COLLATE NOCASE "
            "ORDER BY id LIMIT 1",
            (login,),
        )
    return row


async def list_users(db: Store | Tx, *, role: str | None = None) -> list[Row]:
    if role:
        return await db.fetchall(
            f"SELECT {USER_COLUMNS} FROM users WHERE role = ? ORDER BY id", (role,)
        )
    return await db.fetchall(f"SELECT {USER_COLUMNS} FROM users ORDER BY id")


async def update_user(tx: Tx, user_id: int, **fields: Any) -> int:
    allowed = {"display_name", "role", "is_active", "password_hash", "token_version"}
    if not fields or not set(fields) <= allowed:
        raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    return await tx.execute(
        f"UPDATE users SET {assignments} WHERE id = ?", (*fields.values(), user_id)
    )


async def active_admins_except(tx: Tx, user_id: int) -> int:
    """Active administrators other than ``user_id``, read inside the writer's transaction.

    With many writers (PostgreSQL) the active administrators' rows are taken first, in
    id order: of two transactions demoting the last two, the second waits, then finds
    the first's demotion and counts one fewer."""
    if tx.dialect == "postgresql":
        await tx.fetchall(
            "SELECT id FROM users WHERE role = 'administrator' AND is_active = 1"
            " ORDER BY id FOR UPDATE"
        )
    return int(
        await tx.fetchval(
            "SELECT count(*) FROM users WHERE role = 'administrator' AND is_active = 1 AND id <> ?",
            (user_id,),
        )
    )


async def bump_token_version(tx: Tx, user_id: int) -> None:
    await tx.execute("UPDATE users SET token_version = token_version + 1 WHERE id = ?", (user_id,))


async def insert_app_password(
    tx: Tx, *, uuid: str, user_id: int, label: str, digest: str, created_at: str
) -> None:
    await tx.execute(
        "INSERT INTO app_passwords (uuid, user_id, label, digest, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (uuid, user_id, label, digest, created_at),
    )


async def app_password_owner(db: Store | Tx, user_id: int, digest: str) -> Row | None:
    return await db.fetchone(
        "SELECT uuid FROM app_passwords WHERE user_id = ? AND digest = ?", (user_id, digest)
    )


async def touch_app_password(tx: Tx, uuid: str, when: str) -> None:
    await tx.execute("UPDATE app_passwords SET last_used_at = ? WHERE uuid = ?", (when, uuid))


_APP_PASSWORD_COLUMNS = "uuid, user_id, label, created_at, last_used_at"  # never the digest


async def app_passwords_for_user(db: Store | Tx, user_id: int) -> list[Row]:
    return await db.fetchall(
        f"SELECT {_APP_PASSWORD_COLUMNS} FROM app_passwords WHERE user_id = ? "
        "ORDER BY created_at, uuid",
        (user_id,),
    )


async def app_password(db: Store | Tx, user_id: int, uuid: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {_APP_PASSWORD_COLUMNS} FROM app_passwords WHERE user_id = ? AND uuid = ?",
        (user_id, uuid),
    )


async def delete_app_password(tx: Tx, user_id: int, uuid: str) -> bool:
    deleted = await tx.execute(
        "DELETE FROM app_passwords WHERE user_id = ? AND uuid = ?", (user_id, uuid)
    )
    return deleted > 0
