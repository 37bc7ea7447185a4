"""``--demo`` for licensing: licenses of the catalog demo's licensed plugins and themes,
owned by demo customers, with activations (production, staging and local sites), one
expired and one disabled license, and OAuth requests waiting for approval.

Idempotent and fast: keys are fixed (drawn from a seeded generator), a license whose
key exists is skipped, everything is written in one transaction. Pending requests
live 15 minutes, so each run drops the demo's expired ones and, when none is left
waiting, asks again.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from service.common.clock import iso
from service.demo.catalog import DEMO_CUSTOMER
from service.licensing import oauth as license_oauth
from service.licensing.admin import insert_with_key
from service.licensing.domains import site
from service.licensing.rules import KEY_ALPHABET, KEY_GROUP_LEN, KEY_GROUPS
from service.licensing.seats import Client, open_activation
from store import catalog as catalog_sql
from store import licenses as sql
from store import users as user_sql
from store.db import existing

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx

DEMO = "demo"  # the demo storefront customer
# (sku, owner handle, days since purchase, sites, state)
LICENSES: list[tuple[str, str, int, tuple[str, ...], str]] = [
    ("PLG-701", DEMO, 40, ("novin-shop.ir", "staging.novin-shop.ir"), "ok"),
    ("PLG-702", DEMO, 12, ("customer-blog.ir",), "ok"),
    ("PLG-702", "reza.karimi", 90, ("karimi-store.com", "m.karimi-store.com", "localhost"), "ok"),
    ("PLG-703", "sara.mohammadi", 200, ("sara-boutique.ir",), "ok"),
    ("PLG-704", "ali.hosseini", 700, ("hosseini-market.com", "ali-books.ir"), "ok"),
    ("PLG-705", "mina.jafari", 30, ("jafari-logistics.com",), "ok"),
    ("PLG-706", "arash.tehrani", 5, (), "ok"),
    ("PLG-707", "leila.h", 3, (), "ok"),
    ("PLG-708", "daniel.weber", 400, ("weber-shop.de", "test.weber-shop.de"), "ok"),
    ("THM-801", "negar.sadeghi", 60, ("negar-design.ir",), "disabled"),
    ("THM-802", "emma.schmidt", 20, ("emma-portfolio.com",), "ok"),
    ("THM-803", "kaveh.sharifi", 100, ("akhbar-kaveh.ir",), "ok"),
    ("THM-803", "parisa.akbari", 8, (), "ok"),
    ("PLG-705", "omid.rahmani", 15, ("rahmani-shipping.com", "dev.rahmani-shipping.com"), "ok"),
]  # fmt: skip
# (index into LICENSES, domain) waiting for the owner's approval
PENDING: list[tuple[int, str]] = [
    (7, "booking.leila-clinic.ir"),
    (5, "jafari-express.com"),
    (11, "news.akhbar-kaveh.ir"),
]


def demo_key(index: int) -> str:
    rng = random.Random(f"shopkeep-demo-license-{index}")
    groups = (
        "".join(rng.choice(KEY_ALPHABET) for _ in range(KEY_GROUP_LEN)) for _ in range(KEY_GROUPS)
    )
    return "-".join(groups)


async def seed_licenses(ctx: Context) -> list[str]:
    now = ctx.clock.now()
    existing = await sql.keys_from_source(ctx.store, "demo")
    async with ctx.store.transaction() as tx:
        for index, entry in enumerate(LICENSES):
            key = demo_key(index)
            if key not in existing:
                await _seed_one(tx, ctx, key, entry)
        ids = await sql.ids_from_source(tx, "demo")
        await sql.delete_expired_pending(tx, ids, iso(now) or "")
    if not await _live_pending(ctx, ids):
        for index, domain in PENDING:
            row = await sql.license_by_key(ctx.store, demo_key(index))
            if row is None:
                continue
            target = site(domain)
            await license_oauth.request_approval(
                ctx,
                row,
                target,
                f"https://{target.domain}/wp-admin/admin.php?page=license",
                label="demo",
                client=Client("203.0.113.50", "WordPress/6.7; https://" + target.domain),
            )
    return []


async def _live_pending(ctx: Context, license_ids: list[int]) -> bool:
    ids = set(license_ids)
    return any(r["license_id"] in ids for r in await license_oauth.pending_requests(ctx))


async def _seed_one(tx: Tx, ctx: Context, key: str, entry: tuple) -> None:
    sku, handle, age_days, sites, state = entry
    product_id = await catalog_sql.sku_owner(tx, sku)
    email = DEMO_CUSTOMER if handle == DEMO else f"{handle}@example.com"
    owner = await user_sql.by_email(tx, email)
    if product_id is None:
        return
    product = existing(await catalog_sql.by_id(tx, product_id), "product")
    bought = ctx.clock.now() - timedelta(days=age_days, hours=3)
    days = product["license_validity_days"]
    stamp = iso(bought)
    license_id = await insert_with_key(
        tx,
        {
            "product_id": product_id,
            "variation_id": 0,
            "customer_id": owner["id"] if owner else None,
            "billing_email": email,
            "status": "inactive",
            "activation_limit": product["license_activation_limit"],
            "expires_at": iso(bought + timedelta(days=days)) if days else None,
            "valid_for_days": days,
            "source": "demo",
            "created_by": None,
            "created_at": stamp,
            "updated_at": stamp,
        },
        key,
    )
    method = "oauth" if product["license_activation_method"] == "oauth" else "simple"
    for n, domain in enumerate(sites):
        row = await sql.license_by_id(tx, license_id)
        when = bought + timedelta(hours=2 + n * 30)
        await open_activation(
            tx,
            row,
            site(domain),
            method=method,
            now=when,
            client=Client("198.51.100.7", f"WordPress/6.7; https://{domain}"),
            activated_by=owner["id"] if owner and method == "oauth" else None,
        )
    if state == "disabled":
        await sql.update_license(tx, license_id, {"status": "disabled", "updated_at": stamp})
