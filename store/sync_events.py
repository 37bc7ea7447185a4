"""SQL for the sync event log. ``UNIQUE (user_id, event_id)`` is the idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.db import Store, Tx

_LIST_COLUMNS = (
    "e.id, e.user_id, u.email AS user_email, e.token_id, t.name AS token_name, e.event_id, "
    "e.event_type, e.source_product_id, e.status, e.action, e.product_id, e.error_message, "
    "e.attempts, e.duplicates, e.source_ip, e.user_agent, e.processing_time_ms, "
    "e.created_at, e.updated_at"
)
_FROM = (
    " FROM sync_events e JOIN users u ON u.id = e.user_id "
    "LEFT JOIN integration_tokens t ON t.id = e.token_id"
)


@dataclass(frozen=True)
class EventQuery:
    user_id: int | None = None
    event_type: str | None = None
    status: str | None = None
    source_product_id: int | None = None
    token_id: str | None = None


def _where(query: EventQuery) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in (
        ("e.user_id", query.user_id),
        ("e.event_type", query.event_type),
        ("e.status", query.status),
        ("e.source_product_id", query.source_product_id),
        ("e.token_id", query.token_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


async def claim(tx: Tx, row: dict[str, Any]) -> bool:
    """Insert the event unless (user_id, event_id) exists; True when this call inserted it."""
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    changed = await tx.execute(
        f"INSERT INTO sync_events ({names}) VALUES ({marks}) "
        "ON CONFLICT (user_id, event_id) DO NOTHING",
        tuple(row.values()),
    )
    return changed == 1


async def by_key(db: Store | Tx, user_id: int, event_id: str) -> Any:
    return await db.fetchone(
        "SELECT id, status, action, product_id, error_message, attempts FROM sync_events "
        "WHERE user_id = ? AND event_id = ?",
        (user_id, event_id),
    )


async def retry(tx: Tx, row_id: str, row: dict[str, Any]) -> None:
    """Take over a failed event's row for a new attempt."""
    assignments = ", ".join(f"{name} = ?" for name in row)
    await tx.execute(
        f"UPDATE sync_events SET {assignments}, attempts = attempts + 1 WHERE id = ?",
        (*row.values(), row_id),
    )


async def finish(tx: Tx, row_id: str, **outcome: Any) -> None:
    assignments = ", ".join(f"{name} = ?" for name in outcome)
    await tx.execute(
        f"UPDATE sync_events SET {assignments} WHERE id = ?", (*outcome.values(), row_id)
    )


async def note_duplicate(tx: Tx, row_id: str, when: str) -> None:
    await tx.execute(
        "UPDATE sync_events SET duplicates = duplicates + 1, updated_at = ? WHERE id = ?",
        (when, row_id),
    )


async def search(db: Store | Tx, query: EventQuery, limit: int, offset: int) -> list[Any]:
    where, params = _where(query)
    return await db.fetchall(
        f"SELECT {_LIST_COLUMNS}{_FROM}{where} ORDER BY e.created_at DESC, e.rowid DESC "
        "LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )


async def count(db: Store | Tx, query: EventQuery) -> int:
    where, params = _where(query)
    return await db.fetchval(f"SELECT count(*) FROM sync_events e{where}", params)


async def by_id(db: Store | Tx, row_id: str) -> Any:
    return await db.fetchone(f"SELECT {_LIST_COLUMNS}, e.payload{_FROM} WHERE e.id = ?", (row_id,))


async def stats(db: Store | Tx, query: EventQuery) -> dict[str, Any]:
    where, params = _where(query)
    row = await db.fetchone(
        "SELECT count(*) AS total, avg(e.processing_time_ms) AS avg_ms, "
        f"max(e.created_at) AS last_at, coalesce(sum(e.duplicates), 0) AS duplicates "
        f"FROM sync_events e{where}",
        params,
    )
    by_status = await db.fetchall(
        f"SELECT e.status AS k, count(*) AS n FROM sync_events e{where} GROUP BY e.status", params
    )
    by_type = await db.fetchall(
        f"SELECT e.event_type AS k, count(*) AS n FROM sync_events e{where} GROUP BY e.event_type",
        params,
    )
    return {
        "total": row["total"],
        "average_processing_time_ms": row["avg_ms"],
        "last_event_at": row["last_at"],
        "duplicates": row["duplicates"],
        "by_status": {r["k"]: r["n"] for r in by_status},
        "by_event_type": {r["k"]: r["n"] for r in by_type},
    }
