"""Rows written in the same second keep their insertion order in every list that sorts
by a timestamp: the tie-breaker is the store's own ``seq`` column, not SQLite's rowid."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from service.common.clock import FrozenClock, iso
from store import carts, knowledge_products, sync_events, sync_writer, tokens, users
from store.db import Store
from store.migrations import migration_files, split_statements

# Names that sort against the insertion order, so no other column can explain the result.
NAMES = ["zulu", "alpha", "mike", "bravo"]


@pytest.fixture
def store(fresh_store):
    return fresh_store


@pytest.fixture
def when() -> str:
    return iso(FrozenClock().now())  # one instant for every row


async def _user(store: Store, when: str) -> int:
    async with store.transaction() as tx:
        return await users.insert_user(
            tx, email="o@example.com", display_name="O", role="customer",
            password_hash="x", created_at=when,
        )  # fmt: skip


async def test_tokens_list_newest_inserted_first(store, when):
    owner = await _user(store, when)
    for name in NAMES:
        async with store.transaction() as tx:
            await tokens.insert(
                tx, id=str(uuid.uuid4()), user_id=owner, name=name, integration_type="custom",
                digest=name, token_preview=name, created_at=when, updated_at=when,
            )  # fmt: skip
    for query in (tokens.TokenQuery(), tokens.TokenQuery(user_id=owner)):
        rows = await tokens.search(store, query, 10, 0)
        assert [r["name"] for r in rows] == NAMES[::-1]


async def test_event_list_newest_inserted_first(store, when):
    owner = await _user(store, when)
    for event_id in NAMES:
        row = {"id": str(uuid.uuid4()), "user_id": owner, "event_id": event_id,
               "event_type": "product.updated", "source_product_id": 1,
               "status": "processed", "payload": "{}", "created_at": when,
               "updated_at": when}  # fmt: skip
        async with store.transaction() as tx:
            assert await sync_writer.run(tx, lambda sql, row=row: sql.claim_event(row))
    for query in (sync_events.EventQuery(), sync_events.EventQuery(user_id=owner)):
        rows = await sync_events.search(store, query, 10, 0)
        assert [r["event_id"] for r in rows] == NAMES[::-1]


async def test_knowledge_products_newest_inserted_first(store, when):
    owner = await _user(store, when)
    async with store.transaction() as tx:
        for n, title in enumerate(NAMES):
            row = {"id": str(uuid.uuid4()), "user_id": owner, "external_source": "manual",
                   "external_id": title, "title": title, "title_key": title,
                   "currency": "USD", "stock_status": "instock", "in_stock": 1,
                   "content_hash": title, "content_updated_at": when, "search_text": title,
                   "created_at": when, "updated_at": when, "source_product_id": n}  # fmt: skip
            await sync_writer.run(tx, lambda sql, row=row: sql.insert_product(row))
    rows = await knowledge_products.search(
        store, knowledge_products.ProductQuery(user_id=owner), 10, 0
    )
    assert [r["title"] for r in rows] == NAMES[::-1]


async def test_cart_items_and_coupons_in_insertion_order(store, when):
    async with store.transaction() as tx:
        cart_id = await carts.insert(tx, "session", None, when)
    for key in NAMES:
        async with store.transaction() as tx:
            await carts.put_item(tx, cart_id, key, 1, 0, "[]", 1, when)
            await carts.add_coupon(tx, cart_id, key, when)
    async with store.transaction() as tx:  # a merge keeps the line's place
        await carts.put_item(tx, cart_id, NAMES[0], 1, 0, "[]", 5, when)
        await carts.add_coupon(tx, cart_id, NAMES[0], when)
    assert [r["item_key"] for r in await carts.items(store, cart_id)] == NAMES
    assert await carts.coupon_codes(store, cart_id) == NAMES


async def test_existing_rows_keep_their_order_through_the_migration(tmp_path, when):
    """A database made before ``seq`` existed: its rows are numbered in rowid order."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = [(n, p) for n, p in migration_files() if n < 7]
    for _, step in before:
        for statement in split_statements(step.read_text()):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before[-1][0]}")
    conn.execute(
        "INSERT INTO carts (session_key, created_at, updated_at) VALUES ('s', ?, ?)", (when, when)
    )
    for key in NAMES:
        conn.execute(
            "INSERT INTO cart_items (cart_id, item_key, product_id, quantity, added_at)"
            " VALUES (1, ?, 1, 1, ?)",
            (key, when),
        )
    conn.close()
    store = await Store.open(path)
    try:
        async with store.transaction() as tx:
            await carts.put_item(tx, 1, "new", 1, 0, "[]", 1, when)
        assert [r["item_key"] for r in await carts.items(store, 1)] == [*NAMES, "new"]
    finally:
        await store.close()
