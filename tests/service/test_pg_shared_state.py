"""Two processes' worth of Contexts on one PostgreSQL database: what one changes, the
other sees (caches dropped by notifications), and what both count is one count.

The caches' own expiry is set to an hour in the second Context, so only a notification
can make it see a change. Skipped without PostgreSQL (failing in CI, see pg_support)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from db_support import test_settings as settings_for
from oauthlib.oauth1 import SIGNATURE_TYPE_QUERY, Client
from support import OPERATOR, PASSWORD, make_account

from service.accounts import api_key_auth, api_keys
from service.accounts import users as accounts
from service.accounts.api_key_auth import KeyRequest
from service.app.context import Context
from service.common.errors import ServiceError
from service.common.shared_throttle import SharedFailureThrottle, SharedGuessThrottle
from service.common.throttle import GuessLimits
from service.integrations import token_auth, tokens
from service.licensing.throttle import SharedLicenseRateLimits
from store.notify import Listener

HOUR = 3600.0
DEADLINE_S = 30.0  # a stuck test's limit, not a measure of speed


async def eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {DEADLINE_S:.0f} s: {what}")
        await asyncio.sleep(0.01)


@pytest.fixture
async def pair(pg_database: str, tmp_path: Path) -> AsyncIterator[tuple[Context, Context]]:
    one = await Context.open(settings_for(pg_database, tmp_path / "one.log"))
    two = await Context.open(settings_for(pg_database, tmp_path / "two.log"))
    two.users.ttl = HOUR
    two.token_cache.ttl = HOUR
    try:
        yield one, two
    finally:
        await two.close()
        await one.close()


async def refused(call: Awaitable[object], code: str) -> bool:
    try:
        await call
    except ServiceError as err:
        assert err.code == code
        return True
    return False


async def test_a_token_revoked_in_one_process_is_refused_by_the_other(pair):
    one, two = pair
    owner = await make_account(one, "owner@example.com", "administrator")
    issued = await tokens.generate(one, owner.user, name="Shop sync")
    assert (await token_auth.authenticate(two, issued.token, "192.0.2.1")).name == "Shop sync"

    await tokens.revoke(one, OPERATOR, issued.info.id)

    await eventually(
        lambda: refused(token_auth.authenticate(two, issued.token, "192.0.2.1"), "invalid_token"),
        "the revoked token refused by the other process",
    )


async def test_a_role_change_in_one_process_is_seen_by_the_other(pair):
    one, two = pair
    admin = await make_account(one, "admin@example.com", "administrator")
    manager = await make_account(one, "manager@example.com", "shop_manager")
    assert (await accounts.user_for_token(two, manager.access)).role == "shop_manager"

    await accounts.update_user(one, manager.user.id, role="customer", actor=admin.user)

    async def demoted() -> bool:
        return (await accounts.user_for_token(two, manager.access)).role == "customer"

    await eventually(demoted, "the new role seen by the other process")

    await accounts.update_user(one, manager.user.id, is_active=False, actor=admin.user)
    await eventually(
        lambda: refused(accounts.user_for_token(two, manager.access), "token_not_valid"),
        "the deactivated user refused by the other process",
    )


async def test_failed_logins_in_both_processes_count_against_one_limit(pair):
    one, two = pair
    await make_account(one, "alice@example.com", "customer")
    limits = GuessLimits(per_account_ip=3, per_account=100, per_ip=100)
    one.guesses = SharedGuessThrottle(one.store, limits)
    two.guesses = SharedGuessThrottle(two.store, limits)
    ip = "192.0.2.7"
    for ctx in (one, two, one):
        assert await refused(
            accounts.authenticate(ctx, "alice@example.com", "wrong", ip), "invalid_credentials"
        )
    with pytest.raises(ServiceError) as err:
        await accounts.authenticate(two, "alice@example.com", PASSWORD, ip)
    assert (err.value.status, err.value.code) == (429, "throttled")
    assert "alice@example.com" in await one.guesses.locks()
    # the console's unlock in one process frees the account in the other
    await one.guesses.unlock("alice@example.com")
    user = await accounts.authenticate(two, "alice@example.com", PASSWORD, ip)
    assert user.email == "alice@example.com"


async def test_parallel_guesses_in_both_processes_cannot_slip_past_the_limit(pair):
    one, two = pair
    limits = GuessLimits(per_account_ip=4, per_account=100, per_ip=100)
    one.guesses = SharedGuessThrottle(one.store, limits)
    two.guesses = SharedGuessThrottle(two.store, limits)

    async def guess(ctx: Context) -> str:
        try:
            await ctx.guesses.begin("password", "bob@example.com", "192.0.2.8")
        except ServiceError as err:
            return err.code
        return "admitted"

    answers = await asyncio.gather(*(guess(ctx) for ctx in (one, two) * 6))
    assert sorted(answers) == ["admitted"] * 4 + ["throttled"] * 8


async def test_a_license_rate_limit_is_shared(pair):
    one, two = pair
    one.license_limits = SharedLicenseRateLimits(one.store, per_ip=3, per_key=100)
    two.license_limits = SharedLicenseRateLimits(two.store, per_ip=3, per_key=100)
    for ctx, key in ((one, "K-1"), (two, "K-2"), (one, "K-3")):
        await ctx.license_limits.admit("192.0.2.9", key)
    with pytest.raises(ServiceError) as err:
        await two.license_limits.admit("192.0.2.9", "K-4")
    assert (err.value.status, err.value.code) == (429, "license_rate_limited")
    assert err.value.data["scope"] == "ip"
    assert 1 <= err.value.data["retry_after"] <= 63
    await one.license_limits.admit("192.0.2.10", "K-5")  # another address is free


async def test_token_failures_lock_the_address_in_every_process(pair):
    one, two = pair
    assert isinstance(one.token_failures, SharedFailureThrottle)
    one.token_failures.limit = two.token_failures.limit = 3  # type: ignore[attr-defined]
    secret = "wc_sk_live_" + "x" * 40
    for ctx in (one, two, one):
        assert await refused(token_auth.authenticate(ctx, secret, "192.0.2.11"), "invalid_token")

    def locked(ctx: Context) -> bool:
        try:
            ctx.token_failures.check("192.0.2.11")
        except ServiceError as err:
            return err.code == "throttled"
        return False

    assert locked(one)

    async def told() -> bool:
        return locked(two)

    await eventually(told, "the other process refusing the address")
    two.token_failures.check("192.0.2.12")  # another address is not locked


async def test_a_commit_in_one_process_moves_the_others_change_signal(pair):
    one, two = pair
    seen = two.changes.version
    await make_account(one, "carol@example.com", "customer")

    async def moved() -> bool:
        return two.changes.version > seen

    await eventually(moved, "the other process's change signal")


async def test_a_lost_notification_connection_drops_the_caches_and_reconnects(pair):
    one, two = pair
    manager = await make_account(one, "dave@example.com", "shop_manager")
    await accounts.user_for_token(two, manager.access)
    assert two.users.get(manager.user.id)[0]
    listener = two.listening
    assert isinstance(listener, Listener) and listener.listening
    pid = listener._conn.get_server_pid()

    await one.store.fetchval("SELECT pg_terminate_backend(?)", (pid,))

    async def dropped_and_back() -> bool:
        return listener.reconnects >= 1 and listener.listening

    await eventually(dropped_and_back, "the listener back after its connection was killed")
    assert not two.users.get(manager.user.id)[0]  # dropped: changes may have been missed
    # and it listens again: a change is seen as before
    await accounts.user_for_token(two, manager.access)
    await accounts.update_user(one, manager.user.id, display_name="Dave D.", actor=manager.user)

    async def renamed() -> bool:
        return (await accounts.user_for_token(two, manager.access)).display_name == "Dave D."

    await eventually(renamed, "a change seen after reconnecting")


async def test_an_oauth_nonce_used_through_one_process_is_refused_by_the_other(pair):
    one, two = pair
    owner = await make_account(one, "keys@example.com", "administrator")
    key = await api_keys.create(one, owner.user, owner.user.id, "Shop sync", "read")
    url = "http://shop.example/wp-json/wc/v3/products"
    signer = Client(
        key.consumer_key,
        client_secret=key.consumer_secret,
        signature_type=SIGNATURE_TYPE_QUERY,
        timestamp=str(int(one.clock.now().timestamp())),
    )
    signed, _, _ = signer.sign(url, http_method="GET")
    request = KeyRequest(
        https=False,
        http_method="GET",
        method="GET",
        query=parse_qsl(urlsplit(signed).query),
        form=[],
        authorization="",
        basic=None,
        base_uris=[url],
        ip="192.0.2.7",
    )
    user = await api_key_auth.authenticate(one, request)
    assert user is not None and user.id == owner.user.id

    with pytest.raises(ServiceError) as replayed:
        await api_key_auth.authenticate(two, request)
    assert replayed.value.status == 401
    assert replayed.value.message == "Invalid nonce - nonce has already been used."
