"""SQL for coupons and coupon uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from store.catalog import in_list, like
from store.db import Row, Store, Tx

WRITABLE = (
    "code", "code_key", "status", "discount_type", "amount", "description", "date_expires",
    "usage_limit", "usage_limit_per_user", "limit_usage_to_x_items", "individual_use",
    "product_ids", "excluded_product_ids", "product_categories", "excluded_product_categories",
    "exclude_sale_items", "minimum_amount", "maximum_amount", "free_shipping",
    "email_restrictions", "created_at", "modified_at",
)  # fmt: skip
SELECT = (
    "SELECT c.*, (SELECT COUNT(*) FROM coupon_uses u WHERE u.coupon_id = c.id) AS usage_count"
    " FROM coupons c"
)
ORDER = {
    "date": "c.created_at {dir}, c.id {dir}",
    "modified": "c.modified_at {dir}, c.id {dir}",
    "id": "c.id {dir}",
    "title": "c.code_key {dir}, c.id {dir}",
    "code": "c.code_key {dir}, c.id {dir}",
}


@dataclass
class CouponQuery:
    limit: int = 10
    offset: int = 0
    search: str = ""
    code_key: str = ""
    discount_type: str | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def _check_columns(values: dict[str, Any]) -> None:
    unknown = set(values) - set(WRITABLE)
    if unknown:
        raise ValueError(f"not coupon columns: {sorted(unknown)}")


async def insert(tx: Tx, values: dict[str, Any]) -> int:
    _check_columns(values)
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO coupons ({names}) VALUES ({marks})", values)


async def update(tx: Tx, coupon_id: int, values: dict[str, Any]) -> None:
    _check_columns(values)
    if values:
        sets = ", ".join(f"{k} = :{k}" for k in values)
        await tx.execute(f"UPDATE coupons SET {sets} WHERE id = :id", {**values, "id": coupon_id})


async def delete(tx: Tx, coupon_id: int) -> int:
    return await tx.execute("DELETE FROM coupons WHERE id = ?", (coupon_id,))


async def by_id(db: Store | Tx, coupon_id: int) -> Row | None:
    return await db.fetchone(f"{SELECT} WHERE c.id = ?", (coupon_id,))


async def by_code_keys(db: Store | Tx, code_keys: Sequence[str]) -> list[Row]:
    """The coupons (outside the trash) with these normalised codes."""
    params: dict[str, Any] = {}
    keys = in_list("k", list(code_keys), params)
    return await db.fetchall(
        f"{SELECT} WHERE c.status <> 'trash' AND c.code_key IN ({keys})", params
    )


async def code_owner(db: Store | Tx, code_key: str, exclude_id: int = 0) -> int | None:
    return await db.fetchval(
        "SELECT id FROM coupons WHERE code_key = ? AND status <> 'trash' AND id <> ?",
        (code_key, exclude_id),
    )


async def list_coupons(db: Store | Tx, q: CouponQuery) -> tuple[list[Row], int]:
    params: dict[str, Any] = {"limit": q.limit, "offset": q.offset}
    clauses = ["c.status <> 'trash'"]
    if q.search:
        params["q"] = like(q.search)
        clauses.append("(c.code LIKE :q ESCAPE '\\' OR c.description LIKE :q ESCAPE '\\')")
    if q.code_key:
        params["code_key"] = q.code_key
        clauses.append("c.code_key = :code_key")
    if q.discount_type:
        params["discount_type"] = q.discount_type
        clauses.append("c.discount_type = :discount_type")
    if q.include:
        clauses.append(f"c.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"c.id NOT IN ({in_list('exc', q.exclude, params)})")
    where = " AND ".join(clauses)
    total = await db.fetchval(f"SELECT COUNT(*) FROM coupons c WHERE {where}", params)
    direction = "ASC" if q.order == "asc" else "DESC"
    if q.orderby == "include" and q.include:
        order = f"instr(',' || :inc_order || ',', ',' || c.id || ',') {direction}"
        params["inc_order"] = ",".join(str(i) for i in q.include)
    else:
        order = ORDER.get(q.orderby, ORDER["date"]).format(dir=direction)
    rows = await db.fetchall(
        f"{SELECT} WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset", params
    )
    return rows, total


# -- uses -------------------------------------------------------------------------------
async def used_by(db: Store | Tx, coupon_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("c", list(coupon_ids), params)
    return await db.fetchall(
        "SELECT coupon_id, user_id, email FROM coupon_uses"
        f" WHERE coupon_id IN ({ids}) ORDER BY used_at, order_id",
        params,
    )


async def usage(
    db: Store | Tx,
    coupon_ids: Iterable[int],
    *,
    user_id: int | None,
    email: str,
    exclude_order_id: int = 0,
) -> dict[int, tuple[int, int]]:
    """Per coupon: (uses by every order, uses by this customer), leaving one order out.
    The customer is the user when there is one, else the (lower-case) email."""
    params: dict[str, Any] = {"user": user_id, "email": email, "order": exclude_order_id}
    ids = in_list("c", list(coupon_ids), params)
    mine = "user_id = :user" if user_id else "(user_id IS NULL AND email = :email AND :email <> '')"
    rows = await db.fetchall(
        f"SELECT coupon_id, COUNT(*) AS total, SUM(CASE WHEN {mine} THEN 1 ELSE 0 END) AS mine"
        " FROM coupon_uses"
        f" WHERE coupon_id IN ({ids}) AND order_id <> :order GROUP BY coupon_id",
        params,
    )
    return {row["coupon_id"]: (row["total"], row["mine"] or 0) for row in rows}


async def add_uses(tx: Tx, rows: Iterable[tuple[int, int, int | None, str, str]]) -> None:
    """(coupon_id, order_id, user_id, email, used_at) rows; an existing use is kept."""
    await tx.executemany(
        "INSERT INTO coupon_uses (coupon_id, order_id, user_id, email, used_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        rows,
    )


async def release_uses(tx: Tx, order_id: int) -> None:
    await tx.execute("DELETE FROM coupon_uses WHERE order_id = ?", (order_id,))


async def category_names(db: Store | Tx, term_ids: Iterable[int]) -> dict[int, str]:
    params: dict[str, Any] = {}
    ids = in_list("t", list(term_ids), params)
    rows = await db.fetchall(f"SELECT id, name FROM terms WHERE id IN ({ids})", params)
    return {row["id"]: row["name"] for row in rows}


def rescale_expr(old: int, new: int) -> str:
    """SQL taking a money column ``{col}`` from ``old`` to ``new`` decimals (halves up)."""
    if new > old:
        return "{col} * " + str(10 ** (new - old))
    divisor = 10 ** (old - new)
    return "({col} + " + str(divisor // 2) + ") / " + str(divisor)


async def rescale_money(tx: Tx, old: int, new: int) -> None:
    """Fixed amounts and spend limits at ``new`` decimals instead of ``old``; percent
    amounts are not money and stay."""
    expr = rescale_expr(old, new)
    await tx.execute(
        "UPDATE coupons SET "
        f"amount = CASE WHEN discount_type = 'percent' THEN amount"
        f" ELSE {expr.format(col='amount')} END, "
        f"minimum_amount = {expr.format(col='minimum_amount')}, "
        f"maximum_amount = {expr.format(col='maximum_amount')}"
    )
