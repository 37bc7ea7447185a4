"""Reading the sync event log (its writes are in ``store.sync_writer``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.db import Row, Store, Tx

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


async def search(db: Store | Tx, query: EventQuery, limit: int, offset: int) -> list[Row]:
    where, params = _where(query)
    return await db.fetchall(
        f"SELECT {_LIST_COLUMNS}{_FROM}{where} ORDER BY e.created_at DESC, e.seq DESC "
        "LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )


async def count(db: Store | Tx, query: EventQuery) -> int:
    where, params = _where(query)
    return await db.fetchval(f"SELECT count(*) FROM sync_events e{where}", params)


async def by_id(db: Store | Tx, row_id: str) -> Row | None:
    return await db.fetchone(f"SELECT {_LIST_COLUMNS}, e.payload{_FROM} WHERE e.id = ?", (row_id,))


async def stats(db: Store | Tx, query: EventQuery) -> dict[str, Any]:
    where, params = _where(query)
    row = await db.fetchrow(
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
