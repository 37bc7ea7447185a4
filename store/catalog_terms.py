"""SQL for product categories and tags (terms), and global attributes with their terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from store.catalog import in_list, like
from store.db import Row, Store, Tx

# Products in a term that are published (WordPress's term count).
COUNT_SQL = (
    "(SELECT COUNT(*) FROM product_terms pt JOIN products p ON p.id = pt.product_id"
    " WHERE pt.term_id = t.id AND p.status = 'publish')"
)
TERM_ORDER = {
    "id": "t.id {dir}",
    "name": "t.name COLLATE NOCASE {dir}, t.id {dir}",
    "slug": "t.slug {dir}, t.id {dir}",
    "count": "count {dir}, t.id {dir}",
    "description": "t.description {dir}, t.id {dir}",
    "menu_order": "t.menu_order {dir}, t.name COLLATE NOCASE {dir}",
}


@dataclass
class TermQuery:
    taxonomy: str
    limit: int = 10
    offset: int = 0
    search: str = ""
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    parent: int | None = None  # 0 = top level
    slugs: tuple[str, ...] = ()
    product: int | None = None
    hide_empty: bool = False
    orderby: str = "name"
    order: str = "asc"


async def list_terms(db: Store | Tx, q: TermQuery) -> tuple[list[Row], int]:
    params: dict[str, Any] = {"taxonomy": q.taxonomy}
    clauses = ["t.taxonomy = :taxonomy"]
    if q.search:
        params["q"] = like(q.search)
        clauses.append("(t.name LIKE :q ESCAPE '\\' OR t.slug LIKE :q ESCAPE '\\')")
    if q.include:
        clauses.append(f"t.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"t.id NOT IN ({in_list('exc', q.exclude, params)})")
    if q.parent is not None:
        if q.parent:
            params["parent"] = q.parent
            clauses.append("t.parent_id = :parent")
        else:
            clauses.append("t.parent_id IS NULL")
    if q.slugs:
        clauses.append(f"t.slug IN ({in_list('slug', q.slugs, params)})")
    if q.product is not None:
        params["product"] = q.product
        clauses.append("t.id IN (SELECT term_id FROM product_terms WHERE product_id = :product)")
    if q.hide_empty:
        clauses.append(f"{COUNT_SQL} > 0")
    where = " AND ".join(clauses)
    total = await db.fetchval(f"SELECT COUNT(*) FROM terms t WHERE {where}", params)
    direction = "ASC" if q.order == "asc" else "DESC"
    if q.orderby == "include" and q.include:
        whens = " ".join(f"WHEN {int(tid)} THEN {i}" for i, tid in enumerate(q.include))
        order = f"CASE t.id {whens} END"
    else:
        order = TERM_ORDER.get(q.orderby, TERM_ORDER["name"]).format(dir=direction)
    params.update(limit=q.limit, offset=q.offset)
    rows = await db.fetchall(
        f"SELECT t.*, {COUNT_SQL} AS count FROM terms t WHERE {where} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset",
        params,
    )
    return rows, int(total or 0)


async def term_by_id(db: Store | Tx, taxonomy: str, term_id: int) -> Row | None:
    return await db.fetchone(
        f"SELECT t.*, {COUNT_SQL} AS count FROM terms t WHERE t.taxonomy = ? AND t.id = ?",
        (taxonomy, term_id),
    )


async def existing_ids(db: Store | Tx, taxonomy: str, term_ids: Iterable[int]) -> set[int]:
    params: dict[str, Any] = {"taxonomy": taxonomy}
    ids = in_list("id", list(term_ids), params)
    rows = await db.fetchall(
        f"SELECT id FROM terms WHERE taxonomy = :taxonomy AND id IN ({ids})", params
    )
    return {row["id"] for row in rows}


async def id_by_name(
    db: Store | Tx, taxonomy: str, name: str, parent_id: int | None, exclude_id: int = 0
) -> int | None:
    """A term with this name (any case) under the same parent."""
    return await db.fetchval(
        "SELECT id FROM terms WHERE taxonomy = ? AND lower(name) = lower(?) "
        "AND parent_id IS ? AND id <> ? LIMIT 1",
        (taxonomy, name, parent_id, exclude_id),
    )


async def slug_taken(db: Store | Tx, taxonomy: str, slug: str, exclude_id: int = 0) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM terms WHERE taxonomy = ? AND slug = ? AND id <> ?)",
            (taxonomy, slug, exclude_id),
        )
    )


async def ancestors(db: Store | Tx, term_id: int) -> list[int]:
    """The term and its parents up to the top (stops on a loop)."""
    rows = await db.fetchall(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, 0 FROM terms WHERE id = ?"
        " UNION SELECT t.id, t.parent_id, up.depth + 1 FROM terms t JOIN up ON t.id = up.parent_id"
        " WHERE up.depth < 100)"
        " SELECT id FROM up ORDER BY depth",
        (term_id,),
    )
    return [row["id"] for row in rows]


async def with_descendants(db: Store | Tx, term_ids: Iterable[int]) -> tuple[int, ...]:
    params: dict[str, Any] = {}
    ids = in_list("id", list(term_ids), params)
    rows = await db.fetchall(
        "WITH RECURSIVE down(id) AS ("
        f" SELECT id FROM terms WHERE id IN ({ids})"
        " UNION SELECT t.id FROM terms t JOIN down ON t.parent_id = down.id)"
        " SELECT id FROM down",
        params,
    )
    return tuple(row["id"] for row in rows)


async def insert_term(tx: Tx, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO terms ({names}) VALUES ({marks})", values)


TERM_COLUMNS = {"name", "slug", "parent_id", "description", "display", "image_id", "menu_order"}


async def update_term(tx: Tx, term_id: int, values: dict[str, Any]) -> None:
    if not values:
        return
    if not set(values) <= TERM_COLUMNS:
        raise ValueError(f"not term columns: {sorted(set(values) - TERM_COLUMNS)}")
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    await tx.execute(f"UPDATE terms SET {assignments} WHERE id = :_id", {**values, "_id": term_id})


async def delete_term(tx: Tx, term_id: int) -> None:
    """Children move up to the deleted term's parent, as WordPress does."""
    await tx.execute(
        "UPDATE terms SET parent_id = (SELECT parent_id FROM terms WHERE id = ?) "
        "WHERE parent_id = ?",
        (term_id, term_id),
    )
    await tx.execute("DELETE FROM terms WHERE id = ?", (term_id,))


