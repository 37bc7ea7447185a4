"""The plugin's webhook: strict validation, upsert rules, ordering, idempotency, batches."""

from __future__ import annotations

import asyncio
import json

import pytest
from integration_support import (
    BATCH,
    EVENTS,
    PRODUCTS,
    WEBHOOK,
    bearer,
    event,
    make_token,
    post_event,
    product,
    products,
)

from service.common.clock import FrozenClock
from service.integrations import product_sync


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def token(client, customer) -> str:
    return (await make_token(client, customer))["token"]


async def counts(ctx) -> tuple[int, int]:
    events = await ctx.store.fetchval("SELECT count(*) FROM sync_events")
    synced = await ctx.store.fetchval("SELECT count(*) FROM knowledge_products")
    return events, synced


async def test_created_event_is_processed_and_listed(client, customer, token):
    body = event(
        "wc_2025_11_10_100000_414_1234",
        "product.created",
        name="کفش &amp; <b>کتونی</b>",
        description="<p>Line one</p><script>alert(1)</script><p>Line&nbsp;two</p>",
        categories=["Shoes &amp; Boots", "ورزشی"],
    )
    data = await post_event(client, token, body)
    assert data["status"] == "processed"
    assert data["event_id"] == "wc_2025_11_10_100000_414_1234"
    assert data["action"] == "created"
    assert data["product_id"]
    assert data["duplicate"] is False
    listing = await products(client, customer)
    assert listing["count"] == 1
    item = listing["results"][0]
    assert item["id"] == data["product_id"]
    assert item["external_id"] == "woo_414" and item["external_source"] == "woocommerce"
    assert item["title"] == "کفش & کتونی"
    assert item["description"] == "Line one\nLine two"
    assert item["short_description"] == "Short"
    assert item["categories"] == ["Shoes & Boots", "ورزشی"]
    assert item["price"] == "19.99" and item["regular_price"] == "19.99"
    assert item["sale_price"] is None
    assert item["discount_amount"] == "0.00" and item["has_discount"] is False
    assert item["currency"] == "USD" and item["stock_quantity"] == 7 and item["in_stock"] is True
    assert item["image"] == "https://shop.example.com/img/414.jpg"
    assert item["gallery"] == ["https://shop.example.com/img/414-2.jpg"]
    assert item["permalink"] == "https://shop.example.com/product/414/"
    assert item["sku"] == "SKU-414" and item["type"] == "simple" and item["tags"] == ["summer"]
    assert item["date_modified"] == "2025-11-10T10:00:00Z"
    assert item["is_active"] is True and item["created_at"] and item["updated_at"]


async def test_update_replaces_fields_and_keeps_the_product(client, customer, token):
    first = await post_event(client, token, event("e1", "product.created"))
    second = await post_event(
        client,
        token,
        event("e2", name="Renamed", stock_quantity=None, stock_status="outofstock",
              date_modified="2025-11-11T00:00:00Z", categories=[], image=""),
    )  # fmt: skip
    assert second["action"] == "updated" and second["product_id"] == first["product_id"]
    item = (await products(client, customer))["results"][0]
    assert item["title"] == "Renamed" and item["stock_quantity"] is None
    assert item["in_stock"] is False and item["categories"] == [] and item["image"] is None


async def test_an_update_for_an_unknown_product_creates_it(client, customer, token):
    data = await post_event(client, token, event("e1", "product.updated", product_id=9))
    assert data["action"] == "created"


async def test_prices(client, customer, token):
    on_sale = await post_event(
        client,
        token,
        event("sale", "product.created", price="80", regular_price="100", sale_price=80.0,
              on_sale=True),
    )  # fmt: skip
    item = (await products(client, customer))["results"][0]
    assert (item["price"], item["regular_price"], item["sale_price"]) == (
        "80.00",
        "100.00",
        "80.00",
    )
    assert item["discount_amount"] == "20.00" and item["discount_percentage"] == "20.00"
    assert item["has_discount"] is True and item["on_sale"] is True
    await post_event(
        client,
        token,
        event("ended", price=100, regular_price=100, sale_price=None, on_sale=False,
              date_modified="2025-11-12T00:00:00Z"),
    )  # fmt: skip
    item = (await products(client, customer))["results"][0]
    assert item["id"] == on_sale["product_id"]
    assert item["price"] == "100.00" and item["sale_price"] is None
    assert item["discount_amount"] == "0.00" and item["has_discount"] is False
    await post_event(
        client,
        token,
        event("free", price=0, regular_price="0", date_modified="2025-11-13T00:00:00Z"),
    )
    item = (await products(client, customer))["results"][0]
    assert item["price"] == "0.00" and item["regular_price"] == "0.00"
    await post_event(
        client,
        token,
        event("precise", price="10.005", regular_price="", sale_price="",
              date_modified="2025-11-14T00:00:00Z"),
    )  # fmt: skip
    item = (await products(client, customer))["results"][0]
    assert item["price"] == "10.01" and item["regular_price"] is None


