"""SQL for orders, their items and their notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from store.base import Dialect
from store.catalog import in_list, like, like_union, trigram_match
from store.coupons import rescale_expr
from store.db import Row, Store, Tx
from store.search_cache import Matches, filling_sql, through_cache

ORDER_COLUMNS = (
    "order_key", "status", "created_via", "currency", "prices_include_tax", "customer_id",
    "billing", "shipping", "billing_email", "payment_method", "payment_method_title",
    "transaction_id", "customer_note", "shipping_choice", "discount_total", "discount_tax",
    "shipping_total", "shipping_tax", "cart_tax", "total_tax", "total", "stock_reduced",
    "date_created", "date_modified", "date_paid", "date_completed",
)  # fmt: skip
MONEY_COLUMNS = (
    "discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax", "total_tax",
    "total",
)  # fmt: skip
ITEM_COLUMNS = (
    "order_id", "item_type", "position", "name", "ref", "sku", "product_id", "variation_id",
    "quantity", "tax_class", "subtotal", "subtotal_tax", "total", "total_tax", "taxes", "details",
)  # fmt: skip
ORDER_BY = {
    "date": "o.date_created {dir}, o.id {dir}",
    "modified": "o.date_modified {dir}, o.id {dir}",
    "id": "o.id {dir}",
    "total": "o.total {dir}, o.id {dir}",
}


DENSE = 500  # a search matching this many orders reads them in date order
FTS_IDS = "o.id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH :fts)"
# The same orders from the search's kept ids (store/search_cache.py), and the version
# of the indexed text (migration 0017) they hold while it has not moved.
KEPT_IDS = "o.id IN (SELECT value FROM json_each(:search_ids))"
SEARCH_VERSION_SQL = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'orders_search_version')"
FILL_SQL = filling_sql(
    SEARCH_VERSION_SQL,
    "SELECT rowid AS id FROM orders_search WHERE orders_search MATCH :fts",
)
# The text columns of ``orders_search`` (migration 0010): what a search matches.
SEARCHED = (
    "email", "txn", "billing_name", "phone", "company", "shipping_name", "item_names",
    "item_skus",
)  # fmt: skip


@dataclass
class OrderQuery:
    limit: int = 10
    offset: int = 0
    statuses: tuple[str, ...] = ()  # empty: every status but trash
    customer_id: int | None = None  # 0: guests
    product_id: int | None = None
    after: str | None = None  # ISO UTC, inclusive
    before: str | None = None
    search: str = ""
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def _check(values: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")


async def insert_order(tx: Tx, values: dict[str, Any]) -> int:
    _check(values, ORDER_COLUMNS)
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return await tx.insert(f"INSERT INTO orders ({names}) VALUES ({marks})", values)


async def update_order(tx: Tx, order_id: int, values: dict[str, Any]) -> None:
    _check(values, ORDER_COLUMNS)
    if values:
        sets = ", ".join(f"{k} = :{k}" for k in values)
        await tx.execute(f"UPDATE orders SET {sets} WHERE id = :id", {**values, "id": order_id})


async def delete_order(tx: Tx, order_id: int) -> int:
    return await tx.execute("DELETE FROM orders WHERE id = ?", (order_id,))


async def by_id(db: Store | Tx, order_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM orders WHERE id = ?", (order_id,))


def _full_name(column: str) -> str:
    return f"json_extract({column}, '$.first_name') || ' ' || json_extract({column}, '$.last_name')"


def _where(q: OrderQuery, params: dict[str, Any], dialect: Dialect) -> str:
    clauses = []
    if q.statuses:
        clauses.append(f"o.status IN ({in_list('st', q.statuses, params)})")
    else:
        clauses.append("o.status <> 'trash'")
    if q.customer_id is not None:
        params["customer"] = q.customer_id
        clauses.append("COALESCE(o.customer_id, 0) = :customer")
    if q.product_id is not None:
        params["product"] = q.product_id
        clauses.append(
            "EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id"
            " AND i.item_type = 'line_item'"
            " AND (i.product_id = :product OR i.variation_id = :product))"
        )
    if q.after:
        params["after"] = q.after
        clauses.append("o.date_created >= :after")
    if q.before:
        params["before"] = q.before
        clauses.append("o.date_created <= :before")
    if q.search.startswith("#") and q.search[1:].isascii() and q.search[1:].isdigit():
        params["search_id"] = int(q.search[1:19])
        clauses.append("o.id = :search_id")  # "#123": that order, nothing else
    elif dialect == "sqlite" and (fts := _search_match(q)) is not None:
        params["fts"] = fts
        indexed = FTS_IDS
        if q.search.isascii() and q.search.isdigit():
            params["search_id"] = int(q.search[:18])
            indexed = f"(o.id = :search_id OR {indexed})"
        clauses.append(indexed)
    elif dialect == "postgresql" and (through_index := _pg_search(q.search, params)):
        clauses.append(through_index)
    elif q.search:
        params["q"] = like(q.search)
        fields = [
            "o.billing_email",
            _full_name("o.billing"),
            _full_name("o.shipping"),
            "json_extract(o.billing, '$.phone')",
            "json_extract(o.billing, '$.company')",
            "o.transaction_id",
        ]
        found = [f"{f} LIKE :q ESCAPE '\\'" for f in fields]
        found.append(
            "EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id"
            " AND i.item_type = 'line_item'"
            " AND (i.name LIKE :q ESCAPE '\\' OR i.sku LIKE :q ESCAPE '\\'))"
        )
        if q.search.isascii() and q.search.isdigit():
            params["search_id"] = int(q.search[:18])
            found.append("o.id = :search_id")
        clauses.append("(" + " OR ".join(found) + ")")
    if q.include:
        clauses.append(f"o.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"o.id NOT IN ({in_list('exc', q.exclude, params)})")
    return " AND ".join(clauses)


def _pg_search(text: str, params: dict[str, Any]) -> str | None:
    """The fields the LIKE search below reads, through migration 0016's pg_trgm indexes."""
    items = "item_type = 'line_item'"
    found = like_union(
        "o.id",
        [
            ("id", "orders", "billing_email"),
            ("id", "orders", _full_name("billing")),
            ("id", "orders", _full_name("shipping")),
            ("id", "orders", "json_extract(billing, '$.phone')"),
            ("id", "orders", "json_extract(billing, '$.company')"),
            ("id", "orders", "transaction_id"),
            ("order_id", "order_items", "name", items),
            ("order_id", "order_items", "sku", items),
        ],
        text,
        params,
    )
    if found is not None and text.isascii() and text.isdigit():
        params["search_id"] = int(text[:18])
        found = f"(o.id = :search_id OR {found})"
    return found