# -- global attributes --------------------------------------------------------------
async def list_attributes(db: Store | Tx) -> list[Row]:
    return await db.fetchall("SELECT * FROM attributes ORDER BY name COLLATE NOCASE, id")


# How many published products offer an attribute term: JSON read the database's way.
_TERM_USES = {
    "sqlite": "SELECT COUNT(*) FROM products p, json_each(p.attributes) a,"
    " json_each(a.value, '$.options') o WHERE p.parent_id IS NULL AND p.status = 'publish'"
    " AND json_extract(a.value, '$.id') = at.attribute_id AND lower(o.value) = lower(at.name)",
    "postgresql": "SELECT COUNT(*) FROM products p,"
    " jsonb_array_elements(p.attributes::jsonb) AS a(value),"
    " jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.value -> 'options') = 'array'"
    " THEN a.value -> 'options' ELSE '[]'::jsonb END) AS o(value)"
    " WHERE p.parent_id IS NULL AND p.status = 'publish'"
    " AND (a.value ->> 'id') = at.attribute_id::text AND lower(o.value) = lower(at.name)",
}


async def attribute_terms(db: Store | Tx, attribute_ids: Iterable[int]) -> list[Row]:
    """Terms with the number of published products offering them."""
    params: dict[str, Any] = {}
    ids = in_list("id", list(attribute_ids), params)
    return await db.fetchall(
        f"SELECT at.*, ({_TERM_USES[db.dialect]})"
        f" AS count FROM attribute_terms at WHERE at.attribute_id IN ({ids})"
        " ORDER BY at.attribute_id, at.menu_order, at.name COLLATE NOCASE, at.id",
        params,
    )


async def attribute_by_id(db: Store | Tx, attribute_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM attributes WHERE id = ?", (attribute_id,))


async def attribute_by_name(db: Store | Tx, name: str) -> Row | None:
    """By name or slug, ignoring case and a ``pa_`` prefix."""
    key = name.strip().lower().removeprefix("pa_")
    return await db.fetchone(
        "SELECT * FROM attributes WHERE lower(name) = ? OR slug = ? ORDER BY id LIMIT 1",
        (key, key),
    )


async def insert_attribute(tx: Tx, name: str, slug: str, order_by: str = "menu_order") -> int:
    return await tx.insert(
        "INSERT INTO attributes (name, slug, order_by) VALUES (?, ?, ?)", (name, slug, order_by)
    )


async def insert_attribute_term(
    tx: Tx, attribute_id: int, name: str, slug: str, menu_order: int = 0
) -> int:
    return await tx.insert(
        "INSERT INTO attribute_terms (attribute_id, name, slug, menu_order) VALUES (?, ?, ?, ?)",
        (attribute_id, name, slug, menu_order),
    )


async def attribute_term_names(db: Store | Tx, attribute_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT name FROM attribute_terms WHERE attribute_id = ? ORDER BY menu_order, id",
        (attribute_id,),
    )
    return [row["name"] for row in rows]


async def attribute_term_id(db: Store | Tx, attribute_id: int, name: str) -> int | None:
    return await db.fetchval(
        "SELECT id FROM attribute_terms WHERE attribute_id = ? AND lower(name) = lower(?)",
        (attribute_id, name),
    )


async def attribute_term_slug_taken(db: Store | Tx, attribute_id: int, slug: str) -> bool:
    return bool(
        await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM attribute_terms WHERE attribute_id = ? AND slug = ?)",
            (attribute_id, slug),
        )
    )