async def test_missing_price_falls_back_to_sale_or_regular(client, customer, token):
    await post_event(
        client,
        token,
        event("p", "product.created", price=None, regular_price=50, sale_price=40, on_sale=None),
    )
    item = (await products(client, customer))["results"][0]
    assert (
        item["price"] == "40.00" and item["on_sale"] is True and item["discount_amount"] == "10.00"
    )


async def test_repeat_is_skipped_with_the_first_outcome(client, customer, token, ctx):
    first = await post_event(client, token, event("dup", "product.created"))
    again = await post_event(
        client, token, event("dup", "product.updated", name="Other", product_id=999)
    )
    assert again["status"] == "skipped" and again["duplicate"] is True
    assert again["original_status"] == "processed"
    assert again["action"] == "created" and again["product_id"] == first["product_id"]
    assert await counts(ctx) == (1, 1)
    assert (await products(client, customer))["results"][0]["title"] == "Product 414"
    log = await (await client.get(EVENTS, headers=customer.auth)).json()
    assert log["results"][0]["duplicates"] == 1


async def test_50_concurrent_posts_of_one_event_are_processed_once(client, customer, token, ctx):
    body = event("race", "product.created")

    async def send() -> tuple[int, dict]:
        resp = await client.post(WEBHOOK, json=body, headers=bearer(token))
        return resp.status, await resp.json()

    results = await asyncio.gather(*(send() for _ in range(50)))
    assert [status for status, _ in results] == [200] * 50
    statuses = sorted(data["status"] for _, data in results)
    assert statuses.count("processed") == 1 and statuses.count("skipped") == 49
    assert len({data["product_id"] for _, data in results}) == 1
    assert await counts(ctx) == (1, 1)
    duplicates = await ctx.store.fetchval("SELECT duplicates FROM sync_events")
    assert duplicates == 49


async def test_idempotency_is_per_owner(client, customer, other_customer, token):
    other = (await make_token(client, other_customer))["token"]
    a = await post_event(client, token, event("same-id", "product.created"))
    b = await post_event(client, other, event("same-id", "product.created", name="Bob's"))
    assert a["status"] == b["status"] == "processed"
    assert a["product_id"] != b["product_id"]
    assert (await products(client, customer))["results"][0]["title"] == "Product 414"
    assert (await products(client, other_customer))["results"][0]["title"] == "Bob's"


async def test_two_tokens_of_one_owner_share_products_and_event_ids(client, customer, token):
    second = (await make_token(client, customer, name="second"))["token"]
    await post_event(client, token, event("x1", "product.created"))
    again = await post_event(client, second, event("x1", "product.created"))
    assert again["status"] == "skipped"


async def test_an_older_update_is_stale(client, customer, token):
    await post_event(
        client, token, event("new", "product.created", date_modified="2025-11-10T12:00:00Z")
    )
    stale = await post_event(
        client, token, event("old", name="Old name", date_modified="2025-11-10T11:59:59Z")
    )
    assert stale["status"] == "stale" and stale["action"] is None and stale["product_id"]
    assert (await products(client, customer))["results"][0]["title"] == "Product 414"
    same_time = await post_event(
        client, token, event("same", name="Same time", date_modified="2025-11-10T12:00:00Z")
    )
    assert same_time["status"] == "processed"
    undated = await post_event(client, token, event("undated", name="No date", date_modified=None))
    assert undated["status"] == "processed"
    log = await (await client.get(f"{EVENTS}?status=stale", headers=customer.auth)).json()
    assert [item["event_id"] for item in log["results"]] == ["old"]


