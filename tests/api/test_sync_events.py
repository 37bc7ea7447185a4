"""The sync event log: list, filters, detail, stats and who sees what."""

from __future__ import annotations

import uuid

import pytest
from integration_support import EVENTS, event, make_token, post_event

from service.common.clock import FrozenClock

EVENTS_ALIAS = "/api/integrations/woocommerce/events/"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def alice_log(client, customer, clock) -> dict:
    """Alice's two tokens and a small history: created, updated, stale, deleted, repeat."""
    main = await make_token(client, customer, name="main")
    other = await make_token(client, customer, name="other")
    steps = [
        (main, event("a1", "product.created", product_id=1, date_modified="2025-01-02T00:00:00Z")),
        (main, event("a2", product_id=1, name="New", date_modified="2025-01-03T00:00:00Z")),
        (main, event("a3", product_id=1, date_modified="2025-01-01T00:00:00Z")),
        (other, event("a4", "product.created", product_id=2)),
        (other, {"event_id": "a5", "event_type": "product.deleted", "product": {"id": 2}}),
        (main, event("a1", "product.created", product_id=1)),
    ]
    for token, body in steps:
        await post_event(client, token["token"], body, **{"User-Agent": "Pilito Sync/3.2.2"})
        clock.advance(seconds=1)
    return {"main": main, "other": other}


async def test_list_is_newest_first_with_details(client, customer, alice_log):
    data = await (await client.get(EVENTS, headers=customer.auth)).json()
    assert data["count"] == 5
    assert [item["event_id"] for item in data["results"]] == ["a5", "a4", "a3", "a2", "a1"]
    first = data["results"][-1]
    assert first["status"] == "processed" and first["action"] == "created"
    assert first["event_type"] == "product.created" and first["woo_product_id"] == 1
    assert first["token_id"] == alice_log["main"]["id"] and first["token_name"] == "main"
    assert first["user"] == {"id": customer.user.id, "email": customer.user.email}
    assert first["duplicates"] == 1 and first["attempts"] == 1
    assert first["user_agent"] == "Pilito Sync/3.2.2" and first["source_ip"] == "127.0.0.1"
    assert first["processing_time_ms"] >= 0
    assert "payload" not in first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("event_type=product.deleted", ["a5"]),
        ("status=stale", ["a3"]),
        ("status=processed", ["a5", "a4", "a2", "a1"]),
        ("status=skipped", []),
        ("woo_product_id=2", ["a5", "a4"]),
        ("woo_product_id=2&event_type=product.created", ["a4"]),
    ],
)
async def test_filters(client, customer, alice_log, query, expected):
    data = await (await client.get(f"{EVENTS}?{query}", headers=customer.auth)).json()
    assert [item["event_id"] for item in data["results"]] == expected


async def test_filter_by_token(client, customer, alice_log):
    token_id = alice_log["other"]["id"]
    data = await (await client.get(f"{EVENTS}?token_id={token_id}", headers=customer.auth)).json()
    assert [item["event_id"] for item in data["results"]] == ["a5", "a4"]


@pytest.mark.parametrize(
    "query",
    [
        "woo_product_id=abc",
        "status=done",
        "event_type=order.created",
        "token_id=nope",
        "user_id=x",
        "page=0",
        "page_size=500",
    ],
)
async def test_bad_filters_are_400(client, customer, alice_log, query):
    resp = await client.get(f"{EVENTS}?{query}", headers=customer.auth)
    assert resp.status == 400
    resp = await client.get(f"{EVENTS}stats/?{query}", headers=customer.auth)
    assert resp.status == 400 or "page" in query


async def test_detail_carries_the_payload(client, customer, alice_log):
    listing = await (await client.get(f"{EVENTS_ALIAS}?status=stale", headers=customer.auth)).json()
    event_pk = listing["results"][0]["id"]
    detail = await (await client.get(f"{EVENTS}{event_pk}/", headers=customer.auth)).json()
    assert detail["id"] == event_pk and detail["status"] == "stale" and detail["action"] is None
    assert detail["payload"]["event_id"] == "a3"
    assert detail["payload"]["product"]["source_id"] == 1
    assert detail["payload"]["product"]["price"] == 1999  # as stored: hundredths
    for missing in (str(uuid.uuid4()), "nope"):
        assert (await client.get(f"{EVENTS}{missing}/", headers=customer.auth)).status == 404


async def test_stats(client, customer, alice_log):
    stats = await (await client.get(f"{EVENTS}stats/", headers=customer.auth)).json()
    assert stats["total_events"] == 5
    assert stats["successful"] == 4 and stats["failed"] == 0
    assert stats["by_status"] == {"processed": 4, "skipped": 0, "stale": 1, "failed": 0}
    assert stats["by_event_type"] == {
        "product.created": 2,
        "product.updated": 2,
        "product.deleted": 1,
    }
    assert stats["duplicates"] == 1
    assert stats["average_processing_time_ms"] >= 0
    assert stats["last_event_at"] == "2026-01-01T00:00:04Z"
    only = await (await client.get(f"{EVENTS}stats/?status=stale", headers=customer.auth)).json()
    assert only["total_events"] == 1


async def test_others_see_nothing_of_alices_events(client, customer, other_customer, alice_log):
    listing = await (await client.get(EVENTS, headers=customer.auth)).json()
    event_pk = listing["results"][0]["id"]
    assert (await client.get(f"{EVENTS}{event_pk}/", headers=other_customer.auth)).status == 404
    empty = await (await client.get(EVENTS, headers=other_customer.auth)).json()
    assert empty["count"] == 0
    stats = await (await client.get(f"{EVENTS}stats/", headers=other_customer.auth)).json()
    assert stats["total_events"] == 0
    resp = await client.get(f"{EVENTS}?user_id={customer.user.id}", headers=other_customer.auth)
    assert resp.status == 403
    token_id = alice_log["main"]["id"]
    by_token = await (
        await client.get(f"{EVENTS}?token_id={token_id}", headers=other_customer.auth)
    ).json()
    assert by_token["count"] == 0


async def test_administrators_see_everyone(client, admin, customer, other_customer, alice_log):
    bob = await make_token(client, other_customer)
    await post_event(client, bob["token"], event("b1", "product.created"))
    everyone = await (await client.get(EVENTS, headers=admin.auth)).json()
    assert everyone["count"] == 6
    alice_only = await (
        await client.get(f"{EVENTS}?user_id={customer.user.id}", headers=admin.auth)
    ).json()
    assert alice_only["count"] == 5
    detail = await client.get(f"{EVENTS}{everyone['results'][0]['id']}/", headers=admin.auth)
    assert detail.status == 200


async def test_event_routes_need_a_jwt(client, alice_log):
    token = alice_log["main"]["token"]
    for path in (EVENTS, f"{EVENTS}stats/", f"{EVENTS}{uuid.uuid4()}/"):
        assert (await client.get(path)).status == 401
        assert (await client.get(path, headers={"Authorization": f"Bearer {token}"})).status == 401
