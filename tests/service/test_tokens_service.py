"""The service functions the console calls, and the small rules beneath them."""

from __future__ import annotations

import re

import pytest
from support import OPERATOR, make_account

from service.common.errors import ServiceError
from service.common.html_text import plain_text
from service.demo import seed as demo
from service.integrations import messages as lang
from service.integrations import sync, tokens
from service.integrations.webhook_payload import format_amount, parse_amount


@pytest.fixture
async def alice(ctx):
    return (await make_account(ctx, "alice@example.com", "customer", "Alice")).user


@pytest.fixture
async def bob(ctx):
    return (await make_account(ctx, "bob@example.com", "customer", "Bob")).user


async def test_console_lifecycle(ctx, alice):
    issued = await tokens.generate(
        ctx, OPERATOR, name="Console made", user_id=alice.id, allowed_ips=["10.0.0.0/8"]
    )
    assert isinstance(issued, tokens.IssuedToken)
    assert issued.info.user_email == "alice@example.com" and issued.info.status == "active"
    assert issued.info.allowed_ips == ("10.0.0.0/8",)
    page = await tokens.list_tokens(ctx, OPERATOR, tokens.TokenFilters(search="console"))
    assert [info.id for info in page.items] == [issued.info.id] and page.count == 1
    changed = await tokens.update(ctx, OPERATOR, issued.info.id, name="Renamed")
    assert changed.name == "Renamed" and changed.allowed_ips == ("10.0.0.0/8",)
    rotated = await tokens.regenerate(ctx, OPERATOR, issued.info.id)
    assert rotated.token != issued.token and rotated.info.rotated_at
    with pytest.raises(ServiceError) as err:
        await tokens.authenticate(ctx, issued.token, "10.1.2.3")
    assert err.value.status == 401
    auth = await tokens.authenticate(ctx, rotated.token, "10.1.2.3")
    assert auth.user_id == alice.id and auth.usage_count == 1
    revoked = await tokens.revoke(ctx, OPERATOR, issued.info.id)
    assert revoked.status == "revoked"
    with pytest.raises(ServiceError) as err:
        await tokens.revoke(ctx, OPERATOR, issued.info.id)
    assert err.value.status == 404
    assert (await tokens.list_tokens(ctx, OPERATOR)).count == 0
    everything = await tokens.list_tokens(ctx, OPERATOR, tokens.TokenFilters(include_revoked=True))
    assert everything.items[0].usage_count == 1


async def test_console_must_name_an_owner(ctx):
    with pytest.raises(ServiceError) as err:
        await tokens.generate(ctx, OPERATOR, name="nobody's")
    assert err.value.status == 400 and "user_id" in err.value.fields


async def test_all_field_errors_are_reported_together(ctx, alice):
    with pytest.raises(ServiceError) as err:
        await tokens.generate(
            ctx, alice, name="", integration_type="x", expires_at="soon", allowed_ips=["x"]
        )
    assert set(err.value.fields) == {"name", "integration_type", "expires_at", "allowed_ips"}


async def test_update_refuses_type_changes_and_unknown_fields(ctx, alice):
    issued = await tokens.generate(ctx, alice, name="t")
    for changes in ({"integration_type": "shopify"}, {"digest": "x"}, {"user_id": 2}):
        with pytest.raises(ServiceError) as err:
            await tokens.update(ctx, alice, issued.info.id, **changes)
        assert err.value.status == 400


async def test_owners_only(ctx, alice, bob):
    issued = await tokens.generate(ctx, alice, name="alice's")
    for call in (
        tokens.get_token(ctx, bob, issued.info.id),
        tokens.update(ctx, bob, issued.info.id, name="bob's"),
        tokens.regenerate(ctx, bob, issued.info.id),
        tokens.revoke(ctx, bob, issued.info.id),
    ):
        with pytest.raises(ServiceError) as err:
            await call
        assert err.value.status == 404
    assert (await tokens.list_tokens(ctx, bob)).count == 0


