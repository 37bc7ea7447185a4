"""SQL for integration tokens. The secret itself never reaches this module: only its digest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from store.db import Row, Store, Tx, next_seq

_SELECT = (
    "SELECT t.id, t.user_id, u.email AS user_email, u.is_active AS user_active, t.name, "
    "t.integration_type, t.token_preview, t.is_active, t.allowed_ips, t.usage_count, "
    "t.last_used_at, t.created_at, t.updated_at, t.expires_at, t.rotated_at, t.revoked_at "
    "FROM integration_tokens t JOIN users u ON u.id = t.user_id"
)
UPDATABLE = frozenset({"name", "is_active", "expires_at", "allowed_ips"})


@dataclass(frozen=True)
class TokenQuery:
    user_id: int | None = None
    integration_type: str | None = None
    is_active: bool | None = None
    include_revoked: bool = False
    search: str | None = None  # name or preview, case-insensitive (ASCII)


def _where(query: TokenQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.user_id is not None:
        clauses.append("t.user_id = ?")
        params.append(query.user_id)
    if query.integration_type is not None:
        clauses.append("t.integration_type = ?")
        params.append(query.integration_type)
    if query.is_active is not None:
        clauses.append("t.is_active = ?")
        params.append(int(query.is_active))
    if not query.include_revoked:
        clauses.append("t.revoked_at IS NULL")
    if query.search:
        clauses.append("(instr(lower(t.name), lower(?)) > 0 OR instr(t.token_preview, ?) > 0)")
        params.extend([query.search, query.search])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


async def insert(tx: Tx, **row: Any) -> None:
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    await tx.execute(
        f"INSERT INTO integration_tokens ({names}, seq)"
        f" VALUES ({marks}, {next_seq('integration_tokens')})",
        tuple(row.values()),
    )


async def by_id(db: Store | Tx, token_id: str) -> Row | None:
    return await db.fetchone(f"{_SELECT} WHERE t.id = ?", (token_id,))


async def by_digest(db: Store | Tx, digest: str) -> Row | None:
    return await db.fetchone(f"{_SELECT} WHERE t.digest = ?", (digest,))


async def search(db: Store | Tx, query: TokenQuery, limit: int, offset: int) -> list[Row]:
    where, params = _where(query)
    return await db.fetchall(
        f"{_SELECT}{where} ORDER BY t.created_at DESC, t.seq DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )


async def count(db: Store | Tx, query: TokenQuery) -> int:
    where, params = _where(query)
    return await db.fetchval(f"SELECT count(*) FROM integration_tokens t{where}", params)


async def count_live_for_owner(db: Store | Tx, user_id: int) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM integration_tokens WHERE user_id = ? AND revoked_at IS NULL",
        (user_id,),
    )


async def update(tx: Tx, token_id: str, **fields: Any) -> int:
    allowed = UPDATABLE | {"updated_at"}
    if not fields or not set(fields) <= allowed:
        raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    return await tx.execute(
        f"UPDATE integration_tokens SET {assignments} WHERE id = ? AND revoked_at IS NULL",
        (*fields.values(), token_id),
    )


async def replace_secret(tx: Tx, token_id: str, digest: str, preview: str, when: str) -> int:
    return await tx.execute(
        "UPDATE integration_tokens SET digest = ?, token_preview = ?, rotated_at = ?, "
        "updated_at = ? WHERE id = ? AND revoked_at IS NULL",
        (digest, preview, when, when, token_id),
    )


async def revoke(tx: Tx, token_id: str, when: str) -> int:
    return await tx.execute(
        "UPDATE integration_tokens SET revoked_at = ?, is_active = 0, updated_at = ? "
        "WHERE id = ? AND revoked_at IS NULL",
        (when, when, token_id),
    )


async def add_usage(tx: Tx, rows: Iterable[tuple[int, str, str]]) -> None:
    """Add counted uses: rows of (count, last_used_at, token_id)."""
    await tx.executemany(
        "UPDATE integration_tokens SET usage_count = usage_count + ?, "
        "last_used_at = max(coalesce(last_used_at, ''), ?) WHERE id = ?",
        rows,
    )