def _search_match(q: OrderQuery) -> str | None:
    """The ``orders_search`` query for ``q.search`` among ``q.statuses`` (outside the
    trash when none), or None when the search cannot use the index."""
    text = trigram_match(q.search, SEARCHED)
    if text is None or not all(s.replace("-", "").isalpha() for s in q.statuses):
        return None
    if q.statuses:
        wanted = " OR ".join(f'"{s}"' for s in q.statuses)
        return f"({text}) AND state : ({wanted})"
    return f'({text}) NOT state : "trash"'


def _searched_alone(q: OrderQuery, params: dict[str, Any]) -> bool:
    """A search through the index among statuses, and no other filter."""
    narrowed = (q.customer_id, q.product_id, q.after, q.before, q.include, q.exclude) != (
        None, None, None, None, (), (),
    )  # fmt: skip
    return not narrowed and "fts" in params and "search_id" not in params


async def _count(db: Store | Tx, q: OrderQuery, where: str, params: dict[str, Any]) -> int:
    """How many orders match (X-WP-Total), from an index where one can answer: the
    per-day counts (``order_days``) for a status filter alone, the search index for a
    search among statuses."""
    narrowed = (q.customer_id, q.product_id, q.after, q.before, q.include, q.exclude) != (
        None, None, None, None, (), (),
    )  # fmt: skip
    if _searched_alone(q, params):
        sql, counted = "SELECT COUNT(*) FROM orders_search WHERE orders_search MATCH :fts", params
    elif not narrowed and not q.search:
        counted = {}
        states = f"IN ({in_list('st', q.statuses, counted)})" if q.statuses else "<> 'trash'"
        sql = f"SELECT COALESCE(SUM(orders), 0) FROM order_days WHERE status {states}"
    else:
        sql, counted = f"SELECT COUNT(*) FROM orders o WHERE {where}", params
    return int(await db.fetchval(sql, counted))


# How many orders a search matches, counted up to :dense (DENSE): exact below it.
PROBE_SQL = (
    "SELECT COUNT(*) FROM (SELECT rowid FROM orders_search WHERE orders_search MATCH :fts"
    " LIMIT :dense)"
)


