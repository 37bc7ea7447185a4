"""SQL for licenses, their activations and OAuth activation requests.

A license row always comes with ``activation_count``, counted from the activation
rows (active and not local) at read time: there is no stored counter to drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from store.catalog import in_list, like
from store.db import Row, Store, Tx

COUNT_SQL = (
    "(SELECT count(*) FROM license_activations a"
    " WHERE a.license_id = l.id AND a.status = 'active' AND a.is_local = 0)"
)
SELECT = (
    "SELECT l.*, p.name AS product_name, p.license_activation_method AS activation_method,"
    f" u.email AS customer_email, {COUNT_SQL} AS activation_count"
    " FROM licenses l LEFT JOIN products p ON p.id = l.product_id"
    " LEFT JOIN users u ON u.id = l.customer_id"
)
LICENSE_COLUMNS = frozenset({
    "license_key", "product_id", "variation_id", "order_id", "order_line_id", "order_unit",
    "customer_id", "billing_email", "status", "activation_limit", "expires_at",
    "valid_for_days", "source", "created_by", "created_at", "updated_at",
})  # fmt: skip
ORDER = {
    "id": "l.id {dir}",
    "date": "l.created_at {dir}, l.id {dir}",
    "expires_at": "l.expires_at IS NULL {dir}, l.expires_at {dir}, l.id {dir}",
    "key": "l.license_key {dir}",
}


@dataclass
class LicenseQuery:
    now: str
    limit: int = 10
    offset: int = 0
    search: str = ""  # key, customer email or billing email
    status: str = ""  # a stored status, or "expired"
    product_id: int | None = None  # the product or one of its variations
    customer_id: int | None = None
    order_id: int | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def _where(q: LicenseQuery, params: dict[str, Any]) -> str:
    clauses = []
    if q.search:
        params["q"] = like(q.search)
        clauses.append(
            "(l.license_key LIKE :q ESCAPE '\\' OR u.email LIKE :q ESCAPE '\\'"
            " OR l.billing_email LIKE :q ESCAPE '\\')"
        )
    if q.status == "expired":
        params["now"] = q.now
        clauses.append(
            "l.status IN ('active', 'inactive') AND l.expires_at IS NOT NULL"
            " AND l.expires_at <= :now"
        )
    elif q.status in ("active", "inactive"):
        params["now"], params["status"] = q.now, q.status
        clauses.append("l.status = :status AND (l.expires_at IS NULL OR l.expires_at > :now)")
    elif q.status:
        params["status"] = q.status
        clauses.append("l.status = :status")
    if q.product_id is not None:
        params["product"] = q.product_id
        clauses.append("(l.product_id = :product OR l.variation_id = :product)")
    if q.customer_id is not None:
        params["customer"] = q.customer_id
        clauses.append("l.customer_id = :customer")
    if q.order_id is not None:
        params["order_id"] = q.order_id
        clauses.append("l.order_id = :order_id")
    if q.include:
        clauses.append(f"l.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"l.id NOT IN ({in_list('exc', q.exclude, params)})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


# -- licenses ------------------------------------------------------------------------
async def list_licenses(db: Store | Tx, q: LicenseQuery) -> tuple[list[Row], int]:
    params: dict[str, Any] = {}
    where = _where(q, params)
    total = await db.fetchval(
        "SELECT count(*) FROM licenses l LEFT JOIN users u ON u.id = l.customer_id" + where,
        params,
    )
    order = ORDER[q.orderby].format(dir="ASC" if q.order == "asc" else "DESC")
    rows = await db.fetchall(
        f"{SELECT}{where} ORDER BY {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": q.limit, "offset": q.offset},
    )
    return rows, total


async def license_by_id(db: Store | Tx, license_id: int) -> Row | None:
    return await db.fetchone(f"{SELECT} WHERE l.id = ?", (license_id,))


async def license_by_key(db: Store | Tx, key: str) -> Row | None:
    return await db.fetchone(f"{SELECT} WHERE l.license_key = ?", (key,))


async def key_taken(db: Store | Tx, key: str, exclude_id: int = 0) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM licenses WHERE license_key = ? AND id <> ?", (key, exclude_id)
    )
    return found is not None


async def insert_license(tx: Tx, values: dict[str, Any]) -> int:
    _check(values)
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO licenses ({names}) VALUES ({marks})", values)


async def update_license(tx: Tx, license_id: int, values: dict[str, Any]) -> int:
    _check(values)
    sets = ", ".join(f"{k} = :{k}" for k in values)
    return await tx.execute(
        f"UPDATE licenses SET {sets} WHERE id = :id", {**values, "id": license_id}
    )


def _check(values: dict[str, Any]) -> None:
    unknown = set(values) - LICENSE_COLUMNS
    if unknown:
        raise ValueError(f"not license columns: {sorted(unknown)}")


async def delete_license(tx: Tx, license_id: int) -> int:
    return await tx.execute("DELETE FROM licenses WHERE id = ?", (license_id,))


async def order_units(db: Store | Tx, order_id: int) -> set[tuple[int, int]]:
    rows = await db.fetchall(
        "SELECT order_line_id, order_unit FROM licenses WHERE order_id = ?", (order_id,)
    )
    return {(r["order_line_id"], r["order_unit"]) for r in rows}


async def set_order_status(
    tx: Tx, order_id: int, from_statuses: Sequence[str], status: str, when: str
) -> int:
    params: dict[str, Any] = {"order_id": order_id, "status": status, "when": when}
    return await tx.execute(
        "UPDATE licenses SET status = :status, updated_at = :when WHERE order_id = :order_id"
        f" AND status IN ({in_list('from', from_statuses, params)})",
        params,
    )


async def sync_usage_status(
    tx: Tx,
    when: str,
    *,
    license_id: int | None = None,
    order_id: int | None = None,
    from_statuses: Sequence[str] = ("active", "inactive"),
) -> int:
    """``active`` while a site is activated, else ``inactive``, for the licenses (of
    one id or one order) whose status is one of ``from_statuses``; how many."""
    params: dict[str, Any] = {"when": when, "id": license_id, "order_id": order_id}
    target = "id = :id" if license_id is not None else "order_id = :order_id"
    return await tx.execute(
        "UPDATE licenses SET updated_at = :when, status = CASE WHEN EXISTS (SELECT 1 FROM"
        " license_activations a WHERE a.license_id = licenses.id AND a.status = 'active')"
        f" THEN 'active' ELSE 'inactive' END WHERE {target}"
        f" AND status IN ({in_list('from', from_statuses, params)})",
        params,
    )


async def ids_from_source(db: Store | Tx, source: str) -> list[int]:
    rows = await db.fetchall("SELECT id FROM licenses WHERE source = ?", (source,))
    return [r["id"] for r in rows]


async def keys_from_source(db: Store | Tx, source: str) -> set[str]:
    rows = await db.fetchall("SELECT license_key FROM licenses WHERE source = ?", (source,))
    return {r["license_key"] for r in rows}


async def licensed_products(db: Store | Tx) -> list[Row]:
    return await db.fetchall(
        "SELECT id, name, sku, license_activation_method, license_activation_limit,"
        " license_validity_days FROM products WHERE licensing_enabled = 1"
        " AND parent_id IS NULL AND status <> 'trash' ORDER BY name COLLATE NOCASE, id"
    )


# -- activations ---------------------------------------------------------------------
async def activations_of(db: Store | Tx, license_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("lic", list(license_ids), params)
    return await db.fetchall(
        f"SELECT * FROM license_activations WHERE license_id IN ({ids})"
        " ORDER BY status = 'active' DESC, activated_at DESC, id DESC",
        params,
    )


async def activation_by_id(db: Store | Tx, activation_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM license_activations WHERE id = ?", (activation_id,))


async def activation_for_domain(db: Store | Tx, license_id: int, domain: str) -> Row | None:
    return await db.fetchone(
        "SELECT * FROM license_activations WHERE license_id = ? AND domain = ?",
        (license_id, domain),
    )


async def activation_by_digest(db: Store | Tx, digest: str) -> Row | None:
    return await db.fetchone("SELECT * FROM license_activations WHERE token_digest = ?", (digest,))


async def count_counted(db: Store | Tx, license_id: int) -> int:
    """Active activations that count toward the limit (not local)."""
    return await db.fetchval(
        "SELECT count(*) FROM license_activations"
        " WHERE license_id = ? AND status = 'active' AND is_local = 0",
        (license_id,),
    )


async def insert_activation(tx: Tx, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO license_activations ({names}) VALUES ({marks})", values)


ACTIVATION_UPDATABLE = frozenset({
    "raw_url", "token_digest", "is_local", "environment", "label", "status", "method",
    "activated_by", "ip", "user_agent", "activated_at", "deactivated_at", "last_seen_at",
})  # fmt: skip


async def update_activation(tx: Tx, activation_id: int, values: dict[str, Any]) -> int:
    unknown = set(values) - ACTIVATION_UPDATABLE
    if unknown:
        raise ValueError(f"not activation columns: {sorted(unknown)}")
    sets = ", ".join(f"{k} = :{k}" for k in values)
    return await tx.execute(
        f"UPDATE license_activations SET {sets} WHERE id = :id", {**values, "id": activation_id}
    )


async def touch_activation(tx: Tx, activation_id: int, when: str, stale_before: str) -> None:
    await tx.execute(
        "UPDATE license_activations SET last_seen_at = ? WHERE id = ?"
        " AND (last_seen_at IS NULL OR last_seen_at < ?)",
        (when, activation_id, stale_before),
    )


# -- OAuth activation requests -------------------------------------------------------
REQUEST_SELECT = (
    "SELECT r.*, l.license_key, l.product_id, l.customer_id, p.name AS product_name,"
    " u.email AS customer_email FROM license_activation_requests r"
    " JOIN licenses l ON l.id = r.license_id LEFT JOIN products p ON p.id = l.product_id"
    " LEFT JOIN users u ON u.id = l.customer_id"
)


async def insert_request(tx: Tx, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(
        f"INSERT INTO license_activation_requests ({names}) VALUES ({marks})", values
    )


async def request_by_hash(db: Store | Tx, state_hash: str) -> Row | None:
    return await db.fetchone(f"{REQUEST_SELECT} WHERE r.state_hash = ?", (state_hash,))


async def request_by_id(db: Store | Tx, request_id: int) -> Row | None:
    return await db.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))


async def pending_requests(db: Store | Tx, now: str, limit: int = 200) -> list[Row]:
    return await db.fetchall(
        f"{REQUEST_SELECT} WHERE r.status = 'pending' AND r.expires_at > ?"
        " ORDER BY r.expires_at, r.id LIMIT ?",
        (now, limit),
    )


async def consume_request(
    tx: Tx, request_id: int, status: str, when: str, by: int | None, activation_id: int | None
) -> int:
    """Mark a pending, unexpired request used; 0 rows when it was not (any more)."""
    return await tx.execute(
        "UPDATE license_activation_requests SET status = ?, used_at = ?, confirmed_by = ?,"
        " activation_id = ? WHERE id = ? AND status = 'pending' AND expires_at > ?",
        (status, when, by, activation_id, request_id, when),
    )


async def delete_expired_pending(tx: Tx, license_ids: Iterable[int], before: str) -> int:
    """Drop unanswered requests of these licenses that expired by ``before``."""
    params: dict[str, Any] = {"now": before}
    ids = in_list("lic", list(license_ids), params)
    return await tx.execute(
        "DELETE FROM license_activation_requests WHERE status = 'pending'"
        f" AND expires_at <= :now AND license_id IN ({ids})",
        params,
    )
