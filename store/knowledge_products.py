"""Reading products synced into the knowledge base (written by ``store.sync_writer``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from store.db import Row, Store, Tx

COLUMNS = (
    "id, user_id, external_source, external_id, source_product_id, token_id, sku, title, "
    "short_description, description, price, regular_price, sale_price, discount_amount, "
    "currency, stock_quantity, stock_status, in_stock, categories, tags, image, gallery, "
    "permalink, product_type, on_sale, date_modified, content_hash, content_updated_at, "
    "is_active, deleted_at, created_at, updated_at"
)
# ordering name -> SQL expression; NULL prices sort last either way
ORDERINGS = {
    "price": "price IS NULL, price",
    "title": "title_key",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "stock_quantity": "stock_quantity IS NULL, stock_quantity",
    "date_modified": "date_modified IS NULL, date_modified",
}


@dataclass(frozen=True)
class ProductQuery:
    user_id: int
    external_source: str | None = None
    category_key: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    is_active: bool | None = True
    has_discount: bool | None = None
    search_terms: tuple[str, ...] = ()
    ordering: tuple[tuple[str, bool], ...] = field(default=(("created_at", True),))


def _where(query: ProductQuery) -> tuple[str, list[Any]]:
    clauses = ["user_id = ?"]
    params: list[Any] = [query.user_id]
    if query.external_source is not None:
        clauses.append("external_source = ?")
        params.append(query.external_source)
    if query.category_key is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(category_keys) WHERE value = ?)")
        params.append(query.category_key)
    if query.min_price is not None:
        clauses.append("price >= ?")
        params.append(query.min_price)
    if query.max_price is not None:
        clauses.append("price <= ?")
        params.append(query.max_price)
    for name, value in (("in_stock", query.in_stock), ("is_active", query.is_active)):
        if value is not None:
            clauses.append(f"{name} = ?")
            params.append(int(value))
    if query.has_discount is not None:
        clauses.append("discount_amount > 0" if query.has_discount else "discount_amount = 0")
    for term in query.search_terms:
        clauses.append("instr(search_text, ?) > 0")
        params.append(term)
    return " WHERE " + " AND ".join(clauses), params


def _order(query: ProductQuery) -> str:
    parts = []
    for name, descending in query.ordering:
        expression = ORDERINGS[name]
        head, _, tail = expression.rpartition(", ")
        direction = " DESC" if descending else ""
        parts.append(f"{head + ', ' if head else ''}{tail}{direction}")
    parts.append("seq DESC")
    return " ORDER BY " + ", ".join(parts)


async def search(db: Store | Tx, query: ProductQuery, limit: int, offset: int) -> list[Row]:
    where, params = _where(query)
    return await db.fetchall(
        f"SELECT {COLUMNS} FROM knowledge_products{where}{_order(query)} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )


async def count(db: Store | Tx, query: ProductQuery) -> int:
    where, params = _where(query)
    return await db.fetchval(f"SELECT count(*) FROM knowledge_products{where}", params)


async def by_id(db: Store | Tx, user_id: int, product_id: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {COLUMNS} FROM knowledge_products WHERE id = ? AND user_id = ?",
        (product_id, user_id),
    )


async def stats(db: Store | Tx, user_id: int) -> dict[str, Any]:
    row = await db.fetchrow(
        "SELECT count(*) AS total, coalesce(sum(is_active), 0) AS active, "
        "coalesce(sum(CASE WHEN is_active <> 0 AND in_stock <> 0 THEN 1 END), 0) AS in_stock, "
        "coalesce(sum(CASE WHEN is_active <> 0 AND discount_amount > 0 THEN 1 END), 0)"
        " AS with_discount, "
        "min(CASE WHEN is_active <> 0 THEN price END) AS min_price, "
        "max(CASE WHEN is_active <> 0 THEN price END) AS max_price "
        "FROM knowledge_products WHERE user_id = ?",
        (user_id,),
    )
    sources = await db.fetchall(
        "SELECT external_source, count(*) AS n FROM knowledge_products "
        "WHERE user_id = ? AND is_active <> 0 GROUP BY external_source ORDER BY n DESC",
        (user_id,),
    )
    categories = await db.fetchall(
        "SELECT c.value AS name, count(*) AS n "
        "FROM knowledge_products p, json_each(p.categories) c "
        "WHERE p.user_id = ? AND p.is_active <> 0 GROUP BY c.value ORDER BY n DESC, name LIMIT 50",
        (user_id,),
    )
    return {
        **dict(row),
        "by_source": {r["external_source"]: r["n"] for r in sources},
        "by_category": {r["name"]: r["n"] for r in categories},
    }