async def list_orders(db: Store | Tx, q: OrderQuery) -> tuple[list[Row], int]:
    params: dict[str, Any] = {"limit": q.limit, "offset": q.offset}
    where = _where(q, params, db.dialect)
    direction = "ASC" if q.order == "asc" else "DESC"
    if q.orderby == "include" and q.include:
        params["inc_order"] = ",".join(str(i) for i in q.include)
        order = f"instr(',' || :inc_order || ',', ',' || o.id || ',') {direction}"
    else:
        order = ORDER_BY.get(q.orderby, ORDER_BY["date"]).format(dir=direction)
    by_date = order == ORDER_BY["date"].format(dir=direction)
    if "fts" in params:
        kept = await through_cache(
            db,
            ("orders", params["fts"]),
            (FILL_SQL, {"fts": params["fts"]}),
            lambda matches: _kept_search(db, q, where, order, params, by_date, matches),
        )
        if kept is not None:
            return kept
    if "fts" in params and by_date and _searched_alone(q, params):
        total = int(await db.fetchval(PROBE_SQL, {"fts": params["fts"], "dense": DENSE}))
        if total >= DENSE:
            return await _dense_search(db, where, order, params)
    else:
        total = await _count(db, q, where, params)
    source = "orders o"
    if "fts" in params and by_date and total >= DENSE:
        # Many matches: walking the dates in order meets a page of them soon, where
        # sorting every match would read each one (SQLite cannot know how many match).
        source = "orders o INDEXED BY orders_created"
    rows = await db.fetchall(
        f"SELECT o.* FROM {source} WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset",
        params,
    )
    return rows, total


async def _dense_search(
    db: Store | Tx, where: str, order: str, params: dict[str, Any]
) -> tuple[list[Row], int]:
    """A page of a search matching many orders, and how many: the index is searched once
    for both (its matches kept in ``matched``), and the page read walking the dates.
    The rows carry one column more, ``matched_total``."""
    rows = await db.fetchall(
        "WITH matched(id) AS MATERIALIZED"
        " (SELECT rowid FROM orders_search WHERE orders_search MATCH :fts)"
        " SELECT o.*, (SELECT COUNT(*) FROM matched) AS matched_total"
        " FROM orders o INDEXED BY orders_created"
        f" WHERE {where.replace(FTS_IDS, 'o.id IN matched')}"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset",
        params,
    )
    if rows:
        return rows, int(rows[0]["matched_total"])
    count = "SELECT COUNT(*) FROM orders_search WHERE orders_search MATCH :fts"
    return rows, int(await db.fetchval(count, params))


async def _kept_search(
    db: Store | Tx,
    q: OrderQuery,
    where: str,
    order: str,
    params: dict[str, Any],
    by_date: bool,
    matches: Matches,
) -> tuple[list[Row], int] | None:
    """A search's page and total from its kept ids, in one statement that also reads the
    search version (a second, without the page, past the last page); None when the
    version is not the one the ids were read at."""
    if matches.count == 0 and "search_id" not in params:
        version = await db.fetchval(f"SELECT {SEARCH_VERSION_SQL}")
        return ([], 0) if version == matches.version else None
    sql, total, values = kept_page(q, where, order, params, by_date, matches)
    rows = await db.fetchall(sql, values)
    if not rows:  # past the last page
        rows = await db.fetchall(
            f"SELECT {total} AS matched_total, {SEARCH_VERSION_SQL} AS search_version", values
        )
        if rows[0]["search_version"] != matches.version:
            return None
        return [], int(rows[0]["matched_total"])
    if rows[0]["search_version"] != matches.version:
        return None
    return rows, int(rows[0]["matched_total"])


def kept_page(
    q: OrderQuery,
    where: str,
    order: str,
    params: dict[str, Any],
    by_date: bool,
    matches: Matches,
) -> tuple[str, str, dict[str, Any]]:
    """The statement of a search's page from its kept ids (its rows carry two columns
    more, ``matched_total`` and ``search_version``), the total's expression and the
    parameters. Few matches are read and sorted; many, in date order, are met walking
    the dates (as ``_dense_search``) unless a customer, product or include filter
    narrows them."""
    found = where.replace(FTS_IDS, KEPT_IDS)
    values = {**params, "search_ids": matches.ids, "search_count": matches.count}
    alone = _searched_alone(q, params)
    total = ":search_count" if alone else f"(SELECT COUNT(*) FROM orders o WHERE {found})"
    narrow = q.customer_id is not None or q.product_id is not None or bool(q.include)
    walk = by_date and matches.count >= DENSE and not narrow
    source = "orders o INDEXED BY orders_created" if walk else "orders o"
    sql = (
        f"SELECT o.*, {total} AS matched_total, {SEARCH_VERSION_SQL} AS search_version"
        f" FROM {source} WHERE {found} ORDER BY {order} LIMIT :limit OFFSET :offset"
    )
    return sql, total, values


