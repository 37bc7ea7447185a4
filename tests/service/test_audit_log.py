"""The audit log's core: entries written with the change, attributed, free of secrets."""

from __future__ import annotations

import pytest
from support import Account

from service.app.context import Context
from service.audit import log as audit
from service.audit.log import AuditQuery
from service.audit.origin import Origin, Who, acting
from service.common.clock import FrozenClock
from service.integrations import tokens
from store.db import Conflict


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


async def entries(ctx: Context, **query: object) -> list[audit.AuditEntry]:
    return (await audit.search(ctx, AuditQuery(**query), limit=100))[1]  # type: ignore[arg-type]


async def test_a_token_lifecycle_is_recorded_with_actor_face_and_address(
    ctx: Context, admin: Account
) -> None:
    with acting(Origin("api", "203.0.113.9")):
        issued = await tokens.generate(ctx, admin.user, name="Shop sync")
        await tokens.revoke(ctx, admin.user, issued.info.id)
    create, revoke = reversed(await entries(ctx, target_id=issued.info.id))
    assert (create.action, revoke.action) == ("token.create", "token.revoke")
    for entry in (create, revoke):
        assert entry.actor.kind == "user"
        assert (entry.actor.user_id, entry.actor.email) == (admin.user.id, admin.user.email)
        assert (entry.face, entry.address, entry.outcome) == ("api", "203.0.113.9", "ok")
    assert create.summary["name"] == "Shop sync"
    assert issued.token not in repr(create.summary)


async def test_an_entry_is_undone_with_the_change_it_describes(
    ctx: Context, admin: Account
) -> None:
    before = await audit.latest(ctx)
    with pytest.raises(RuntimeError):
        async with ctx.store.transaction() as tx:
            await audit.record(ctx, tx, "token.revoke", "token", "t1", actor=admin.user)
            raise RuntimeError("the change itself failed")
    assert await audit.latest(ctx) == before


async def test_a_token_call_is_attributed_to_the_token_acting_for_its_owner(
    ctx: Context, admin: Account
) -> None:
    issued = await tokens.generate(ctx, admin.user, name="plugin")
    who = Who(
        "token", "plugin", user_id=admin.user.id, email=admin.user.email, token_id=issued.info.id
    )
    with acting(Origin("token", "198.51.100.7", who)):
        await tokens.update(ctx, admin.user, issued.info.id, name="renamed")
    [entry] = await entries(ctx, action="token.update")
    assert entry.actor == who
    assert entry.face == "token"


@pytest.mark.parametrize(
    "summary",
    [
        {"password": "correct horse battery"},
        {"new_password": "hunter22hunter22"},
        {"consumer_secret": "cs_" + "a" * 40},
        {"note": "my key is ck_" + "b" * 40},
        {"nested": {"refresh_token": "x"}},
        {"token": "wc_sk_live_" + "c" * 40},
        {"header": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"},
    ],
)
def test_secrets_never_reach_a_summary(summary: dict[str, object]) -> None:
    kept = repr(audit.redact(summary))
    for value in _leaves(summary):
        assert value not in kept
    assert audit.REDACTED in kept


def test_names_of_secrets_and_previews_are_kept() -> None:
    kept = audit.redact({"token_id": "abc", "token_preview": "wc_sk...abcdef", "name": "n"})
    assert kept == {"token_id": "abc", "token_preview": "wc_sk...abcdef", "name": "n"}


def test_long_and_deep_values_are_cut() -> None:
    kept = audit.redact({"a": "x" * 5000, "b": list(range(500)), "c": {"d": {"e": {"f": 1}}}})
    assert len(kept["a"]) < 300
    assert len(kept["b"]) == 20
    assert kept["c"]["d"]["e"] == "…"


async def test_entries_cannot_be_changed(ctx: Context, admin: Account) -> None:
    await tokens.generate(ctx, admin.user, name="x")
    with pytest.raises(Conflict):
        async with ctx.store.transaction() as tx:
            await tx.execute("UPDATE audit_log SET actor_name = 'someone else'")
    [entry] = await entries(ctx, action="token.create")
    assert entry.actor.email == admin.user.email


async def test_filters_and_retention(
    ctx: Context, admin: Account, manager: Account, clock: FrozenClock
) -> None:
    await tokens.generate(ctx, admin.user, name="old")
    clock.advance(days=40)
    await tokens.generate(ctx, manager.user, name="new")
    assert [
        e.summary["name"]
        for e in await entries(ctx, action="token.", actor=manager.user.email.upper())
    ] == ["new"]
    assert [
        e.summary["name"] for e in await entries(ctx, action="token.", actor=str(admin.user.id))
    ] == ["old"]
    assert len(await entries(ctx, action="token.")) == 2
    assert await audit.prune(ctx, keep_days=30) == 3  # the old token, the two accounts made
    assert [e.summary["name"] for e in await entries(ctx, action="token.")] == ["new"]


def _leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [str(value)]
