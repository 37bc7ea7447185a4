"""The shop always keeps an active administrator: the service refuses to demote or
deactivate the last one, also when two demotions race."""

from __future__ import annotations

import asyncio

import pytest
from support import make_account

from service.accounts import users as accounts
from service.common.errors import ServiceError


@pytest.fixture
async def two_admins(ctx):
    first = await make_account(ctx, "first@example.com", "administrator", "First")
    second = await make_account(ctx, "second@example.com", "administrator", "Second")
    return first.user, second.user


async def active_admins(ctx) -> list[str]:
    return [u.email for u in await accounts.list_users(ctx, "administrator") if u.is_active]


async def test_demoting_one_of_two_admins_is_allowed_the_last_is_refused(ctx, two_admins):
    first, second = two_admins
    demoted = await accounts.update_user(ctx, first.id, role="shop_manager")
    assert demoted.role == "shop_manager"
    with pytest.raises(ServiceError) as refused:
        await accounts.update_user(ctx, second.id, role="customer")
    assert (refused.value.status, refused.value.code) == (409, "last_administrator")
    assert "second@example.com is the last active administrator" in refused.value.message
    assert await active_admins(ctx) == ["second@example.com"]


async def test_deactivating_the_last_active_admin_is_refused(ctx, two_admins):
    first, second = two_admins
    await accounts.update_user(ctx, first.id, is_active=False)
    with pytest.raises(ServiceError) as refused:
        await accounts.update_user(ctx, second.id, is_active=False)
    assert refused.value.code == "last_administrator"
    # an inactive administrator does not count, but reactivating one frees the other
    await accounts.update_user(ctx, first.id, is_active=True)
    assert not (await accounts.update_user(ctx, second.id, is_active=False)).is_active


async def test_other_changes_to_the_last_admin_are_allowed(ctx, two_admins):
    first, second = two_admins
    await accounts.update_user(ctx, first.id, role="customer")
    renamed = await accounts.update_user(ctx, second.id, display_name="Boss", role="administrator")
    assert (renamed.display_name, renamed.role, renamed.is_active) == (
        "Boss",
        "administrator",
        True,
    )


async def test_concurrent_demotions_leave_one_admin(ctx, two_admins):
    first, second = two_admins
    results = await asyncio.gather(
        accounts.update_user(ctx, first.id, role="customer"),
        accounts.update_user(ctx, second.id, is_active=False),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert [r.code for r in refused] == ["last_administrator"]
    assert len(await active_admins(ctx)) == 1
