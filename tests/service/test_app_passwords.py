"""Application passwords: listed without the password, revoked for good (the next
sign-in with it is refused), each revocation recorded; only the owner or an
administrator may see or revoke them."""

from __future__ import annotations

import pytest
from support import Account

from service.accounts import users as accounts
from service.app.context import Context
from service.audit import log as audit
from service.audit.log import AuditQuery
from service.common.errors import ServiceError


async def test_a_listing_shows_labels_and_times_never_the_password(
    ctx: Context, manager: Account
) -> None:
    me = manager.user
    first, password = await accounts.create_app_password(ctx, me.id, "CI", actor=me)
    second, _ = await accounts.create_app_password(ctx, me.id, "[b]Phone[/b]", actor=me)
    await accounts.authenticate_app_password(ctx, me.email, password)
    listed = await accounts.list_app_passwords(ctx, me.id, actor=me)
    assert {(p.uuid, p.label) for p in listed} == {(first, "CI"), (second, "[b]Phone[/b]")}
    used = next(p for p in listed if p.uuid == first)
    assert used.created_at and used.last_used_at
    assert next(p for p in listed if p.uuid == second).last_used_at is None
    assert password.replace(" ", "") not in repr(listed)


async def test_a_revoked_password_no_longer_signs_in_and_is_recorded(
    ctx: Context, admin: Account, manager: Account
) -> None:
    owner = manager.user
    uuid, password = await accounts.create_app_password(ctx, owner.id, "CI", actor=admin.user)
    kept, kept_password = await accounts.create_app_password(ctx, owner.id, "Phone")
    revoked = await accounts.revoke_app_password(ctx, owner.id, uuid, actor=admin.user)
    assert (revoked.uuid, revoked.label) == (uuid, "CI")
    assert [p.uuid for p in await accounts.list_app_passwords(ctx, owner.id)] == [kept]
    with pytest.raises(ServiceError) as err:
        await accounts.authenticate_app_password(ctx, owner.email, password)
    assert (err.value.status, err.value.code) == (401, "incorrect_password")
    still = await accounts.authenticate_app_password(ctx, owner.email, kept_password)
    assert still.id == owner.id
    _, [entry] = await audit.search(ctx, AuditQuery(action="app_password.revoke"), limit=10)
    assert (entry.target_type, entry.target_id) == ("app_password", uuid)
    assert entry.actor.email == admin.user.email
    assert entry.summary == {"user_id": owner.id, "label": "CI"}
    with pytest.raises(ServiceError) as err:  # gone for good
        await accounts.revoke_app_password(ctx, owner.id, uuid, actor=admin.user)
    assert (err.value.status, err.value.code) == (404, "rest_application_password_not_found")


async def test_someone_elses_passwords_are_refused_to_a_shop_manager(
    ctx: Context, manager: Account, customer: Account
) -> None:
    theirs, _ = await accounts.create_app_password(ctx, customer.user.id, "CI")
    me = manager.user
    refusals = [
        (accounts.list_app_passwords(ctx, customer.user.id, actor=me),
         "rest_cannot_list_application_passwords"),
        (accounts.revoke_app_password(ctx, customer.user.id, theirs, actor=me),
         "rest_cannot_delete_application_password"),
        # naming the password under one's own account does not reach it either
        (accounts.revoke_app_password(ctx, me.id, theirs, actor=me),
         "rest_application_password_not_found"),
    ]  # fmt: skip
    for call, code in refusals:
        with pytest.raises(ServiceError) as err:
            await call
        assert err.value.code == code
    assert [p.uuid for p in await accounts.list_app_passwords(ctx, customer.user.id)] == [theirs]
    assert (await audit.search(ctx, AuditQuery(action="app_password.revoke"), limit=10))[1] == []