async def test_delete_hides_and_a_newer_update_revives(client, customer, token):
    created = await post_event(client, token, event("c", "product.created"))
    deleted = await post_event(
        client,
        token,
        {"event_id": "d", "event_type": "product.deleted",
         "product": {"id": 414, "date_modified": "2025-11-10T10:00:00Z"}},
    )  # fmt: skip
    assert deleted == {**deleted, "status": "processed", "action": "deleted",
                       "product_id": created["product_id"]}  # fmt: skip
    assert (await products(client, customer))["count"] == 0
    hidden = await products(client, customer, "is_active=false")
    assert hidden["results"][0]["is_active"] is False and hidden["results"][0]["deleted_at"]
    detail = await client.get(f"{PRODUCTS}{created['product_id']}/", headers=customer.auth)
    assert (await detail.json())["is_active"] is False
    # a late update from before (or at) the delete does not bring it back
    late = await post_event(client, token, event("late", date_modified="2025-11-10T10:00:00Z"))
    assert late["status"] == "stale"
    assert (await products(client, customer))["count"] == 0
    again = await post_event(client, token, {"event_id": "d2", "event_type": "product.deleted",
                                             "product": {"id": 414}})  # fmt: skip
    assert again["status"] == "skipped" and again["duplicate"] is False
    revived = await post_event(
        client, token, event("r", "product.created", date_modified="2025-11-10T10:00:01Z")
    )
    assert revived["status"] == "processed" and revived["product_id"] == created["product_id"]
    item = (await products(client, customer))["results"][0]
    assert item["is_active"] is True and item["deleted_at"] is None


async def test_deleting_what_is_not_there_is_skipped(client, customer, token, ctx):
    data = await post_event(
        client, token, {"event_id": "gone", "event_type": "product.deleted", "product": {"id": 5}}
    )
    assert data["status"] == "skipped" and data["action"] is None and data["product_id"] is None
    assert data["duplicate"] is False
    assert await counts(ctx) == (1, 0)


async def test_an_older_delete_is_stale(client, customer, token):
    await post_event(
        client, token, event("c", "product.created", date_modified="2025-11-10T12:00:00Z")
    )
    data = await post_event(
        client,
        token,
        {"event_id": "d", "event_type": "product.deleted",
         "product": {"id": 414, "date_modified": "2025-11-09T00:00:00Z"}},
    )  # fmt: skip
    assert data["status"] == "stale"
    assert (await products(client, customer))["count"] == 1


async def test_content_updated_at_moves_only_with_the_text(client, customer, token, clock):
    await post_event(client, token, event("c", "product.created", date_modified=None))
    before = (await products(client, customer))["results"][0]
    clock.advance(minutes=5)
    await post_event(client, token, event("price", price=5, regular_price=5, stock_quantity=1,
                                           date_modified=None))  # fmt: skip
    after_price = (await products(client, customer))["results"][0]
    assert after_price["content_updated_at"] == before["content_updated_at"]
    assert after_price["updated_at"] != before["updated_at"]
    clock.advance(minutes=5)
    await post_event(client, token, event("text", description="New text", date_modified=None))
    after_text = (await products(client, customer))["results"][0]
    assert after_text["content_updated_at"] == "2026-01-01T00:10:00Z"


