"""``--demo`` accounts: an administrator, a shop manager and a customer."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from service.accounts import passwords
from service.accounts import users as accounts

if TYPE_CHECKING:
    from service.app.context import Context

ADMIN_EMAIL = "admin@shopkeep.test"
CUSTOMER_EMAIL = "customer@shopkeep.test"
MANAGER_EMAIL = "manager@shopkeep.test"


async def hash_all(ctx: Context, plain: Sequence[str]) -> list[str]:
    """Hash passwords at the production cost (demo passwords are real logins), each in a
    thread of its own: scrypt releases the GIL, so they run on every core at once."""
    cost = ctx.settings.password_hash_cost
    return list(
        await asyncio.gather(*(asyncio.to_thread(passwords.hash_password, p, cost) for p in plain))
    )


async def seed_accounts(ctx: Context) -> list[str]:
    wanted = [
        (email, role, name)
        for email, role, name in (
            (ADMIN_EMAIL, "administrator", "Shop Admin"),
            (MANAGER_EMAIL, "shop_manager", "مدیر فروشگاه"),
            (CUSTOMER_EMAIL, "customer", "Sara Ahmadi"),
        )
        if not await accounts.find_user(ctx, email)
    ]
    plain = [secrets.token_urlsafe(12) for _ in wanted]
    hashed = await hash_all(ctx, plain)
    shown = []
    async with ctx.store.transaction() as tx:
        for (email, role, name), password, digest in zip(wanted, plain, hashed, strict=True):
            new = await accounts.new_user(ctx, email, password, role, name, password_hash=digest)
            await accounts.insert_user(tx, ctx, new)
            shown.append(f"demo {role}: {email} / {password}")
    return shown
