"""``--demo`` accounts: an administrator, a shop manager and a customer."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from service.accounts import users as accounts

if TYPE_CHECKING:
    from service.app.context import Context

ADMIN_EMAIL = "admin@shopkeep.test"
CUSTOMER_EMAIL = "customer@shopkeep.test"
MANAGER_EMAIL = "manager@shopkeep.test"


async def seed_accounts(ctx: Context) -> list[str]:
    shown = []
    for email, role, name in (
        (ADMIN_EMAIL, "administrator", "Shop Admin"),
        (MANAGER_EMAIL, "shop_manager", "مدیر فروشگاه"),
        (CUSTOMER_EMAIL, "customer", "Sara Ahmadi"),
    ):
        if await accounts.find_user(ctx, email):
            continue
        password = secrets.token_urlsafe(12)
        await accounts.create_user(ctx, email, password, role, name)
        shown.append(f"demo {role}: {email} / {password}")
    return shown