BAD_PRODUCTS = [
    ({"id": "414"}, "product.id"),
    ({"id": 0}, "product.id"),
    ({"id": True}, "product.id"),
    ({"name": None}, "product.name"),
    ({"name": "   "}, "product.name"),
    ({"name": "n" * 256}, "product.name"),
    ({"name": 5}, "product.name"),
    ({"price": "abc"}, "product.price"),
    ({"price": "1,50"}, "product.price"),
    ({"price": -1}, "product.price"),
    ({"price": True}, "product.price"),
    ({"price": "1e3"}, "product.price"),
    ({"price": 10**13}, "product.price"),
    ({"regular_price": [1]}, "product.regular_price"),
    ({"sale_price": {}}, "product.sale_price"),
    ({"stock_quantity": 1.5}, "product.stock_quantity"),
    ({"stock_quantity": "3"}, "product.stock_quantity"),
    ({"stock_status": "In Stock!"}, "product.stock_status"),
    ({"on_sale": "yes"}, "product.on_sale"),
    ({"categories": "Shoes"}, "product.categories"),
    ({"categories": [1]}, "product.categories"),
    ({"categories": ["x" * 201]}, "product.categories"),
    ({"tags": ["ok", ""]}, "product.tags"),
    ({"image": "ftp://shop.example.com/a.jpg"}, "product.image"),
    ({"image": "not a url"}, "product.image"),
    ({"image": "https://"}, "product.image"),
    ({"image": "https://e.com/" + "a" * 2100}, "product.image"),
    ({"permalink": "javascript:alert(1)"}, "product.permalink"),
    ({"gallery": ["https://e.com/a.jpg"] * 51}, "product.gallery"),
    ({"gallery": "https://e.com/a.jpg"}, "product.gallery"),
    ({"currency": "US"}, "product.currency"),
    ({"currency": "€€€"}, "product.currency"),
    ({"date_modified": "yesterday"}, "product.date_modified"),
    ({"date_modified": "2025-13-40T00:00:00Z"}, "product.date_modified"),
    ({"date_modified": 1731230000}, "product.date_modified"),
    ({"description": "d" * 100_001}, "product.description"),
    ({"short_description": ["x"]}, "product.short_description"),
    ({"sku": "s" * 101}, "product.sku"),
    ({"type": "Simple Product"}, "product.type"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_PRODUCTS)
async def test_bad_product_fields_are_400_and_change_nothing(client, token, ctx, fields, field):
    data = await post_event(client, token, event("bad", "product.created", **fields), expect=400)
    assert data["code"] == "invalid"
    assert field in data["errors"], data["errors"]
    assert await counts(ctx) == (0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_type": "product.created", "product": product()}, "event_id"),
        ({"event_id": "", "event_type": "product.created", "product": product()}, "event_id"),
        ({"event_id": 12, "event_type": "product.created", "product": product()}, "event_id"),
        (
            {"event_id": "e" * 101, "event_type": "product.created", "product": product()},
            "event_id",
        ),
        ({"event_id": "a\nb", "event_type": "product.created", "product": product()}, "event_id"),
        ({"event_id": "e", "event_type": "product.trashed", "product": product()}, "event_type"),
        ({"event_id": "e", "product": product()}, "event_type"),
        ({"event_id": "e", "event_type": "product.created"}, "product"),
        ({"event_id": "e", "event_type": "product.created", "product": [1]}, "product"),
        ({"event_id": "e", "event_type": "product.deleted", "product": {}}, "product.id"),
    ],
)
async def test_bad_envelopes_are_400(client, token, ctx, body, field):
    data = await post_event(client, token, body, expect=400)
    assert field in data["errors"], data
    assert await counts(ctx) == (0, 0)


async def test_every_problem_is_reported_at_once(client, token):
    data = await post_event(
        client, token, event("e", "product.created", price="x", image="nope", on_sale=1), expect=400
    )
    assert {"product.price", "product.image", "product.on_sale"} <= set(data["errors"])


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[]", b"NaN", b'{"event_id": "e", "product": {"id": 1, "price": NaN}}']
)
async def test_malformed_bodies_are_400(client, token, ctx, raw):
    resp = await client.post(
        WEBHOOK, data=raw, headers=bearer(token, **{"Content-Type": "application/json"})
    )
    assert resp.status == 400
    assert await counts(ctx) == (0, 0)


async def test_oversized_body_is_413_and_changes_nothing(client, token, ctx):
    body = event("big", "product.created", description="x" * (1024 * 1024))
    resp = await client.post(WEBHOOK, data=json.dumps(body), headers=bearer(token))
    assert resp.status == 413
    assert await counts(ctx) == (0, 0)


async def test_webhook_needs_a_valid_token(client, customer, ctx):
    created = await make_token(client, customer)
    await client.delete(f"/api/v1/integrations/tokens/{created['id']}/", headers=customer.auth)
    for headers in ({}, bearer(created["token"]), customer.auth):
        resp = await client.post(WEBHOOK, json=event("e", "product.created"), headers=headers)
        assert resp.status == 401
    assert await counts(ctx) == (0, 0)


async def test_english_messages(client, token):
    data = await post_event(
        client, token, event("e", "product.created"), **{"Accept-Language": "en-GB"}
    )
    assert data["message"] == "The event was processed."


