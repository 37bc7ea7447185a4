"""Password guessing is throttled per (account, address), per account and per address:
platform login, WordPress Basic application passwords and ``account/password``.

Limits are small (3 per account+address, 5 per account, 8 per address, 15 minutes) and
the throttle runs on a fake monotonic clock, so no test sleeps. Addresses are told
apart by X-Forwarded-For from the trusted proxy 127.0.0.1 (the test client's peer).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support import PASSWORD, basic_auth, make_account

from service.accounts import users as accounts
from service.common.config import Settings
from service.common.throttle import GuessLimits, GuessThrottle

LOGIN = "/api/v1/auth/login/"
PROFILE = "/wp-json/woonoow/v1/account/profile"
CHANGE = "/wp-json/woonoow/v1/account/password"
WINDOW = 15 * 60
RETRY = str(WINDOW + 1)
PLATFORM_429 = {
    "detail": f"Too many failed attempts. Try again in {RETRY} seconds.",
    "code": "throttled",
}
WP_429 = {
    "code": "throttled",
    "message": f"Too many failed attempts. Try again in {RETRY} seconds.",
    "data": {"status": 429, "retry_after": WINDOW + 1},
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db=str(tmp_path / "test.db"),
        log_file=str(tmp_path / "test.log"),
        trusted_proxies=("127.0.0.1",),
        throttle_account_ip=3,
        throttle_account=5,
        throttle_ip=8,
        throttle_window_s=WINDOW,
    )


@pytest.fixture
def now(ctx) -> list[float]:
    """The throttle's clock; move it with ``now[0] += seconds``."""
    moment = [1000.0]
    limits = GuessLimits.from_settings(ctx.settings)
    ctx.guesses = GuessThrottle(limits, clock=lambda: moment[0])
    return moment


