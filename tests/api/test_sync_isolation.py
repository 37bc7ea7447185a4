"""Webhook events of many tenants share one transaction (the group commit); an event
that cannot be stored fails alone: every other event of the group is stored and
acknowledged, and nothing of the failed one remains."""

from __future__ import annotations

import asyncio
import json

import pytest
from integration_support import BATCH, WEBHOOK, bearer, event, make_token
from support import make_account

from store import tokens as token_sql
from store.sync_writer import SyncSql

POISONED, VALID = 30, 90


@pytest.fixture
async def tenants(client, ctx):
    """Two shop owners, each with their own plugin token."""
    mallory = await make_account(ctx, "mallory@example.com", "customer", "Mallory")
    bob = await make_account(ctx, "bob@example.com", "customer", "Bob")
    return (
        (mallory, (await make_token(client, mallory))["token"]),
        (bob, (await make_token(client, bob))["token"]),
    )


async def _post(client, token: str, body: dict) -> tuple[int, dict]:
    resp = await client.post(WEBHOOK, json=body, headers=bearer(token))
    return resp.status, await resp.json()


async def _stored(ctx, user_id: int) -> tuple[int, int]:
    events = await ctx.store.fetchval(
        "SELECT count(*) FROM sync_events WHERE user_id = ?", (user_id,)
    )
    synced = await ctx.store.fetchval(
        "SELECT count(*) FROM knowledge_products WHERE user_id = ?", (user_id,)
    )
    return events, synced


def _poison(monkeypatch, method: str, user_id: int) -> None:
    """Make one of the writer's per-event statements fail for ``user_id`` only:
    ``claim_event`` (the first write of an event) or ``finish_event`` (the last, after
    the event was claimed and its product written)."""
    original = getattr(SyncSql, method)

    def owner(sql: SyncSql, arg) -> int:
        if method == "claim_event":
            return arg["user_id"]
        row = sql._conn.execute("SELECT user_id FROM sync_events WHERE id = ?", (arg,))
        return row.fetchone()["user_id"]

    def poisoned(self, arg, *args, **kwargs):
        if owner(self, arg) == user_id:
            raise RuntimeError("the disk refused this one")
        return original(self, arg, *args, **kwargs)

    monkeypatch.setattr(SyncSql, method, poisoned)


async def _interleaved(bad: list, good: list) -> tuple[list, list]:
    """Run both at once, one bad call after every three good ones, so that the
    groups the batcher commits hold both tenants' events."""
    calls = [
        call
        for quartet in zip(good[::3], good[1::3], good[2::3], bad, strict=True)
        for call in quartet
    ]
    results = await asyncio.gather(*calls)
    return results[3::4], [r for i, r in enumerate(results) if i % 4 != 3]


async def _race(client, bad_token: str, good_token: str) -> tuple[list, list]:
    bad = [_post(client, bad_token, event(f"a{i}", "product.created", product_id=i + 1))
           for i in range(POISONED)]  # fmt: skip
    good = [_post(client, good_token, event(f"b{i}", "product.created", product_id=i + 1))
            for i in range(VALID)]  # fmt: skip
    return await _interleaved(bad, good)


@pytest.mark.parametrize("method", ["claim_event", "finish_event"])
async def test_a_tenant_whose_events_cannot_be_stored_fails_alone(
    client, ctx, tenants, monkeypatch, method
):
    (mallory, bad_token), (bob, good_token) = tenants
    _poison(monkeypatch, method, mallory.user.id)

    bad, good = await _race(client, bad_token, good_token)

    assert [status for status, _ in good] == [200] * VALID
    assert {body["status"] for _, body in good} == {"processed"}
    assert [status for status, _ in bad] == [500] * POISONED
    assert {body["code"] for _, body in bad} == {"processing_failed"}
    assert set(bad[0][1]) == {"detail", "code", "error"}
    assert await _stored(ctx, bob.user.id) == (VALID, VALID)
    # finish_event fails after the event was claimed and its product written: both undone
    assert await _stored(ctx, mallory.user.id) == (0, 0)


async def test_the_failed_events_can_be_sent_again(client, ctx, tenants, monkeypatch):
    (mallory, bad_token), _ = tenants
    _poison(monkeypatch, "finish_event", mallory.user.id)
    status, _ = await _post(client, bad_token, event("again", "product.created"))
    assert status == 500
    monkeypatch.undo()
    status, body = await _post(client, bad_token, event("again", "product.created"))
    assert (status, body["status"], body["duplicate"]) == (200, "processed", False)
    assert await _stored(ctx, mallory.user.id) == (1, 1)


