"""SQL for storefront carts, their items and their coupons."""

from __future__ import annotations

from typing import Any

from store.catalog import like
from store.db import Conflict, Row, Store, Tx, next_seq

CART_COLUMNS = (
    "id, session_key, customer_id, shipping_address, billing_address, shipping_rate_id,"
    " created_at, updated_at"
)


async def by_session(db: Store | Tx, session_key: str) -> Row | None:
    return await db.fetchone(
        f"SELECT {CART_COLUMNS} FROM carts WHERE session_key = ?", (session_key,)
    )


async def by_customer(db: Store | Tx, customer_id: int) -> Row | None:
    return await db.fetchone(
        f"SELECT {CART_COLUMNS} FROM carts WHERE customer_id = ?", (customer_id,)
    )


async def by_id(db: Store | Tx, cart_id: int) -> Row | None:
    return await db.fetchone(f"SELECT {CART_COLUMNS} FROM carts WHERE id = ?", (cart_id,))


async def insert(
    tx: Tx,
    session_key: str,
    customer_id: int | None,
    when: str,
    shipping_address: str = "{}",
    billing_address: str = "{}",
) -> int:
    return await tx.insert(
        "INSERT INTO carts (session_key, customer_id, shipping_address, billing_address,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (session_key, customer_id, shipping_address, billing_address, when, when),
    )


async def insert_unless_taken(
    tx: Tx, session_key: str, customer_id: int | None, when: str
) -> int | None:
    """A new cart's id, or None when a cart with this session key or customer exists
    (another process created it between our read and this insert: ON CONFLICT waits
    for its commit, and the transaction goes on)."""
    try:
        return await tx.insert(
            "INSERT INTO carts (session_key, customer_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (session_key, customer_id, when, when),
        )
    except Conflict:
        return None


async def update(tx: Tx, cart_id: int, when: str, **fields: Any) -> None:
    allowed = {"customer_id", "shipping_address", "billing_address", "shipping_rate_id"}
    if not set(fields) <= allowed:
        raise ValueError(f"not cart columns: {sorted(set(fields) - allowed)}")
    values = {**fields, "updated_at": when}
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    await tx.execute(f"UPDATE carts SET {assignments} WHERE id = :_id", {**values, "_id": cart_id})


async def delete(tx: Tx, cart_id: int) -> None:
    await tx.execute("DELETE FROM carts WHERE id = ?", (cart_id,))


async def purge_anonymous_before(tx: Tx, cutoff: str) -> int:
    """Anonymous carts last touched before ``cutoff``: no live token can reach them."""
    return await tx.execute(
        "DELETE FROM carts WHERE customer_id IS NULL AND updated_at < ?", (cutoff,)
    )


# -- items ----------------------------------------------------------------------------
async def items(db: Store | Tx, cart_id: int) -> list[Row]:
    return await db.fetchall(
        "SELECT item_key, product_id, variation_id, variation, quantity, added_at"
        " FROM cart_items WHERE cart_id = ? ORDER BY added_at, seq",
        (cart_id,),
    )


async def item(db: Store | Tx, cart_id: int, item_key: str) -> Row | None:
    return await db.fetchone(
        "SELECT item_key, product_id, variation_id, variation, quantity, added_at"
        " FROM cart_items WHERE cart_id = ? AND item_key = ?",
        (cart_id, item_key),
    )


async def put_item(
    tx: Tx,
    cart_id: int,
    item_key: str,
    product_id: int,
    variation_id: int,
    variation: str,
    quantity: int,
    when: str,
) -> None:
    """Insert the line, or set the quantity of the line with this key."""
    await tx.execute(
        "INSERT INTO cart_items (cart_id, item_key, product_id, variation_id, variation,"
        " quantity, added_at, seq)"
        f" VALUES (?, ?, ?, ?, ?, ?, ?, {next_seq('cart_items')})"
        " ON CONFLICT (cart_id, item_key) DO UPDATE SET quantity = excluded.quantity",
        (cart_id, item_key, product_id, variation_id, variation, quantity, when),
    )


async def remove_item(tx: Tx, cart_id: int, item_key: str) -> int:
    return await tx.execute(
        "DELETE FROM cart_items WHERE cart_id = ? AND item_key = ?", (cart_id, item_key)
    )


async def clear(tx: Tx, cart_id: int) -> None:
    await tx.execute("DELETE FROM cart_items WHERE cart_id = ?", (cart_id,))
    await tx.execute("DELETE FROM cart_coupons WHERE cart_id = ?", (cart_id,))


# -- coupons ----------------------------------------------------------------------------
async def coupon_codes(db: Store | Tx, cart_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT code FROM cart_coupons WHERE cart_id = ? ORDER BY applied_at, seq", (cart_id,)
    )
    return [row["code"] for row in rows]


async def add_coupon(tx: Tx, cart_id: int, code: str, when: str) -> None:
    await tx.execute(
        "INSERT INTO cart_coupons (cart_id, code, applied_at, seq)"
        f" VALUES (?, ?, ?, {next_seq('cart_coupons')}) ON CONFLICT DO NOTHING",
        (cart_id, code, when),
    )


async def remove_coupon(tx: Tx, cart_id: int, code: str) -> int:
    return await tx.execute(
        "DELETE FROM cart_coupons WHERE cart_id = ? AND code = ?", (cart_id, code)
    )


# -- the console's view ------------------------------------------------------------------
async def open_carts(db: Store | Tx, search: str, limit: int) -> tuple[list[Row], int]:
    """Carts with at least one item, most recently touched first, with their owner."""
    params: dict[str, Any] = {"limit": limit}
    where = "EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)"
    if search:
        params["q"] = like(search)
        where += (
            " AND (u.email LIKE :q ESCAPE '\\' OR u.display_name LIKE :q ESCAPE '\\'"
            " OR CAST(c.id AS TEXT) = :exact)"
        )
        params["exact"] = search
    total = await db.fetchval(
        f"SELECT COUNT(*) FROM carts c LEFT JOIN users u ON u.id = c.customer_id WHERE {where}",
        params,
    )
    rows = await db.fetchall(
        "SELECT c.id, c.customer_id, c.created_at, c.updated_at, u.email, u.display_name,"
        " (SELECT COUNT(*) FROM cart_items i WHERE i.cart_id = c.id) AS lines,"
        " (SELECT SUM(quantity) FROM cart_items i WHERE i.cart_id = c.id) AS quantity,"
        " (SELECT group_concat(code, ', ') FROM cart_coupons k WHERE k.cart_id = c.id) AS coupons"
        f" FROM carts c LEFT JOIN users u ON u.id = c.customer_id WHERE {where}"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT :limit",
        params,
    )
    return rows, int(total or 0)
