"""Ids are never reused (migration 0008): a deleted object's id is not handed out again,
and a database made by the previous version keeps every row, id and foreign key."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from orders_support import BASE

import store.migrations as migrations
from service import catalog
from store.db import Store, StoreError
from store.migrations import migration_files, split_statements

REBUILT = ("users", "media", "terms", "attributes", "attribute_terms", "products",
           "coupons", "orders", "order_items", "order_notes")  # fmt: skip
AUTOINCREMENT_ID = 8
PREVIOUS = max(n for n, _ in migration_files() if n < AUTOINCREMENT_ID)


async def created(client, account, path: str, body: dict[str, Any]) -> int:
    resp = await client.post(f"{BASE}{path}", json=body, headers=account.auth)
    data = await resp.json()
    assert resp.status == 201, data
    return data["id"]


async def deleted(client, account, path: str) -> None:
    resp = await client.delete(f"{BASE}{path}?force=true", headers=account.auth)
    assert resp.status == 200, await resp.text()
    gone = await client.get(f"{BASE}{path}", headers=account.auth)
    assert gone.status == 404


@pytest.fixture
async def licensed(ctx) -> int:
    product = await catalog.create_product(
        ctx, {"name": "Pro Plugin", "regular_price": "49", "licensing_enabled": True}
    )
    return product["id"]


@pytest.mark.parametrize(
    ("path", "first", "second"),
    [
        ("/products", {"name": "Mug"}, {"name": "Cup"}),
        ("/orders", {}, {}),
        (
            "/coupons",
            {"code": "s5", "discount_type": "percent", "amount": "5"},
            {"code": "s6", "discount_type": "percent", "amount": "6"},
        ),
        ("/customers", {"email": "a@example.com"}, {"email": "b@example.com"}),
    ],
)
async def test_create_delete_create_gives_a_new_id(client, admin, path, first, second):
    await created(client, admin, path, first)
    newest = await created(client, admin, path, second)
    await deleted(client, admin, f"{path}/{newest}")
    again = await created(client, admin, path, first if path == "/orders" else second)
    assert again == newest + 1


async def test_licenses_never_reuse_an_id(client, admin, licensed):
    first = await created(client, admin, "/licenses", {"product_id": licensed})
    await deleted(client, admin, f"/licenses/{first}")
    assert await created(client, admin, "/licenses", {"product_id": licensed}) == first + 1


async def test_categories_and_tags_share_one_id_space_never_reused(client, admin, ctx):
    category = await created(client, admin, "/products/categories", {"name": "Mugs"})
    await catalog.delete_category(ctx, category, force=True)
    tag = await created(client, admin, "/products/tags", {"name": "blue"})
    assert tag == category + 1
    await catalog.delete_tag(ctx, tag, force=True)
    assert await created(client, admin, "/products/categories", {"name": "Mugs"}) == tag + 1


async def test_order_notes_and_lines_of_a_deleted_order_are_not_reused(client, admin, ctx):
    mug = (await catalog.create_product(ctx, {"name": "Mug", "regular_price": "5"}))["id"]
    body = {"line_items": [{"product_id": mug, "quantity": 1}]}
    order = await created(client, admin, "/orders", body)
    note = await created(client, admin, f"/orders/{order}/notes", {"note": "first"})
    line = (await (await client.get(f"{BASE}/orders/{order}", headers=admin.auth)).json())[
        "line_items"
    ][0]["id"]
    await deleted(client, admin, f"/orders/{order}")

    again = await created(client, admin, "/orders", body)
    assert again == order + 1
    assert await created(client, admin, f"/orders/{again}/notes", {"note": "x"}) == note + 1
    resp = await client.get(f"{BASE}/orders/{again}", headers=admin.auth)
    assert (await resp.json())["line_items"][0]["id"] == line + 1


# -- a database made by the previous version -------------------------------------------


def previous_version(path: Path) -> sqlite3.Connection:
    """A database at the version before 0008, built from the migration files."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    number = 0
    for number, file in migration_files():
        if number >= AUTOINCREMENT_ID:
            break
        for statement in split_statements(file.read_text(encoding="utf-8")):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number:d}")
    assert number == AUTOINCREMENT_ID
    return conn