async def _raw_post(client, token: str, body: dict, user_agent: bytes) -> tuple[int, dict]:
    """A POST whose User-Agent is not UTF-8 (aiohttp's client would not send it)."""
    payload = json.dumps(body).encode()
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"POST " + WEBHOOK.encode() + b" HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\nUser-Agent: " + user_agent + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(payload)).encode()
        + b"\r\n\r\n"
        + payload
    )
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, data = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(data)


async def test_a_user_agent_that_is_not_utf8_is_kept_repaired(client, ctx, tenants):
    """A User-Agent that is not UTF-8 (aiohttp hands it over as lone surrogates, which
    SQLite cannot bind) is stored with U+FFFD for each bad byte: the event is kept, in
    parallel with another tenant's events."""
    (mallory, bad_token), (bob, good_token) = tenants
    bad = [_raw_post(client, bad_token, event(f"a{i}", "product.created", product_id=i + 1),
                     b"Plugin \xff\xfe") for i in range(POISONED)]  # fmt: skip
    good = [_post(client, good_token, event(f"b{i}", "product.created", product_id=i + 1))
            for i in range(VALID)]  # fmt: skip
    bad_results, good_results = await _interleaved(bad, good)

    assert [status for status, _ in good_results] == [200] * VALID
    assert [status for status, _ in bad_results] == [200] * POISONED
    assert await _stored(ctx, bob.user.id) == (VALID, VALID)
    assert await _stored(ctx, mallory.user.id) == (POISONED, POISONED)
    agents = await ctx.store.fetchall(
        "SELECT DISTINCT user_agent FROM sync_events WHERE user_id = ?", (mallory.user.id,)
    )
    assert [row[0] for row in agents] == ["Plugin \ufffd\ufffd"]


async def test_in_a_batch_the_event_that_fails_fails_alone(client, ctx, tenants, monkeypatch):
    (mallory, bad_token), _ = tenants
    original = SyncSql.claim_event

    def poisoned(self, row):
        if row["event_id"] == "poison":
            raise RuntimeError("the disk refused this one")
        return original(self, row)

    monkeypatch.setattr(SyncSql, "claim_event", poisoned)
    body = {"events": [event("ok1", "product.created", product_id=1), event("poison"),
                       event("ok2", "product.created", product_id=2)]}  # fmt: skip
    resp = await client.post(BATCH, json=body, headers=bearer(bad_token))
    data = await resp.json()
    assert resp.status == 200, data
    assert [(r["event_id"], r["status"]) for r in data["results"]] == [
        ("ok1", "processed"),
        ("poison", "failed"),
        ("ok2", "processed"),
    ]
    assert (data["processed"], data["failed"]) == (2, 1)
    assert await _stored(ctx, mallory.user.id) == (2, 2)


async def test_a_token_whose_usage_cannot_be_stored_holds_back_no_other(
    client, ctx, tenants, monkeypatch
):
    (mallory, _), (bob, _) = tenants
    ids = {
        account.user.id: await ctx.store.fetchval(
            "SELECT id FROM integration_tokens WHERE user_id = ?", (account.user.id,)
        )
        for account in (mallory, bob)
    }
    bad_id, good_id = ids[mallory.user.id], ids[bob.user.id]
    original = token_sql.add_usage

    async def poisoned(tx, rows):
        rows = list(rows)
        if any(token_id == bad_id for _, _, token_id in rows):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        await original(tx, rows)

    monkeypatch.setattr(token_sql, "add_usage", poisoned)
    tracker = ctx.usage
    await tracker.flush()  # whatever the fixtures counted
    before = {
        row["id"]: row["usage_count"]
        for row in await ctx.store.fetchall("SELECT id, usage_count FROM integration_tokens")
    }
    for _ in range(3):
        tracker.record(bad_id, "2030-01-01T00:00:00Z")
        tracker.record(good_id, "2030-01-01T00:00:00Z")

    await tracker.flush()

    stored = await ctx.store.fetchval(
        "SELECT usage_count FROM integration_tokens WHERE id = ?", (good_id,)
    )
    assert stored == before[good_id] + 3
    assert tracker.adjust(good_id, stored, None)[0] == stored  # nothing of it left pending
    bad_stored = await ctx.store.fetchval(
        "SELECT usage_count FROM integration_tokens WHERE id = ?", (bad_id,)
    )
    assert bad_stored == before[bad_id]
    assert tracker.adjust(bad_id, bad_stored, None)[0] == before[bad_id] + 3  # kept for later
    monkeypatch.undo()
    await tracker.flush()
    assert (
        await ctx.store.fetchval(
            "SELECT usage_count FROM integration_tokens WHERE id = ?", (bad_id,)
        )
        == before[bad_id] + 3
    )
