"""SQL for the audit log (append-only; see migration 0013)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.db import Row, Store, Tx

_COLUMNS = (
    "id, at, actor_kind, actor_name, actor_user_id, actor_email, actor_token_id, face, "
    "address, action, target_type, target_id, summary, outcome"
)


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None  # a user id, or part of the actor's name/email (case-insensitive)
    action: str | None = None  # exact, or a prefix ending in "." ("token.")
    target_type: str | None = None
    target_id: str | None = None
    face: str | None = None
    since: str | None = None  # ISO, inclusive
    until: str | None = None  # ISO, exclusive
    before_id: int | None = None  # keyset paging: entries older than this one


_WRITTEN = [name for name in _COLUMNS.split(", ") if name != "id"]
INSERT_SQL = (
    f"INSERT INTO audit_log ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
)


def insert_params(entry: dict[str, Any]) -> tuple[Any, ...]:
    """INSERT_SQL's parameters for ``entry``."""
    return tuple(entry.get(name) for name in _WRITTEN)


async def insert(tx: Tx, entry: dict[str, Any]) -> int:
    return await tx.insert(INSERT_SQL, insert_params(entry))


def _where(query: AuditQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.actor:
        if query.actor.isascii() and query.actor.isdigit():
            clauses.append("actor_user_id = ?")
            params.append(int(query.actor))
        else:
            pattern = "%" + _escape_like(query.actor.lower()) + "%"
            clauses.append(
                "(lower(actor_name) LIKE ? ESCAPE '\\' OR lower(coalesce(actor_email, '')) "
                "LIKE ? ESCAPE '\\' OR actor_token_id = ?)"
            )
            params += [pattern, pattern, query.actor]
    if query.action:
        if query.action.endswith("."):
            clauses.append("action LIKE ? ESCAPE '\\'")
            params.append(_escape_like(query.action) + "%")
        else:
            clauses.append("action = ?")
            params.append(query.action)
    for column in ("target_type", "target_id", "face"):
        value = getattr(query, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if query.since:
        clauses.append("at >= ?")
        params.append(query.since)
    if query.until:
        clauses.append("at < ?")
        params.append(query.until)
    if query.before_id is not None:
        clauses.append("id < ?")
        params.append(query.before_id)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(db: Store | Tx, query: AuditQuery, limit: int, offset: int = 0) -> list[Row]:
    where, params = _where(query)
    return await db.fetchall(
        f"SELECT {_COLUMNS} FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


async def count(db: Store | Tx, query: AuditQuery) -> int:
    where, params = _where(query)
    return int(await db.fetchval(f"SELECT count(*) FROM audit_log{where}", params))


async def newest_id(db: Store | Tx) -> int:
    return int(await db.fetchval("SELECT coalesce(max(id), 0) FROM audit_log"))


async def prune(tx: Tx, older_than: str) -> int:
    """Retention: delete entries recorded before ``older_than`` (ISO)."""
    return await tx.execute("DELETE FROM audit_log WHERE at < ?", (older_than,))