NOW = "2026-01-01T00:00:00Z"
FILL = [
    "INSERT INTO users (id, email, email_key, role, password_hash, created_at) VALUES"
    " (1, 'Admin@x.io', 'admin@x.io', 'administrator', 'h', :now),"
    " (4, 'c@x.io', 'c@x.io', 'customer', 'h', :now),"
    " (9, 'gone@x.io', 'gone@x.io', 'customer', 'h', :now)",
    "INSERT INTO app_passwords (uuid, user_id, label, digest, created_at) VALUES"
    " ('u1', 4, 'app', 'd1', :now)",
    "INSERT INTO customer_profiles (user_id, username, username_key, modified_at) VALUES"
    " (4, 'c', 'c', :now)",
    "INSERT INTO media (id, src, created_at) VALUES (3, 'http://x/a.png', :now)",
    "INSERT INTO terms (id, taxonomy, name, slug, parent_id, image_id) VALUES"
    " (2, 'product_cat', 'Top', 'top', NULL, 3), (5, 'product_cat', 'Sub', 'sub', 2, NULL),"
    " (6, 'product_tag', 'blue', 'blue', NULL, NULL)",
    "INSERT INTO attributes (id, name, slug) VALUES (1, 'Colour', 'colour')",
    "INSERT INTO attribute_terms (id, attribute_id, name, slug) VALUES (2, 1, 'Red', 'red')",
    "INSERT INTO products (id, parent_id, type, status, name, slug, sku, image_ids,"
    " created_at, modified_at) VALUES"
    " (10, NULL, 'variable', 'publish', 'Shirt', 'shirt', 'SH', '[3]', :now, :now),"
    " (11, 10, 'variation', 'publish', 'Shirt - Red', NULL, 'SH-R', '[]', :now, :now),"
    " (12, NULL, 'simple', 'trash', 'Old', 'old', 'OLD', '[]', :now, :now)",
    "INSERT INTO product_terms (product_id, term_id, position) VALUES (10, 2, 0), (10, 6, 1)",
    "INSERT INTO coupons (id, code, code_key, discount_type, amount, product_ids,"
    " created_at, modified_at) VALUES (7, 'Save', 'save', 'percent', 1000, '[10, 40]', :now, :now)",
    "INSERT INTO orders (id, order_key, status, currency, customer_id, date_created,"
    " date_modified) VALUES (20, 'wc_order_a', 'completed', 'USD', 4, :now, :now),"
    " (21, 'wc_order_b', 'pending', 'USD', NULL, :now, :now)",
    "INSERT INTO order_items (id, order_id, item_type, name, product_id, variation_id,"
    " quantity, details) VALUES (30, 20, 'line_item', 'Shirt', 10, 11, 1, '{}'),"
    " (31, 20, 'line_item', 'Deleted product', 35, 0, 1, '{}'),"
    " (32, 20, 'coupon', 'save', 0, 0, 0, '{\"coupon_id\": 7}')",
    "INSERT INTO order_notes (id, order_id, note, author, added_by, date_created) VALUES"
    " (40, 20, 'Paid', 'system', NULL, :now)",
    "INSERT INTO coupon_uses (coupon_id, order_id, user_id, email, used_at) VALUES"
    " (7, 20, 4, 'c@x.io', :now)",
    "INSERT INTO licenses (id, license_key, product_id, order_id, order_line_id, order_unit,"
    " customer_id, created_at, updated_at) VALUES (1, 'KEY-1', 10, 25, 30, 0, 4, :now, :now)",
    "DELETE FROM users WHERE id = 9",
]


# What later migrations add to the tables this one rebuilds (0010: sums and search).
LATER = {"orders_guest_email", "products_roots", "products_shop", "products_parent"}
LATER_TRIGGERS = ("order_days_", "customer_first_paid_", "orders_search_", "products_search_")


