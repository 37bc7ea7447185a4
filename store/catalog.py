"""SQL for products and their variations, their category/tag links, and media."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from store.base import Dialect
from store.db import Row, Store, Tx
from store.errors import StoreError
from store.search_cache import Matches, filling_sql, through_cache

WRITABLE = (
    "parent_id", "type", "status", "name", "slug", "sku", "description", "short_description",
    "featured", "catalog_visibility", "regular_price", "sale_price", "sale_from", "sale_to",
    "virtual", "downloadable", "downloads", "download_limit", "download_expiry", "tax_status",
    "tax_class", "manage_stock", "stock_quantity", "backorders", "stock_status",
    "sold_individually", "weight", "dimensions", "menu_order", "total_sales", "image_ids",
    "attributes", "default_attributes", "licensing_enabled", "license_activation_method",
    "license_activation_limit", "license_validity_days", "created_at", "modified_at",
)  # fmt: skip


def _active_price(r: str) -> str:
    """The price a row sells at now (WC_Product::is_on_sale): the sale price while a
    sale lower than the regular price runs, else the regular price."""
    return (
        f"CASE WHEN {r}.sale_price IS NOT NULL AND {r}.regular_price IS NOT NULL"
        f" AND {r}.sale_price < {r}.regular_price"
        f" AND ({r}.sale_from IS NULL OR {r}.sale_from <= :now)"
        f" AND ({r}.sale_to IS NULL OR {r}.sale_to >= :now)"
        f" THEN {r}.sale_price ELSE {r}.regular_price END"
    )


def _on_sale(r: str) -> str:
    return (
        f"({r}.sale_price IS NOT NULL AND {r}.regular_price IS NOT NULL"
        f" AND {r}.sale_price < {r}.regular_price"
        f" AND ({r}.sale_from IS NULL OR {r}.sale_from <= :now)"
        f" AND ({r}.sale_to IS NULL OR {r}.sale_to >= :now))"
    )


# A variable product sells at its cheapest enabled variation.
PRICE_SQL = (
    "CASE WHEN p.type = 'variable' THEN (SELECT MIN(" + _active_price("v") + ") FROM products v"
    " WHERE v.parent_id = p.id AND v.status = 'publish') ELSE " + _active_price("p") + " END"
)
ON_SALE_SQL = (
    "CASE WHEN p.type = 'variable' THEN EXISTS (SELECT 1 FROM products v WHERE v.parent_id = p.id"
    " AND v.status = 'publish' AND " + _on_sale("v") + ") ELSE " + _on_sale("p") + " END"
)
ORDER_SQL = {
    "date": "p.created_at {dir}, p.id {dir}",
    "modified": "p.modified_at {dir}, p.id {dir}",
    "id": "p.id {dir}",
    "title": "p.name COLLATE NOCASE {dir}, p.id {dir}",
    "slug": "p.slug {dir}, p.id {dir}",
    "price": "price {dir}, p.id {dir}",
    "menu_order": "p.menu_order {dir}, p.name COLLATE NOCASE {dir}",
    "popularity": "p.total_sales {dir}, p.id {dir}",
}


@dataclass
class ProductQuery:
    """A product listing, resolved to store terms (ids, minor units)."""

    now: str
    limit: int = 10
    offset: int = 0
    search: str = ""
    statuses: tuple[str, ...] = ()  # empty: any status but trash
    types: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    term_ids: tuple[tuple[int, ...], ...] = ()  # each group: the product has one of them
    stock_status: str | None = None
    on_sale: bool | None = None
    featured: bool | None = None
    min_price: int | None = None
    max_price: int | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def trigram_match(text: str, columns: Sequence[str]) -> str | None:
    """An FTS5 query for the rows of a trigram index (migration 0010) where ``text`` is
    a substring of one of ``columns``: exactly the rows where ``column LIKE '%text%'``
    holds for one of them (the index holds each column lower-cased as LIKE folds it:
    ASCII only). None when ``text`` is too short to hold a trigram."""
    if len(text) < 3 or "\x00" in text:
        return None
    phrase = text.translate(_ASCII_LOWER).replace('"', '""')
    return "{" + " ".join(columns) + '} : "' + phrase + '"'


# The products whose name or SKU holds :fts_names, whose short or long description
# holds :fts_text (when given), or with a variation whose SKU holds :fts_sku.
NAMES_MATCH = "p.id IN (SELECT rowid FROM products_search WHERE products_search MATCH :fts_names)"
TEXT_MATCH = (
    "p.id IN (SELECT rowid FROM products_text_search WHERE products_text_search MATCH :fts_text)"
)
VARIATION_MATCH = (
    "p.id IN (SELECT v.parent_id FROM products v WHERE v.id IN"
    " (SELECT rowid FROM products_search WHERE products_search MATCH :fts_sku))"
)
# The same products from the search's kept ids (store/search_cache.py), and the version
# of the indexed text (migration 0017) they hold while it has not moved.
KEPT_IDS = "p.id IN (SELECT value FROM json_each(:search_ids))"
SEARCH_VERSION_SQL = (
    "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'products_search_version')"
)
WALK_PAST = 500  # a search's kept matches past which a page walks its ordering index


PG_SEARCH_MIN = 3  # shorter than a trigram, a pattern cannot narrow a pg_trgm index


def like_union(
    key: str, sources: Sequence[tuple[str, ...]], text: str, params: dict[str, Any]
) -> str | None:
    """PostgreSQL: ``key IN (...)`` the rows where ``text`` is a substring of one of the
    sources (``(id column, table, expression[, condition])``), one pg_trgm index lookup
    each (migration 0016), the same rows as ``expression LIKE '%text%'`` ORed together.
    None when ``text`` is too short to use the indexes."""
    if len(text) < PG_SEARCH_MIN:
        return None
    params["q"] = like(text)
    parts = []
    for column, table, expression, *condition in sources:
        where = " AND ".join([f"{expression} LIKE :q ESCAPE '\\'", *condition])
        parts.append(f"SELECT {column} FROM {table} WHERE {where}")
    return f"{key} IN ({' UNION ALL '.join(parts)})"


def indexed_search(
    text: str,
    params: dict[str, Any],
    *,
    descriptions: bool,
    variations: bool,
    dialect: Dialect = "sqlite",
) -> str | None:
    """The condition (and its parameters) of a product search through the trigram
    indexes: ``text`` in the name or SKU, the descriptions, a variation's SKU. None when
    ``text`` cannot use them. On PostgreSQL: the pg_trgm indexes (like_union)."""
    if dialect == "postgresql":
        sources: list[tuple[str, ...]] = [("id", "products", "name"), ("id", "products", "sku")]
        if descriptions:
            sources += [("id", "products", "short_description"), ("id", "products", "description")]
        if variations:
            sources.append(("parent_id", "products", "sku", "parent_id IS NOT NULL"))
        return like_union("p.id", sources, text, params)
    names = trigram_match(text, ("name", "sku"))
    if names is None:
        return None
    params["fts_names"] = names
    if descriptions:
        params["fts_text"] = trigram_match(text, ("short_description", "description"))
    if variations:
        params["fts_sku"] = trigram_match(text, ("sku",))
    return _trigram_condition(params)


def _trigram_condition(params: dict[str, Any]) -> str:
    """The condition ``indexed_search`` made for the FTS5 queries in ``params``."""
    found = [NAMES_MATCH]
    if "fts_text" in params:
        found.append(TEXT_MATCH)
    if "fts_sku" in params:
        found.append(VARIATION_MATCH)
    return "(" + " OR ".join(found) + ")"


def _filling(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement reading the products (not variations) a search through the trigram
    indexes matches, whatever else filters them, and its parameters."""
    matched = ["SELECT rowid FROM products_search WHERE products_search MATCH :fts_names"]
    if "fts_text" in params:
        matched.append(
            "SELECT rowid FROM products_text_search WHERE products_text_search MATCH :fts_text"
        )
    if "fts_sku" in params:
        matched.append(
            "SELECT parent_id FROM products WHERE id IN"
            " (SELECT rowid FROM products_search WHERE products_search MATCH :fts_sku)"
        )
    ids = (
        f"SELECT id FROM products WHERE parent_id IS NULL AND id IN ({' UNION ALL '.join(matched)})"
    )
    fts: dict[str, Any] = {
        k: params[k] for k in ("fts_names", "fts_text", "fts_sku") if k in params
    }
    return filling_sql(SEARCH_VERSION_SQL, ids), fts