def at(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def login(client, email: str, password: str, ip: str = "203.0.113.1"):
    resp = await client.post(LOGIN, json={"email": email, "password": password}, headers=at(ip))
    return resp.status, await resp.json(), resp.headers.get("Retry-After")


async def test_wrong_logins_then_the_right_one_is_429_until_the_window_passes(
    client, customer, now
):
    for _ in range(3):
        status, body, _ = await login(client, "alice@example.com", "wrong password")
        assert (status, body["code"]) == (401, "invalid_credentials")
    assert await login(client, "alice@example.com", PASSWORD) == (429, PLATFORM_429, RETRY)
    now[0] += WINDOW - 1
    status, _, retry = await login(client, "alice@example.com", PASSWORD)
    assert (status, retry) == (429, "2")
    now[0] += 1
    status, body, _ = await login(client, "alice@example.com", PASSWORD)
    assert status == 200 and body["user"]["email"] == "alice@example.com"


async def test_an_unknown_account_gets_the_identical_answers(client, customer, now):
    async def sequence(email: str, ip: str) -> list:
        answers = [await login(client, email, "wrong password", ip) for _ in range(3)]
        return [*answers, await login(client, email, PASSWORD, ip)]

    known = await sequence("alice@example.com", "203.0.113.1")
    unknown = await sequence("nobody@example.com", "203.0.113.2")
    assert known == unknown
    assert [status for status, _, _ in known] == [401, 401, 401, 429]
    # Counted by the normalised email string, whether or not the account exists.
    assert (await login(client, "  NoBody@Example.COM ", "x", "203.0.113.2"))[0] == 429


async def test_another_address_still_logs_in_while_one_address_is_locked(
    client, ctx, customer, now
):
    for _ in range(3):
        await login(client, "alice@example.com", "wrong password", "198.51.100.66")
    assert (await login(client, "alice@example.com", PASSWORD, "198.51.100.66"))[0] == 429
    assert (await login(client, "alice@example.com", PASSWORD, "203.0.113.1"))[0] == 200
    # Without a trusted proxy the header is not believed: the caller is 127.0.0.1.
    ctx.settings.trusted_proxies = ()
    assert (await login(client, "alice@example.com", PASSWORD, "198.51.100.66"))[0] == 200


async def test_the_account_ceiling_locks_every_address_and_a_success_does_not_reset_it(
    client, customer, now
):
    for _ in range(3):
        await login(client, "alice@example.com", "wrong password", "198.51.100.1")
    # The owner logs in from home in between: that forgives only their own address.
    assert (await login(client, "alice@example.com", PASSWORD, "203.0.113.1"))[0] == 200
    for _ in range(2):
        status, _, _ = await login(client, "alice@example.com", "wrong password", "198.51.100.2")
        assert status == 401
    for ip in ("203.0.113.1", "192.0.2.99"):
        assert await login(client, "alice@example.com", PASSWORD, ip) == (429, PLATFORM_429, RETRY)
    now[0] += WINDOW
    assert (await login(client, "alice@example.com", PASSWORD, "203.0.113.1"))[0] == 200


async def test_one_address_guessing_many_accounts_is_locked_for_all(client, ctx, customer, now):
    for name in ("a", "b"):
        for _ in range(3):
            await login(client, f"{name}@example.com", "wrong password")
    for _ in range(2):
        await login(client, "c@example.com", "wrong password")
    assert (await login(client, "alice@example.com", PASSWORD))[0] == 429
    assert (await login(client, "alice@example.com", PASSWORD, "203.0.113.9"))[0] == 200


async def test_parallel_guesses_cannot_slip_past_the_limit(client, customer, now):
    answers = await asyncio.gather(
        *(login(client, "alice@example.com", f"guess {i}") for i in range(10))
    )
    assert sorted(status for status, _, _ in answers) == [401] * 3 + [429] * 7


async def test_basic_application_passwords_are_throttled(client, ctx, customer, now):
    _, app_password = await accounts.create_app_password(ctx, customer.user.id, "CI")

    async def profile(name: str, password: str, ip: str = "198.51.100.1"):
        resp = await client.get(PROFILE, headers={**basic_auth(name, password), **at(ip)})
        return resp.status, await resp.json(), resp.headers.get("Retry-After")

    for name in ("alice@example.com", "nobody@example.com"):
        statuses = [(await profile(name, "wrong"))[0] for _ in range(3)]
        assert statuses == [401, 401, 401]
        assert await profile(name, app_password) == (429, WP_429, RETRY)
    # Another address, and the login password (another secret), are not locked.
    status, body, _ = await profile("alice@example.com", app_password, "203.0.113.7")
    assert (status, body["email"]) == (200, "alice@example.com")
    resp = await client.post(LOGIN, json={"email": "alice@example.com", "password": PASSWORD})
    assert resp.status == 200
    assert (await profile("Alice", app_password, "203.0.113.7"))[0] == 200
    now[0] += WINDOW
    assert (await profile("alice@example.com", app_password))[0] == 200


async def test_wrong_current_passwords_are_throttled_with_the_logins(client, ctx, now):
    carol = await make_account(ctx, "carol@example.com", "customer", "Carol")

    async def change(current: str, ip: str = "198.51.100.1"):
        body = {"current_password": current, "new_password": "a brand new secret"}
        resp = await client.post(CHANGE, json=body, headers={**carol.auth, **at(ip)})
        return resp.status, await resp.json(), resp.headers.get("Retry-After")

    for _ in range(3):
        status, body, _ = await change("not it")
        assert (status, body["code"]) == (400, "incorrect_password")
    assert await change(PASSWORD) == (429, WP_429, RETRY)
    # The same secret: the login from that address is locked too, not from another.
    assert (await login(client, "carol@example.com", PASSWORD, "198.51.100.1"))[0] == 429
    assert (await login(client, "carol@example.com", PASSWORD, "203.0.113.1"))[0] == 200
    now[0] += WINDOW
    status, body, _ = await change(PASSWORD)
    assert (status, body["success"]) == (200, True)