def snapshot(conn: sqlite3.Connection, only: Any = None) -> dict[str, Any]:
    """Rows, columns, keys, indexes and triggers of every table (or of ``only``: tables
    that later migrations add are not this migration's business)."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'"
        )
        if only is None or r[0] in only
    ]
    return {
        "rows": {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables},
        "columns": {t: conn.execute(f"PRAGMA table_xinfo({t})").fetchall() for t in tables},
        "foreign_keys": {
            t: conn.execute(f"PRAGMA foreign_key_list({t})").fetchall() for t in tables
        },
        "indexes": sorted(
            conn.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"
            ).fetchall()
        ),
        "triggers": [
            (name, sql)
            for name, table, sql in conn.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
            if only is None or (table in only and not name.startswith(LATER_TRIGGERS))
        ],
    }


def sequence(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())


async def test_migrating_keeps_every_row_id_index_and_foreign_key(tmp_path, monkeypatch):
    path = tmp_path / "previous.db"
    conn = previous_version(path)
    for statement in FILL:
        conn.execute(statement, {"now": NOW} if ":now" in statement else {})
    before = snapshot(conn)
    conn.close()

    # This migration's own effect: later ones add columns, rows and triggers of their own.
    steps = [(n, p) for n, p in migration_files() if n <= AUTOINCREMENT_ID]
    monkeypatch.setattr(migrations, "migration_files", lambda: steps)
    store = await Store.open(path)
    await store.close()

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == AUTOINCREMENT_ID
        kept = set(before["rows"])
        after = snapshot(conn, only=kept)
        after["indexes"] = [i for i in after["indexes"] if i[1] in kept and i[0] not in LATER]
        before["indexes"] = [i for i in before["indexes"] if i[0] not in LATER]
        assert after == before
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in REBUILT:
            sql = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()[0]
            assert "PRIMARY KEY AUTOINCREMENT" in sql, table
        # Each sequence starts at the largest id, or at a larger one still named elsewhere:
        # product 35 (an order line), order 25 (a license), product 40 (a coupon's list).
        assert sequence(conn) == {
            "users": 4, "media": 3, "terms": 6, "attributes": 1, "attribute_terms": 2,
            "products": 40, "coupons": 7, "orders": 25, "order_items": 32, "order_notes": 40,
            "licenses": 1,
        }  # fmt: skip

        # The foreign keys still act: children cascade and set null as before.
        conn.execute("DELETE FROM products WHERE id = 10")
        assert conn.execute("SELECT count(*) FROM products WHERE parent_id = 10").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM product_terms").fetchone() == (0,)
        conn.execute("DELETE FROM users WHERE id = 4")
        assert conn.execute("SELECT count(*) FROM app_passwords").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM customer_profiles").fetchone() == (0,)
        assert conn.execute("SELECT customer_id FROM orders WHERE id = 20").fetchone() == (None,)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO order_notes (order_id, note, author, date_created)"
                " VALUES (999, 'x', 'system', ?)",
                (NOW,),
            )
        conn.execute("DELETE FROM orders WHERE id = 20")
        assert conn.execute("SELECT count(*) FROM order_items").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM order_notes").fetchone() == (0,)
        # A new product takes the next id after everything ever named, never 10 or 12.
        new = conn.execute(
            "INSERT INTO products (type, status, name, slug, created_at, modified_at)"
            " VALUES ('simple', 'publish', 'New', 'new', ?, ?)",
            (NOW, NOW),
        ).lastrowid
        assert new == 41
    finally:
        conn.close()


async def test_a_migration_that_would_break_a_foreign_key_is_refused(tmp_path, monkeypatch):
    """The runner's check: a foreign_keys-off step that orphans a row does not commit."""
    path = tmp_path / "previous.db"
    conn = previous_version(path)
    for statement in FILL:
        conn.execute(statement, {"now": NOW} if ":now" in statement else {})
    conn.close()
    bad = tmp_path / "migrations"
    bad.mkdir()
    step = bad / f"{AUTOINCREMENT_ID:04d}_orphan.sql"
    step.write_text("-- migration: foreign_keys off\nDELETE FROM users WHERE id = 4;\n")
    steps = [(n, p) for n, p in migration_files() if n < AUTOINCREMENT_ID]
    monkeypatch.setattr(migrations, "migration_files", lambda: [*steps, (AUTOINCREMENT_ID, step)])

    with pytest.raises(StoreError, match="migration 0008 breaks foreign keys"):
        await Store.open(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == PREVIOUS
        assert conn.execute("SELECT count(*) FROM users WHERE id = 4").fetchone() == (1,)
    finally:
        conn.close()
