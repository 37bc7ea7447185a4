"""SQL for customers: users with the customer role and their profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.base import Dialect
from store.catalog import in_list, like, like_union
from store.db import Row, Store, Tx

SELECT = (
    "SELECT u.id, u.email, u.display_name, u.role, u.created_at, p.username, p.first_name,"
    " p.last_name, p.billing, p.shipping, p.modified_at"
    " FROM users u LEFT JOIN customer_profiles p ON p.user_id = u.id"
)
ORDER = {
    "id": "u.id {dir}",
    "name": "u.display_name COLLATE NOCASE {dir}, u.id {dir}",
    "registered_date": "u.created_at {dir}, u.id {dir}",
    "email": "u.email_key {dir}",
}
PROFILE_COLUMNS = {"username", "username_key", "first_name", "last_name", "billing", "shipping"}


@dataclass
class CustomerQuery:
    limit: int = 10
    offset: int = 0
    search: str = ""
    email: str = ""
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "name"
    order: str = "asc"


def _search(params: dict[str, Any], text: str, dialect: Dialect) -> str:
    if dialect == "postgresql":
        found = like_union(
            "u.id",
            [
                ("id", "users", "email"),
                ("id", "users", "display_name"),
                ("user_id", "customer_profiles", "username"),
                ("user_id", "customer_profiles", "first_name"),
                ("user_id", "customer_profiles", "last_name"),
                ("user_id", "customer_profiles", "(first_name || ' ' || last_name)"),
            ],
            text,
            params,
        )
        if found is not None:
            return found
    params["q"] = like(text)
    fields = (
        "u.email",
        "u.display_name",
        "p.username",
        "p.first_name",
        "p.last_name",
        "(p.first_name || ' ' || p.last_name)",
    )
    return "(" + " OR ".join(f"{f} LIKE :q ESCAPE '\\'" for f in fields) + ")"


async def list_customers(db: Store | Tx, q: CustomerQuery) -> tuple[list[Row], int]:
    params: dict[str, Any] = {}
    clauses = ["u.role = 'customer'"]
    if q.search:
        clauses.append(_search(params, q.search, db.dialect))
    if q.email:
        params["email"] = q.email.strip().lower()
        clauses.append("u.email_key = :email")
    if q.include:
        clauses.append(f"u.id IN ({in_list('inc', q.include, params)})")
    if q.exclude:
        clauses.append(f"u.id NOT IN ({in_list('exc', q.exclude, params)})")
    where = " AND ".join(clauses)
    total = await db.fetchval(
        "SELECT COUNT(*) FROM users u LEFT JOIN customer_profiles p ON p.user_id = u.id "
        f"WHERE {where}",
        params,
    )
    direction = "ASC" if q.order == "asc" else "DESC"
    if q.orderby == "include" and q.include:
        whens = " ".join(f"WHEN {int(uid)} THEN {i}" for i, uid in enumerate(q.include))
        order = f"CASE u.id {whens} END"
    else:
        order = ORDER.get(q.orderby, ORDER["name"]).format(dir=direction)
    params.update(limit=q.limit, offset=q.offset)
    rows = await db.fetchall(
        f"{SELECT} WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset", params
    )
    return rows, int(total or 0)


async def by_id(db: Store | Tx, user_id: int) -> Row | None:
    return await db.fetchone(f"{SELECT} WHERE u.id = ? AND u.role = 'customer'", (user_id,))


async def search(db: Store | Tx, text: str, limit: int) -> list[Row]:
    params: dict[str, Any] = {"limit": limit}
    where = "u.role = 'customer'"
    if text:
        params["id"] = int(text) if text.isascii() and text.isdigit() and len(text) < 16 else -1
        where += f" AND (u.id = :id OR {_search(params, text, db.dialect)})"
    return await db.fetchall(
        f"{SELECT} WHERE {where} ORDER BY u.display_name COLLATE NOCASE, u.id LIMIT :limit",
        params,
    )


async def username_owner(db: Store | Tx, username: str) -> int | None:
    return await db.fetchval(
        "SELECT user_id FROM customer_profiles WHERE username_key = ?", (username.lower(),)
    )


async def email_owner(db: Store | Tx, email: str) -> int | None:
    return await db.fetchval("SELECT id FROM users WHERE email_key = ?", (email.strip().lower(),))


async def save_profile(tx: Tx, user_id: int, values: dict[str, Any], when: str) -> None:
    """Update the profile's given columns, or insert the profile (then with a username)."""
    if not set(values) <= PROFILE_COLUMNS:
        raise ValueError(f"not profile columns: {sorted(set(values) - PROFILE_COLUMNS)}")
    row = {**values, "modified_at": when}
    assignments = ", ".join(f"{k} = :{k}" for k in row)
    if await tx.execute(
        f"UPDATE customer_profiles SET {assignments} WHERE user_id = :_id", {**row, "_id": user_id}
    ):
        return
    row["user_id"] = user_id
    names = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    await tx.execute(f"INSERT INTO customer_profiles ({names}) VALUES ({marks})", row)


async def set_email(tx: Tx, user_id: int, email: str) -> None:
    await tx.execute(
        "UPDATE users SET email = ?, email_key = ? WHERE id = ?",
        (email, email.lower(), user_id),
    )


async def delete_customer(tx: Tx, user_id: int) -> int:
    return await tx.execute("DELETE FROM users WHERE id = ? AND role = 'customer'", (user_id,))
