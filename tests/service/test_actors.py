"""Who the service layer acts for: an account's rights are checked the same on every
face, the local operator has an administrator's but no user id, and account changes
are recorded with their actor (the CLI's too)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from support import OPERATOR, REPO, Account

import run
from service.accounts import api_keys, ssh_keys
from service.accounts import users as accounts
from service.app.context import Context
from service.audit import log as audit
from service.audit.log import AuditQuery
from service.common.config import Settings
from service.common.errors import ServiceError
from service.integrations import tokens


async def entries(ctx: Context, action: str) -> list[audit.AuditEntry]:
    return (await audit.search(ctx, AuditQuery(action=action), limit=100))[1]


async def test_a_shop_manager_cannot_manage_other_accounts(
    ctx: Context, manager: Account, customer: Account
) -> None:
    me = manager.user
    refusals = [
        (accounts.create_user(ctx, "new@example.com", "long enough", "customer", actor=me),
         "rest_cannot_create_user"),
        (accounts.update_user(ctx, me.id, role="administrator", actor=me),
         "rest_cannot_edit_roles"),
        (accounts.update_user(ctx, customer.user.id, is_active=False, actor=me),
         "rest_cannot_edit"),
        (accounts.set_password(ctx, customer.user.id, "long enough", actor=me), "rest_cannot_edit"),
        (accounts.unlock_sign_in(ctx, customer.user, actor=me), "rest_cannot_edit"),
        (accounts.create_app_password(ctx, customer.user.id, "x", actor=me),
         "rest_cannot_create_application_passwords"),
        (ssh_keys.list_for_user(ctx, customer.user.id, actor=me), "rest_cannot_edit"),
    ]  # fmt: skip
    for call, code in refusals:
        with pytest.raises(ServiceError) as err:
            await call
        assert (err.value.status, err.value.code) == (403, code)
    assert (await accounts.get_user(ctx, me.id)).role == "shop_manager"
    assert await entries(ctx, "user.role") == []
    # their own account is theirs to manage
    renamed = await accounts.update_user(ctx, me.id, display_name="Shop", actor=me)
    assert renamed.display_name == "Shop"
    assert [u.id for u in await accounts.list_users(ctx, actor=me)] == [me.id]


async def test_account_changes_are_recorded_with_their_actor(
    ctx: Context, admin: Account, customer: Account
) -> None:
    by = admin.user
    target = customer.user.id
    await accounts.update_user(ctx, target, role="shop_manager", actor=by)
    await accounts.update_user(ctx, target, is_active=False, actor=by)
    await accounts.set_password(ctx, target, "a new long password", actor=by)
    _, password = await accounts.create_app_password(ctx, target, "CI", actor=by)
    key = await api_keys.create(ctx, by, by.id, "Sync", "read")
    await api_keys.revoke(ctx, by, key.info.id)
    [role] = await entries(ctx, "user.role")
    assert role.summary == {"email": customer.user.email, "from": "customer", "to": "shop_manager"}
    [off] = await entries(ctx, "user.deactivate")
    assert off.summary["sessions_ended"] is True
    assert len(await entries(ctx, "user.password")) == 1
    assert len(await entries(ctx, "app_password.create")) == 1
    assert [e.action for e in await entries(ctx, "api_key.")] == [
        "api_key.revoke",
        "api_key.create",
    ]
    _, everything = await audit.search(ctx, AuditQuery(actor=str(by.id)), limit=100)
    assert all(e.actor.email == by.email for e in everything) and len(everything) == 6
    text = repr([e.public() for e in everything])
    for secret in (password, password.replace(" ", ""), key.consumer_key, key.consumer_secret):
        assert secret not in text


async def test_the_local_operator_has_no_user_id_to_give(ctx: Context, customer: Account) -> None:
    with pytest.raises(ServiceError) as err:
        await tokens.generate(ctx, OPERATOR, name="nobody's")
    assert err.value.status == 400 and "user_id" in err.value.fields
    issued = await tokens.generate(ctx, OPERATOR, name="theirs", user_id=customer.user.id)
    assert issued.info.user_id == customer.user.id
    [entry] = await entries(ctx, "token.create")
    assert (entry.actor.kind, entry.actor.user_id) == ("operator", None)
    assert entry.actor.name == "tester@testhost (local console)"


def test_console_actor_is_gone() -> None:
    sources = [*REPO.glob("service/**/*.py"), *REPO.glob("tui/**/*.py"), REPO / "run.py"]
    assert sources
    found = [str(p) for p in sources if re.search(r"\bCONSOLE_ACTOR\b", p.read_text())]
    assert found == []


def test_a_cli_command_is_the_local_operators(tmp_path: Path, settings: Settings) -> None:
    db = str(tmp_path / "cli.db")
    code = run.main(
        ["users", "create", "cli@example.com", "--password", "long enough", "--role",
         "customer", "--db", db]
    )  # fmt: skip
    assert code == 0

    async def read() -> list[audit.AuditEntry]:
        ctx = await Context.open(Settings(db=db))
        try:
            return await entries(ctx, "user.create")
        finally:
            await ctx.close()

    [entry] = asyncio.run(read())
    assert (entry.face, entry.address, entry.actor.kind) == ("cli", None, "operator")
    assert entry.actor.name.endswith("(local cli)") and entry.actor.user_id is None
    assert entry.summary["email"] == "cli@example.com"
