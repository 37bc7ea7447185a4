"""--demo seeds licenses with activations and pending OAuth requests, once."""

from __future__ import annotations

import pytest

from service.common.clock import FrozenClock
from service.demo import seed as demo
from service.demo.licenses import LICENSES, PENDING
from service.licensing import admin as licenses
from service.licensing import oauth as license_oauth


@pytest.fixture
def clock():
    return FrozenClock()


async def test_demo_seeds_licenses_activations_and_pending_requests(ctx, clock):
    await demo.seed(ctx)  # how fast: bench/startup_bench.py
    items, total = await licenses.list_licenses(ctx, licenses.LicenseFilters(per_page=100))
    assert total == len(LICENSES)
    assert all(i["source"] == "demo" and i["product_name"] for i in items)
    assert sum(bool(i["activations"]) for i in items) >= 8
    assert any(a["is_local"] for i in items for a in i["activations"])
    assert {i["customer_email"] for i in items} >= {"customer@shopkeep.test"}
    assert any(i["expired"] for i in items)
    assert any(i["status"] == "disabled" for i in items)
    assert all(
        i["activation_limit"] is None or i["activation_count"] <= i["activation_limit"]
        for i in items
    )
    pending = await license_oauth.pending_requests(ctx)
    assert len(pending) == len(PENDING)
    assert all("*" in p["license_key_masked"] for p in pending)

    # Again: nothing new, the live requests are kept.
    assert await demo.seed(ctx) == []
    assert (await licenses.list_licenses(ctx))[1] == total
    assert [p["id"] for p in await license_oauth.pending_requests(ctx)] == [
        p["id"] for p in pending
    ]
    # Once they have expired, a new run asks again (and drops the stale ones).
    clock.advance(minutes=16)
    await demo.seed(ctx)
    fresh = await license_oauth.pending_requests(ctx)
    assert len(fresh) == len(PENDING)
    assert {p["id"] for p in fresh}.isdisjoint({p["id"] for p in pending})
    assert all(p["expires_at"] == "2026-01-01T00:31:00Z" for p in fresh)