async def test_a_processing_failure_is_logged_and_can_be_retried(
    client, customer, token, ctx, monkeypatch
):
    real = product_sync.apply

    def broken(*args, **kwargs):
        real(*args, **kwargs)  # writes, then fails: the writes must be undone
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(product_sync, "apply", broken)
    resp = await client.post(WEBHOOK, json=event("f", "product.created"), headers=bearer(token))
    assert resp.status == 500
    assert (await resp.json())["code"] == "processing_failed"
    assert await counts(ctx) == (1, 0)
    log = await (await client.get(f"{EVENTS}?status=failed", headers=customer.auth)).json()
    assert "disk on fire" in log["results"][0]["error_message"]
    monkeypatch.setattr(product_sync, "apply", real)
    retried = await post_event(client, token, event("f", "product.created"))
    assert retried["status"] == "processed" and retried["duplicate"] is False
    log = await (await client.get(EVENTS, headers=customer.auth)).json()
    assert log["count"] == 1
    assert log["results"][0]["attempts"] == 2 and log["results"][0]["error_message"] is None


async def test_batch_processes_each_event(client, customer, token, ctx):
    body = {
        "events": [
            event("b1", "product.created", product_id=1),
            event("b2", "product.created", product_id=2, price="bad"),
            event("b1", "product.created", product_id=1),
            {"event_id": "b3", "event_type": "product.deleted", "product": {"id": 77}},
            "not an object",
            event("b4", "product.updated", product_id=1, name="Renamed",
                  date_modified="2025-12-01T00:00:00Z"),
        ]
    }  # fmt: skip
    resp = await client.post(BATCH, json=body, headers=bearer(token))
    data = await resp.json()
    assert resp.status == 200, data
    assert data["count"] == 6
    assert (data["processed"], data["skipped"], data["invalid"], data["stale"]) == (2, 2, 2, 0)
    statuses = [(r["event_id"], r["status"]) for r in data["results"]]
    assert statuses == [
        ("b1", "processed"),
        ("b2", "invalid"),
        ("b1", "skipped"),
        ("b3", "skipped"),
        (None, "invalid"),
        ("b4", "processed"),
    ]
    assert "product.price" in data["results"][1]["errors"]
    assert data["results"][2]["duplicate"] is True
    assert await counts(ctx) == (3, 1)
    assert (await products(client, customer))["results"][0]["title"] == "Renamed"


@pytest.mark.parametrize(
    "body",
    [{}, {"events": "x"}, {"events": []}, {"events": [event(f"e{i}") for i in range(101)]}],
)
async def test_bad_batches_are_400(client, token, ctx, body):
    resp = await client.post(BATCH, json=body, headers=bearer(token))
    assert resp.status == 400
    assert "events" in (await resp.json())["errors"]
    assert await counts(ctx) == (0, 0)


async def test_batch_of_100_is_fine(client, customer, token):
    body = {"events": [event(f"e{i}", "product.created", product_id=i + 1) for i in range(100)]}
    data = await (await client.post(BATCH, json=body, headers=bearer(token))).json()
    assert data["processed"] == 100
    assert (await products(client, customer, "page_size=1"))["count"] == 100


async def test_a_failed_write_acknowledges_nothing(client, token, ctx, monkeypatch):
    from store import sync_writer

    run_transaction = sync_writer.run_transaction

    async def failing(store, work):
        def written_then_failing(sql):
            work(sql)  # the group's writes, which must be rolled back too
            raise OSError("disk I/O error")

        return await run_transaction(store, written_then_failing)

    monkeypatch.setattr(sync_writer, "run_transaction", failing)

    async def send(index: int) -> int:
        resp = await client.post(
            WEBHOOK, json=event(f"x{index}", "product.created", product_id=index + 1),
            headers=bearer(token),
        )  # fmt: skip
        assert (await resp.json())["code"] == "internal_error"
        return resp.status

    assert await asyncio.gather(*(send(i) for i in range(10))) == [500] * 10
    assert await counts(ctx) == (0, 0)


async def test_concurrent_events_for_many_products_all_land(client, customer, token, ctx):
    async def send(index: int) -> dict:
        return await post_event(client, token, event(f"m{index}", "product.created",
                                                     product_id=index % 40 + 1))  # fmt: skip

    results = await asyncio.gather(*(send(i) for i in range(120)))
    assert sorted(r["action"] for r in results).count("created") == 40
    assert all(r["status"] == "processed" for r in results)
    assert await counts(ctx) == (120, 40)