async def test_token_limit_per_owner(ctx, alice, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_TOKENS_PER_USER", 2)
    first = await tokens.generate(ctx, alice, name="1")
    await tokens.generate(ctx, alice, name="2")
    with pytest.raises(ServiceError) as err:
        await tokens.generate(ctx, alice, name="3")
    assert err.value.code == "token_limit"
    await tokens.revoke(ctx, alice, first.info.id)
    await tokens.generate(ctx, alice, name="3")


async def test_recent_events_for_a_token(ctx, alice):
    issued = await tokens.generate(ctx, alice, name="t")
    other = await tokens.generate(ctx, alice, name="u")
    for secret, event_id in ((issued.token, "a"), (other.token, "b"), (issued.token, "c")):
        auth = await tokens.authenticate(ctx, secret, None)
        body = {"event_id": event_id, "event_type": "product.created",
                "product": {"id": len(event_id), "name": "x"}}  # fmt: skip
        await sync.handle_webhook(ctx, auth, body)
    recent = await sync.recent_events(ctx, alice, token_id=issued.info.id)
    assert [e.event_id for e in recent] == ["c", "a"]
    assert all(isinstance(e, sync.EventInfo) for e in recent)
    assert recent[0].token_name == "t"
    assert len(await sync.recent_events(ctx, OPERATOR, limit=2)) == 2


async def test_demo_seed_is_idempotent_and_shows_secrets_once(ctx):
    lines = await demo.seed(ctx)
    secrets = [
        m.group(0) for line in lines for m in re.finditer(r"\b(wc_sk_live_|sk_live_)\w+", line)
    ]
    assert len(secrets) == 3
    for secret in secrets:
        await tokens.authenticate(ctx, secret, "127.0.0.1")
    assert await demo.seed(ctx) == []
    page = await tokens.list_tokens(ctx, OPERATOR, tokens.TokenFilters(include_revoked=True))
    assert {info.status for info in page.items} == {"active", "revoked"}
    assert page.count == 4
    stats = await sync.event_stats(ctx, OPERATOR)
    assert stats["by_status"]["processed"] >= 5 and stats["by_status"]["stale"] == 1
    assert stats["by_status"]["skipped"] == 1 and stats["duplicates"] == 1
    products = await ctx.store.fetchval("SELECT count(*) FROM knowledge_products")
    assert products == 5
    await ctx.usage.flush()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "fa"),
        ("", "fa"),
        ("en", "en"),
        ("EN-us", "en"),
        ("fa-IR,fa;q=0.9,en-US;q=0.8,en;q=0.7", "fa"),
        ("en-US,en;q=0.9,fa;q=0.8", "en"),
        ("fr, en;q=0.1", "en"),
        ("en;q=0.5, fa;q=0.5", "en"),
        ("en;q=abc", "fa"),
        ("en;q=0.000", "fa"),
        ("*", "fa"),
    ],
)
def test_preferred_language(header, expected):
    assert lang.preferred_language(header) == expected


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (19.99, 1999),
        ("19.99", 1999),
        (20, 2000),
        (0, 0),
        ("0", 0),
        (0.1, 10),
        ("10.005", 1001),
        ("10.004", 1000),
        (1e-7, 0),
        (None, None),
        ("", None),
        (999999999999.99, 99999999999999),
    ],
)
def test_parse_amount(value, cents):
    assert parse_amount(value) == cents


@pytest.mark.parametrize("value", ["1,5", "-1", -0.5, True, "1e3", float("nan"), float("inf"), [1]])
def test_parse_amount_rejects(value):
    with pytest.raises(ValueError):
        parse_amount(value)


def test_format_amount():
    assert [format_amount(v) for v in (None, 0, 5, 1999, 100000)] == [
        None,
        "0.00",
        "0.05",
        "19.99",
        "1000.00",
    ]


def test_plain_text():
    assert plain_text("<p>a&amp;b</p><p>c</p>") == "a&b\nc"
    assert plain_text("<style>p{}</style>x <b>y</b>", single_line=True) == "x y"
    assert plain_text("نیم‌فاصله") == "نیم‌فاصله"  # zero-width non-joiner kept
    assert plain_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2"
