"""The guess throttle on its own (fake clock), and license keys guessed over HTTP."""

from __future__ import annotations

import pytest
from license_support import post

from service.common.errors import ServiceError
from service.common.throttle import (
    APP_PASSWORD,
    PASSWORD,
    AccountLock,
    GuessLimits,
    GuessThrottle,
    SlidingWindow,
)
from service.licensing.throttle import LicenseRateLimits


def throttle(now: list[float], **limits) -> GuessThrottle:
    return GuessThrottle(GuessLimits(**limits), clock=lambda: now[0])


async def fail(
    t: GuessThrottle, account: str, ip: str, realm: str = PASSWORD, times: int = 1
) -> None:
    for _ in range(times):
        await t.begin(realm, account, ip)  # never succeeded: a failure


async def refused(t: GuessThrottle, account: str, ip: str, realm: str = PASSWORD) -> int | None:
    try:
        await t.succeeded(await t.begin(realm, account, ip))
    except ServiceError as err:
        assert (err.status, err.code) == (429, "throttled")
        return int(err.headers["Retry-After"])
    return None


async def test_locks_report_the_account_wide_lock_and_the_locked_addresses():
    now = [0.0]
    t = throttle(now, per_account_ip=2, per_account=5, per_ip=100, window_s=600)
    await fail(t, "Alice@Example.com", "192.0.2.1", times=2)
    assert (await t.locks()) == {"alice@example.com": AccountLock(None, 1)}
    await fail(t, "alice@example.com", "192.0.2.2", times=2)
    now[0] = 60.0
    await fail(t, "alice@example.com", "192.0.2.3", APP_PASSWORD)
    await fail(t, "alice@example.com", "192.0.2.3")
    assert (await t.locks()) == {"alice@example.com": AccountLock(541, 2)}
    assert await refused(t, "alice@example.com", "192.0.2.9") == 541
    # Application passwords are another secret, counted apart.
    assert await refused(t, "alice@example.com", "192.0.2.9", APP_PASSWORD) is None
    now[0] = 601.0
    assert (await t.locks()) == {}


async def test_unlock_forgets_the_account_but_not_the_address():
    now = [0.0]
    t = throttle(now, per_account_ip=2, per_account=3, per_ip=4, window_s=600)
    await fail(t, "bob@example.com", "192.0.2.1", times=2)
    await fail(t, "bob@example.com", "192.0.2.2", times=1)
    await fail(t, "eve@example.com", "192.0.2.1", times=2)
    assert await refused(t, "bob@example.com", "192.0.2.3") == 601
    await t.unlock(" BOB@example.com")
    assert "bob@example.com" not in (await t.locks())
    assert await refused(t, "bob@example.com", "192.0.2.2") is None
    # 192.0.2.1 made 4 failures in all: still locked for every account.
    assert await refused(t, "carol@example.com", "192.0.2.1") == 601


def test_memory_is_bounded():
    now = [0.0]
    window = SlidingWindow(limit=3, window_s=60, clock=lambda: now[0], max_keys=100)
    for i in range(1000):
        window.hit(f"k{i}")
        window.hit("hot")  # hit again and again: kept, the idle keys go first
    assert len(list(window.tracked())) == 100
    assert window.count("hot") == 3  # at most ``limit`` timestamps per key
    assert window.count("k0") == 0 and window.count("k999") == 1


@pytest.mark.parametrize(
    "path", ["/licenses/validate", "/licenses/activate", "/licenses/deactivate"]
)
async def test_unknown_license_keys_are_limited_per_address(client, ctx, path):
    """Each guess is a new key, so the per-IP window is what stops a guesser."""
    ctx.license_limits = LicenseRateLimits(per_ip=3, per_key=60, clock=lambda: 0.0)
    answers = []
    for i in range(4):
        body = {"license_key": f"GUESS-{i:04d}-AAAA-BBBB-CCCC", "domain": "shop.example"}
        answers.append(await post(client, path, body))
    assert [status for status, _ in answers] == [404, 404, 404, 429]
    assert answers[3][1] == {
        "code": "license_rate_limited",
        "message": "Too many license requests. Try again in 61 seconds.",
        "data": {"status": 429, "retry_after": 61, "scope": "ip"},
    }
