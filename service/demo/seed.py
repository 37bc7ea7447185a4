"""``--demo``: realistic data, seeded idempotently. Each capability adds a seeder to
SEEDERS; a seeder returns lines to show once (generated passwords) or nothing."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from service.accounts import users as accounts
from service.demo.catalog import seed_catalog
from service.demo.integrations import seed_integrations
from service.demo.licenses import seed_licenses
from service.demo.orders import seed_orders
from service.demo.storefront import seed_storefront

if TYPE_CHECKING:
    from service.app.context import Context

log = logging.getLogger("shopkeep.demo")

ADMIN_EMAIL = "admin@shopkeep.test"
CUSTOMER_EMAIL = "customer@shopkeep.test"
MANAGER_EMAIL = "manager@shopkeep.test"

Seeder = Callable[["Context"], Awaitable[list[str]]]


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


SEEDERS: list[Seeder] = [
    seed_accounts,
    seed_integrations,
    seed_catalog,
    seed_orders,
    seed_licenses,
    seed_storefront,
]


async def seed(ctx: Context) -> list[str]:
    """Run every seeder; returns the secrets to show once."""
    lines: list[str] = []
    for seeder in SEEDERS:
        lines.extend(await seeder(ctx))
    if lines:
        log.info("demo data seeded (%d new accounts or items)", len(lines))
    return lines
