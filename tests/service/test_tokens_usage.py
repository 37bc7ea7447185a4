"""Usage counting: in memory, flushed soon and at shutdown, never lost or doubled."""

from __future__ import annotations

import asyncio

import pytest
from support import make_account

from service.app.context import Context
from service.integrations import tokens
from store import tokens as token_sql

STORED = "SELECT usage_count, last_used_at FROM integration_tokens WHERE id = ?"


@pytest.fixture
async def token(ctx):
    account = await make_account(ctx, "owner@example.com", "customer")
    return await tokens.generate(ctx, account.user, name="t")


async def test_counts_stay_in_memory_until_flushed(ctx, token):
    for _ in range(5):
        await tokens.authenticate(ctx, token.token, "127.0.0.1")
    row = await ctx.store.fetchone(STORED, (token.info.id,))
    assert row["usage_count"] == 0
    info = await tokens.get_token(ctx, _admin(), token.info.id)
    assert info.usage_count == 5 and info.last_used_at
    await ctx.usage.flush()
    row = await ctx.store.fetchone(STORED, (token.info.id,))
    assert row["usage_count"] == 5
    info = await tokens.get_token(ctx, _admin(), token.info.id)
    assert info.usage_count == 5


def _admin():
    from service.accounts.users import User

    return User(1, "x@example.com", "x", "administrator", True, 0, "")


async def test_a_timer_flushes_soon_after_use(ctx, token):
    ctx.usage._interval = 0.05
    await tokens.authenticate(ctx, token.token, None)
    await asyncio.sleep(0.3)
    row = await ctx.store.fetchone(STORED, (token.info.id,))
    assert row["usage_count"] == 1
    # and nothing is scheduled while idle
    tracker = ctx.usage
    assert tracker._timer is None and tracker._task is None


async def test_closing_the_context_flushes(settings, clock):
    ctx = await Context.open(settings, clock)
    account = await make_account(ctx, "owner@example.com", "customer")
    issued = await tokens.generate(ctx, account.user, name="t")
    for _ in range(3):
        await tokens.authenticate(ctx, issued.token, None)
    await ctx.close()
    again = await Context.open(settings, clock)
    try:
        row = await again.store.fetchone(STORED, (issued.info.id,))
        assert row["usage_count"] == 3
    finally:
        await again.close()


async def test_a_failed_flush_keeps_the_counts(ctx, token, monkeypatch):
    real = token_sql.add_usage
    calls = []

    async def failing(tx, rows):
        calls.append(list(rows))
        raise RuntimeError("disk full")

    await tokens.authenticate(ctx, token.token, None)
    monkeypatch.setattr(token_sql, "add_usage", failing)
    with pytest.raises(RuntimeError):
        await ctx.usage.flush()
    await tokens.authenticate(ctx, token.token, None)
    info = await tokens.get_token(ctx, _admin(), token.info.id)
    assert info.usage_count == 2
    monkeypatch.setattr(token_sql, "add_usage", real)
    await ctx.usage.flush()
    row = await ctx.store.fetchone(STORED, (token.info.id,))
    assert row["usage_count"] == 2


async def test_reads_overlapping_a_flush_are_repeated(ctx, token):
    tracker = ctx.usage
    for _ in range(4):
        await tokens.authenticate(ctx, token.token, None)
    fetches = []

    async def slow_fetch():
        fetches.append(1)
        row = await token_sql.by_id(ctx.store, token.info.id)
        if len(fetches) == 1:
            await tracker.flush()  # a flush lands while this read is in flight
        return row

    row = await tracker.consistent(slow_fetch)
    count, _ = tracker.adjust(token.info.id, row["usage_count"], row["last_used_at"])
    assert count == 4
    assert len(fetches) == 2


async def test_concurrent_authentications_and_flushes_add_up(ctx, token):
    tracker = ctx.usage

    async def use(n: int) -> None:
        for _ in range(n):
            await tokens.authenticate(ctx, token.token, None)

    async def flush_often() -> None:
        for _ in range(20):
            await tracker.flush()
            await asyncio.sleep(0)

    await asyncio.gather(use(100), use(100), flush_often(), use(100))
    await tracker.flush()
    row = await ctx.store.fetchone(STORED, (token.info.id,))
    assert row["usage_count"] == 300
