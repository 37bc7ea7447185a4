"""SQL for the public shop: published products a customer may see, and related ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.base import Dialect
from store.catalog import ON_SALE_SQL, Refs, in_list, indexed_search, like, page_refs, product_page
from store.db import Row, Store, Tx

# WooCommerce's storefront sorts; "rating" sorts by average rating, which is 0 for every
# product here (no reviews are stored), so WooCommerce's tie-breaker decides: newest id.
ORDER_SQL = {
    "date": "p.created_at {dir}, p.id {dir}",
    "price": "price {dir}, p.id {dir}",
    "popularity": "p.total_sales {dir}, p.id {dir}",
    "rating": "p.id {dir}",
    "title": "p.name COLLATE NOCASE {dir}, p.id {dir}",
}


@dataclass
class ShopQuery:
    now: str
    visibilities: tuple[str, ...]
    limit: int = 10
    offset: int = 0
    search: str = ""
    category_ids: tuple[int, ...] = ()  # any of these (subcategories already added)
    on_sale: bool | None = None
    featured: bool | None = None
    orderby: str = "date"
    order: str = "desc"


def _where(q: ShopQuery, params: dict[str, Any], dialect: Dialect) -> str:
    clauses = [
        "p.parent_id IS NULL",
        "p.status = 'publish'",
        f"p.catalog_visibility IN ({in_list('vis', q.visibilities, params)})",
    ]
    if q.category_ids:
        ids = in_list("cat", q.category_ids, params)
        clauses.append(f"p.id IN (SELECT product_id FROM product_terms WHERE term_id IN ({ids}))")
    if q.search:
        params["q"] = like(q.search)  # also ranks the names that match first
    if found := indexed_search(
        q.search, params, descriptions=True, variations=False, dialect=dialect
    ):
        clauses.append(found)
    elif q.search:
        fields = ("p.name", "p.sku", "p.short_description", "p.description")
        clauses.append("(" + " OR ".join(f"{f} LIKE :q ESCAPE '\\'" for f in fields) + ")")
    if q.on_sale is not None:
        clauses.append(f"({ON_SALE_SQL})" if q.on_sale else f"NOT ({ON_SALE_SQL})")
    if q.featured is not None:
        clauses.append(f"p.featured = {int(q.featured)}")
    return " AND ".join(clauses)


def _listing(q: ShopQuery, dialect: Dialect) -> tuple[str, str, dict[str, Any]]:
    params: dict[str, Any] = {"now": q.now}
    where = _where(q, params, dialect)
    direction = "ASC" if q.order == "asc" else "DESC"
    order = ORDER_SQL.get(q.orderby, ORDER_SQL["date"]).format(dir=direction)
    if q.search:  # names that match come first, as WordPress ranks title matches
        order = f"(p.name LIKE :q ESCAPE '\\') DESC, {order}"
    return where, order, params


async def list_products(db: Store | Tx, q: ShopQuery) -> tuple[list[Row], int]:
    where, order, params = _listing(q, db.dialect)
    return await product_page(db, where, order, params, q.limit, q.offset)


async def list_refs(db: Store | Tx, q: ShopQuery) -> Refs:
    """The page of ``list_products`` as ids and render versions."""
    where, order, params = _listing(q, db.dialect)
    return await page_refs(db, where, order, params, q.limit, q.offset)


async def related(
    db: Store | Tx, product_id: int, visibilities: tuple[str, ...], limit: int
) -> list[Row]:
    """Published, listed products sharing a category or tag with ``product_id``, the
    ones sharing the most terms first, then the best sellers (with their render
    version in ``version``)."""
    params: dict[str, Any] = {"id": product_id, "limit": limit}
    shown = in_list("vis", visibilities, params)
    return await db.fetchall(
        "SELECT p.id, p.version, COUNT(*) AS shared FROM product_terms mine"
        " JOIN product_terms theirs ON theirs.term_id = mine.term_id"
        " AND theirs.product_id <> mine.product_id"
        " JOIN products p ON p.id = theirs.product_id"
        " WHERE mine.product_id = :id AND p.status = 'publish'"
        f" AND p.catalog_visibility IN ({shown})"
        " GROUP BY p.id ORDER BY shared DESC, p.total_sales DESC, p.id DESC LIMIT :limit",
        params,
    )


async def category_id_by_slug(db: Store | Tx, slug: str) -> int | None:
    return await db.fetchval(
        "SELECT id FROM terms WHERE taxonomy = 'product_cat' AND slug = ?", (slug,)
    )