def in_list(name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    keys = []
    for i, value in enumerate(values):
        key = f"{name}{i}"
        params[key] = value
        keys.append(f":{key}")
    return ", ".join(keys) or "NULL"


def _where(q: ProductQuery, params: dict[str, Any], dialect: Dialect) -> str:
    clauses = ["p.parent_id IS NULL"]
    if q.statuses:
        clauses.append(f"p.status IN ({in_list('st', q.statuses, params)})")
    else:
        clauses.append("p.status <> 'trash'")
    if q.types:
        clauses.append(f"p.type IN ({in_list('ty', q.types, params)})")
    if q.skus:
        clauses.append(f"lower(p.sku) IN ({in_list('sku', [s.lower() for s in q.skus], params)})")
    for n, group in enumerate(q.term_ids):
        ids = in_list(f"t{n}_", group, params)
        clauses.append(f"p.id IN (SELECT product_id FROM product_terms WHERE term_id IN ({ids}))")
    if found := indexed_search(
        q.search, params, descriptions=True, variations=True, dialect=dialect
    ):
        clauses.append(found)
    elif q.search:
        params["q"] = like(q.search)
        fields = ("p.name", "p.sku", "p.short_description", "p.description")
        matches = " OR ".join(f"{f} LIKE :q ESCAPE '\\'" for f in fields)
        clauses.append(
            f"({matches} OR EXISTS (SELECT 1 FROM products v WHERE v.parent_id = p.id"
            " AND v.sku LIKE :q ESCAPE '\\'))"
        )
    if q.stock_status:
        params["stock_status"] = q.stock_status
        clauses.append("p.stock_status = :stock_status")
    if q.on_sale is not None:
        clauses.append(f"({ON_SALE_SQL})" if q.on_sale else f"NOT ({ON_SALE_SQL})")
    if q.featured is not None:
        clauses.append(f"p.featured = {int(q.featured)}")
    if q.min_price is not None:
        params["min_price"] = q.min_price
        clauses.append(f"({PRICE_SQL}) >= :min_price")
    if q.max_price is not None:
        params["max_price"] = q.max_price
        clauses.append(f"({PRICE_SQL}) <= :max_price")
    if q.include:
        clauses.append(f"p.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"p.id NOT IN ({in_list('exc', q.exclude, params)})")
    return " AND ".join(clauses)


def _listing(q: ProductQuery, dialect: Dialect) -> tuple[str, str, dict[str, Any]]:
    params: dict[str, Any] = {"now": q.now}
    where = _where(q, params, dialect)
    direction = "ASC" if q.order == "asc" else "DESC"
    if q.orderby == "include" and q.include:
        whens = " ".join(f"WHEN {int(pid)} THEN {i}" for i, pid in enumerate(q.include))
        order = f"CASE p.id {whens} END"
    else:
        order = ORDER_SQL.get(q.orderby, ORDER_SQL["date"]).format(dir=direction)
    return where, order, params


async def list_products(db: Store | Tx, q: ProductQuery) -> tuple[list[Row], int]:
    where, order, params = _listing(q, db.dialect)
    return await product_page(db, where, order, params, q.limit, q.offset)


async def list_refs(db: Store | Tx, q: ProductQuery) -> Refs:
    """The page of ``list_products`` as ids and render versions."""
    where, order, params = _listing(q, db.dialect)
    # A search's matches in date order: walking the dates meets a page of many soon.
    walk = "products_roots" if order.startswith("p.created_at ") else ""
    return await page_refs(db, where, order, params, q.limit, q.offset, walk=walk)


async def product_page(
    db: Store | Tx, where: str, order: str, params: dict[str, Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of the products matching ``where`` (with their effective price), and
    how many match in all."""
    total = await db.fetchval(f"SELECT COUNT(*) FROM products p WHERE {where}", params)
    rows = await db.fetchall(
        f"SELECT p.*, ({PRICE_SQL}) AS price FROM products p WHERE {where} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return rows, int(total or 0)


# -- render versions (migration 0011): what the render cache checks per request ----
SETTINGS_VERSION_SQL = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'settings_version')"


@dataclass(frozen=True)
class Refs:
    """A page of products as (id, render version) pairs, how many match in all, and the
    shop settings' version, read in one query."""

    items: list[tuple[int, int]]
    total: int
    settings_version: int


async def page_refs(
    db: Store | Tx,
    where: str,
    order: str,
    params: dict[str, Any],
    limit: int,
    offset: int,
    *,
    walk: str = "",
) -> Refs:
    """``product_page`` as ids and versions: one query (two past the last page).

    Without a search the total is an uncorrelated subquery, run once: a window count
    (``COUNT(*) OVER ()``) would read and sort every match before the first row, where
    the page alone walks an ordering index (``products_roots``, ``products_shop``). A
    search through the trigram indexes (SQLite) is run once, its matches kept in
    ``matched`` for the total and the page; ``walk`` names the index whose order is the
    page's, walked instead of sorting every match. A search on PostgreSQL keeps the
    window count (its pg_trgm union, run once). On a SQLite store a search's matches
    come from its kept ids when it has them (store/search_cache.py)."""
    if "fts_names" in params:
        kept = await through_cache(
            db,
            ("products", params["fts_names"], params.get("fts_text"), params.get("fts_sku")),
            _filling(params),
            lambda matches: _kept_refs(db, where, order, params, (limit, offset), walk, matches),
        )
        if kept is not None:
            return kept
    rows = await db.fetchall(
        refs_sql(where, order, params, walk), {**params, "limit": limit, "offset": offset}
    )
    if rows:
        return Refs([(r[0], r[1]) for r in rows], rows[0][2], int(rows[0][3] or 0))
    if not offset:
        return Refs([], 0, 0)
    total = await db.fetchval(f"SELECT COUNT(*) FROM products p WHERE {where}", params)
    return Refs([], int(total or 0), 0)


async def _kept_refs(
    db: Store | Tx,
    where: str,
    order: str,
    params: dict[str, Any],
    window: tuple[int, int],
    walk: str,
    matches: Matches,
) -> Refs | None:
    """``page_refs`` of a search from its kept ids: one statement that also reads the
    search version (a second, without the page, past the last page); None when the
    version is not the one the ids were read at. Few matches are read and sorted; many
    walk ``walk``."""
    if matches.count == 0:
        version = await db.fetchval(f"SELECT {SEARCH_VERSION_SQL}")
        return Refs([], 0, 0) if version == matches.version else None
    found, values = kept_listing(where, params, matches)
    limit, offset = window
    values.update(limit=limit, offset=offset)
    walked = walk if matches.count >= WALK_PAST else ""
    rows = await db.fetchall(refs_sql(found, order, values, walked), values)
    if not rows:
        rows = await db.fetchall(
            f"SELECT {SEARCH_VERSION_SQL} AS search_version,"
            f" (SELECT COUNT(*) FROM products p WHERE {found}) AS total",
            values,
        )
        if rows[0]["search_version"] != matches.version:
            return None
        return Refs([], int(rows[0]["total"]), 0)
    if rows[0]["search_version"] != matches.version:
        return None
    return Refs([(r[0], r[1]) for r in rows], rows[0][2], int(rows[0][3] or 0))


def kept_listing(
    where: str, params: dict[str, Any], matches: Matches
) -> tuple[str, dict[str, Any]]:
    """``where`` and ``params`` of a search through the trigram indexes, reading its
    matches from its kept ids instead."""
    condition = _trigram_condition(params)
    if condition not in where:
        raise StoreError("a search's condition is not the one indexed_search made")
    return where.replace(condition, KEPT_IDS), {**params, "search_ids": matches.ids}


def refs_sql(where: str, order: str, params: dict[str, Any], walk: str = "") -> str:
    """page_refs's statement (with the search version when it reads kept ids)."""
    extra = f", {SEARCH_VERSION_SQL} AS search_version" if "search_ids" in params else ""
    extra += f", ({PRICE_SQL}) AS price" if "price" in order else ""
    head, source, found = "", "products p", where
    if "fts_names" in params:
        head = f"WITH matched(id) AS MATERIALIZED (SELECT p.id FROM products p WHERE {where}) "
        total = "(SELECT COUNT(*) FROM matched)"
        source += f" INDEXED BY {walk}" if walk else ""
        found = "p.parent_id IS NULL AND p.id IN matched"
    elif "q" in params:
        total = "COUNT(*) OVER ()"
    else:
        total = f"(SELECT COUNT(*) FROM products p WHERE {where})"
    return (
        f"{head}SELECT p.id, p.version, {total} AS total, {SETTINGS_VERSION_SQL} AS sv{extra}"
        f" FROM {source} WHERE {found} ORDER BY {order} LIMIT :limit OFFSET :offset"
    )


async def ref_by_id(db: Store | Tx, product_id: int) -> Row | None:
    """A product's id, parent, status and render version, and the settings' version."""
    rows = await db.fetchall(
        f"SELECT id, parent_id, status, version, {SETTINGS_VERSION_SQL} AS settings_version"
        " FROM products WHERE id = ?",
        (product_id,),
    )
    return rows[0] if rows else None


async def with_variations(db: Store | Tx, product_ids: Iterable[int]) -> list[Row]:
    """The rows of ``product_ids`` then those of their variations (in their order)."""
    params: dict[str, Any] = {}
    ids = in_list("id", list(product_ids), params)
    return await db.fetchall(
        f"SELECT * FROM products WHERE id IN ({ids}) OR parent_id IN ({ids})"
        " ORDER BY parent_id IS NOT NULL, parent_id, menu_order, id",
        params,
    )


async def by_id(db: Store | Tx, product_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM products WHERE id = ?", (product_id,))


async def variations_of(db: Store | Tx, parent_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("id", list(parent_ids), params)
    return await db.fetchall(
        f"SELECT * FROM products WHERE parent_id IN ({ids}) ORDER BY parent_id, menu_order, id",
        params,
    )


async def insert(tx: Tx, values: dict[str, Any]) -> int:
    _check_columns(values)
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO products ({names}) VALUES ({marks})", values)


async def update(tx: Tx, product_id: int, values: dict[str, Any]) -> int:
    _check_columns(values)
    if not values:
        return 0
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    return await tx.execute(
        f"UPDATE products SET {assignments} WHERE id = :_id", {**values, "_id": product_id}
    )


def _check_columns(values: dict[str, Any]) -> None:
    unknown = set(values) - set(WRITABLE)
    if unknown:
        raise ValueError(f"not product columns: {sorted(unknown)}")


async def delete(tx: Tx, product_id: int) -> int:
    return await tx.execute("DELETE FROM products WHERE id = ?", (product_id,))


async def delete_many(tx: Tx, product_ids: Iterable[int]) -> None:
    await tx.executemany("DELETE FROM products WHERE id = ?", [(i,) for i in product_ids])


async def slug_taken(db: Store | Tx, slug: str, exclude_id: int = 0) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM products WHERE slug = ? AND id <> ?)", (slug, exclude_id)
        )
    )


async def sku_owner(db: Store | Tx, sku: str, exclude_ids: Iterable[int] = ()) -> int | None:
    """The product or variation outside the trash that uses ``sku`` (any case)."""
    params: dict[str, Any] = {"sku": sku.lower()}
    excluded = list(exclude_ids)
    where = f" AND id NOT IN ({in_list('ex', excluded, params)})" if excluded else ""
    return await db.fetchval(
        "SELECT id FROM products WHERE lower(sku) = :sku AND sku <> '' AND status <> 'trash'"
        f"{where} LIMIT 1",
        params,
    )


async def search(db: Store | Tx, text: str, limit: int, now: str) -> list[Row]:
    """Products (not variations) outside the trash whose name or SKU matches, or whose id
    is ``text``; the newest first when ``text`` is empty."""
    params: dict[str, Any] = {"q": like(text), "now": now, "limit": limit}
    where = "p.parent_id IS NULL AND p.status <> 'trash'"
    if text:
        params["id"] = int(text) if text.isascii() and text.isdigit() and len(text) < 16 else -1
        if found := indexed_search(
            text, params, descriptions=False, variations=True, dialect=db.dialect
        ):
            where += f" AND (p.id = :id OR {found})"
        else:
            where += (
                " AND (p.id = :id OR p.name LIKE :q ESCAPE '\\' OR p.sku LIKE :q ESCAPE '\\'"
                " OR EXISTS (SELECT 1 FROM products v WHERE v.parent_id = p.id"
                " AND v.sku LIKE :q ESCAPE '\\'))"
            )
    # Names that match first; with no text every name matches, so the newest first
    # (read in index order, not sorted).
    rank = "(p.name LIKE :q ESCAPE '\\') DESC, " if text else ""
    return await db.fetchall(
        f"SELECT p.*, ({PRICE_SQL}) AS price FROM products p WHERE {where} "
        f"ORDER BY {rank}p.created_at DESC, p.id DESC LIMIT :limit",
        params,
    )


async def change_stock(tx: Tx, product_id: int, delta: int, when: str) -> int | None:
    await tx.execute(
        "UPDATE products SET stock_quantity = COALESCE(stock_quantity, 0) + ?, modified_at = ? "
        "WHERE id = ?",
        (delta, when, product_id),
    )
    return await tx.fetchval("SELECT stock_quantity FROM products WHERE id = ?", (product_id,))


async def set_stock_status(tx: Tx, product_id: int, status: str) -> None:
    await tx.execute("UPDATE products SET stock_status = ? WHERE id = ?", (status, product_id))


async def add_sales(tx: Tx, product_id: int, quantity: int) -> None:
    await tx.execute(
        "UPDATE products SET total_sales = MAX(0, total_sales + ?) WHERE id = ?",
        (quantity, product_id),
    )


async def rescale_prices(tx: Tx, old: int, new: int) -> None:
    """Store prices at ``new`` decimals instead of ``old`` (halves round up)."""
    if new > old:
        factor = 10 ** (new - old)
        expr = "{col} * " + str(factor)
    else:
        divisor = 10 ** (old - new)
        expr = "({col} + " + str(divisor // 2) + ") / " + str(divisor)
    await tx.execute(
        "UPDATE products SET "
        f"regular_price = {expr.format(col='regular_price')}, "
        f"sale_price = {expr.format(col='sale_price')}"
    )


# -- category and tag links --------------------------------------------------------
async def set_terms(tx: Tx, product_id: int, taxonomy: str, term_ids: Sequence[int]) -> None:
    await tx.execute(
        "DELETE FROM product_terms WHERE product_id = ? AND term_id IN "
        "(SELECT id FROM terms WHERE taxonomy = ?)",
        (product_id, taxonomy),
    )
    await tx.executemany(
        "INSERT INTO product_terms (product_id, term_id, position) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(product_id, term_id, i) for i, term_id in enumerate(term_ids)],
    )


async def terms_of(db: Store | Tx, product_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("id", list(product_ids), params)
    return await db.fetchall(
        "SELECT pt.product_id, t.id, t.taxonomy, t.name, t.slug FROM product_terms pt "
        f"JOIN terms t ON t.id = pt.term_id WHERE pt.product_id IN ({ids}) "
        "ORDER BY pt.product_id, pt.position, t.id",
        params,
    )


# -- media ------------------------------------------------------------------------
async def media_by_ids(db: Store | Tx, media_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("id", list(media_ids), params)
    return await db.fetchall(f"SELECT * FROM media WHERE id IN ({ids})", params)


async def media_id_by_src(db: Store | Tx, src: str) -> int | None:
    return await db.fetchval("SELECT id FROM media WHERE src = ? ORDER BY id LIMIT 1", (src,))


async def insert_media(tx: Tx, src: str, name: str, alt: str, when: str) -> int:
    return await tx.insert(
        "INSERT INTO media (src, name, alt, created_at) VALUES (?, ?, ?, ?)",
        (src, name, alt, when),
    )


async def update_media(tx: Tx, media_id: int, name: str | None, alt: str | None) -> None:
    await tx.execute(
        "UPDATE media SET name = COALESCE(?, name), alt = COALESCE(?, alt) WHERE id = ?",
        (name, alt, media_id),
    )
