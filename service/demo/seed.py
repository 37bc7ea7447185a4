"""``--demo``: realistic data, seeded idempotently. Each capability adds a seeder to
SEEDERS; a seeder returns lines to show once (generated passwords) or nothing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from service.demo.accounts import seed_accounts
from service.demo.catalog import seed_catalog
from service.demo.integrations import seed_integrations
from service.demo.licenses import seed_licenses
from service.demo.orders import seed_orders
from service.demo.storefront import seed_storefront

if TYPE_CHECKING:
    from service.app.context import Context

log = logging.getLogger("shopkeep.demo")

Seeder = Callable[["Context"], Awaitable[list[str]]]


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