# -- items -------------------------------------------------------------------------------
async def items_of(db: Store | Tx, order_ids: Iterable[int]) -> list[Row]:
    params: dict[str, Any] = {}
    ids = in_list("o", list(order_ids), params)
    return await db.fetchall(
        f"SELECT * FROM order_items WHERE order_id IN ({ids}) ORDER BY order_id, position, id",
        params,
    )


async def replace_items(tx: Tx, order_id: int, items: Sequence[dict[str, Any]]) -> None:
    """The order's items become ``items``: dicts of every ITEM_COLUMNS but order_id and
    position (the list's order)."""
    await tx.execute("DELETE FROM order_items WHERE order_id = ?", (order_id,))
    names = ", ".join(ITEM_COLUMNS)
    marks = ", ".join(f":{k}" for k in ITEM_COLUMNS)
    rows = [{**item, "order_id": order_id, "position": i} for i, item in enumerate(items)]
    for row in rows:
        _check(row, ITEM_COLUMNS)
    await tx.executemany(f"INSERT INTO order_items ({names}) VALUES ({marks})", rows)


# -- notes -------------------------------------------------------------------------------
async def insert_note(
    tx: Tx,
    order_id: int,
    note: str,
    *,
    customer_note: bool,
    author: str,
    added_by: int | None,
    when: str,
) -> int:
    return await tx.insert(
        "INSERT INTO order_notes (order_id, note, customer_note, author, added_by, date_created)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (order_id, note, int(customer_note), author, added_by, when),
    )


async def notes_of(db: Store | Tx, order_id: int) -> list[Row]:
    return await db.fetchall(
        "SELECT * FROM order_notes WHERE order_id = ? ORDER BY date_created DESC, id DESC",
        (order_id,),
    )


async def note_by_id(db: Store | Tx, note_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM order_notes WHERE id = ?", (note_id,))


# -- for other capabilities ------------------------------------------------------------
async def customer_stats(
    db: Store | Tx, customer_ids: Sequence[int], paid: Sequence[str]
) -> list[Row]:
    """Per customer: orders outside the trash, and the total of the paid ones."""
    params: dict[str, Any] = {}
    ids = in_list("c", list(customer_ids), params)
    statuses = in_list("p", list(paid), params)
    return await db.fetchall(
        f"SELECT customer_id, COUNT(*) AS orders, COALESCE(SUM(CASE WHEN status IN ({statuses})"
        f" THEN total END), 0) AS spent, COUNT(CASE WHEN status IN ({statuses}) THEN 1 END)"
        f" AS paid FROM orders WHERE customer_id IN ({ids}) AND status <> 'trash'"
        " GROUP BY customer_id",
        params,
    )


async def count_created_via(db: Store | Tx, created_via: str) -> int:
    return await db.fetchval("SELECT COUNT(*) FROM orders WHERE created_via = ?", (created_via,))


async def rescale_money(tx: Tx, old: int, new: int) -> list[Row]:
    """Order and item amounts at ``new`` decimals; returns the items whose per-rate
    ``taxes`` (JSON) the caller rescales with ``set_item_taxes``."""
    expr = rescale_expr(old, new)
    await tx.execute(
        "UPDATE orders SET " + ", ".join(f"{c} = {expr.format(col=c)}" for c in MONEY_COLUMNS)
    )
    item_money = ("subtotal", "subtotal_tax", "total", "total_tax")
    await tx.execute(
        "UPDATE order_items SET " + ", ".join(f"{c} = {expr.format(col=c)}" for c in item_money)
    )
    return await tx.fetchall("SELECT id, taxes FROM order_items WHERE taxes <> '[]'")


async def set_item_taxes(tx: Tx, rows: Iterable[tuple[str, int]]) -> None:
    await tx.executemany("UPDATE order_items SET taxes = ? WHERE id = ?", rows)
