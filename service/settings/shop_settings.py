"""Shop settings (store, tax, shipping, payments): read, update atomically, and hand
to the pricing engine as its own models.

Groups are plain dicts in the public (REST) shape; see settings_rules for the
fields. ``store_money``, ``tax_settings`` and ``shipping_zones`` convert them to
the pricing engine's StoreMoney, TaxSettings and ShippingZone.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.audit.diff import changes
from service.common.clock import iso
from service.common.errors import ServiceError
from service.pricing.model import Address, ShippingZone, StoreMoney, TaxSettings
from service.settings.rules import (
    GROUPS,
    apply_patch,
    default_settings,
    public_group,
    to_tax_rate,
)
from service.settings.shipping import to_shipping_zone
from store import catalog as catalog_sql
from store import settings as settings_sql
from store.db import Store, Tx

if TYPE_CHECKING:
    from service.app.context import Context

# Called inside the settings transaction when the currency precision changes, with
# (tx, old_decimals, new_decimals): every capability that stores minor units at the
# store's precision (coupons...) adds one. Catalog prices and shipping costs are
# rescaled here already.
DecimalsRescaler = Callable[[Tx, int, int], Awaitable[None]]
DECIMALS_RESCALERS: list[DecimalsRescaler] = []


async def load(db: Store | Tx) -> dict[str, dict[str, Any]]:
    """Every group in its stored shape, defaults filled in."""
    stored = await settings_sql.load_groups(db)
    groups = default_settings()
    for name in GROUPS:
        groups[name].update(stored.get(name, {}))
    return groups


@dataclass(frozen=True)
class Snapshot:
    """The settings as stored at one ``settings_version`` (migration 0011). Shared
    between requests: read it, never change it."""

    version: int
    groups: dict[str, dict[str, Any]]
    money: StoreMoney

    @property
    def decimals(self) -> int:
        return self.money.decimals


class SettingsCache:
    """The settings loaded once per change: the caller passes the version it read from
    the database (with its own query), and only a different one reloads them. The
    version is read before the settings, so a snapshot is never older than its number."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None

    async def at(self, db: Store, version: int) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != version:
            groups = await load(db)
            snapshot = self._snapshot = Snapshot(version, groups, money_of(groups))
        return snapshot


def _public(groups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {name: public_group(name, groups) for name in GROUPS}


async def get_settings(ctx: Context) -> dict[str, Any]:
    return _public(await load(ctx.store))


async def get_group(ctx: Context, name: str) -> dict[str, Any]:
    if name not in GROUPS:
        raise ServiceError("rest_setting_setting_group_invalid", "Invalid setting group.", 404)
    return public_group(name, await load(ctx.store))


async def update_settings(ctx: Context, patch: Any) -> dict[str, Any]:
    """Apply a partial update ({group: {field: value}}): all of it, or nothing."""
    async with ctx.store.transaction() as tx:
        current = await load(tx)
        updated = apply_patch(current, patch)
        old, new = current["store"]["decimals"], updated["store"]["decimals"]
        if old != new:
            await catalog_sql.rescale_prices(tx, old, new)
            for rescaler in DECIMALS_RESCALERS:
                await rescaler(tx, old, new)
        when = iso(ctx.clock.now())
        changed = [name for name in GROUPS if updated[name] != current[name]]
        for name in changed:
            await settings_sql.save_group(tx, name, updated[name], when)
        if changed:
            summary = changes({n: current[n] for n in changed}, {n: updated[n] for n in changed})
            await audit.record(
                ctx, tx, "settings.update", "settings", ",".join(changed), summary=summary
            )
    return _public(updated)


async def seed_defaults(ctx: Context, groups: dict[str, dict[str, Any]]) -> bool:
    """Store ``groups`` (already validated) unless settings were ever saved."""
    async with ctx.store.transaction() as tx:
        if await settings_sql.any_saved(tx):
            return False
        when = iso(ctx.clock.now())
        for name, value in groups.items():
            await settings_sql.save_group(tx, name, copy.deepcopy(value), when)
    return True


# -- the pricing engine's view ----------------------------------------------------
def money_of(groups: dict[str, dict[str, Any]]) -> StoreMoney:
    store = groups["store"]
    return StoreMoney(
        currency=store["currency"],
        decimals=store["decimals"],
        currency_position=store["currency_position"],
        thousand_separator=store["thousand_separator"],
        decimal_separator=store["decimal_separator"],
    )


async def store_money(db: Context | Store | Tx) -> StoreMoney:
    return money_of(await load(_db(db)))


async def decimals(db: Context | Store | Tx) -> int:
    return (await load(_db(db)))["store"]["decimals"]


async def tax_settings(db: Context | Store | Tx) -> TaxSettings:
    groups = await load(_db(db))
    tax, store = groups["tax"], groups["store"]
    return TaxSettings(
        prices_include_tax=tax["prices_include_tax"],
        round_at_subtotal=tax["round_at_subtotal"],
        rates=tuple(to_tax_rate(r) for r in sorted(tax["rates"], key=lambda r: r["id"])),
        calc_taxes=tax["calc_taxes"],
        base_address=Address(
            country=store["country"],
            state=store["state"],
            postcode=store["postcode"],
            city=store["city"],
        ),
        shipping_tax_class=tax["shipping_tax_class"],
    )


async def shipping_zones(db: Context | Store | Tx) -> list[ShippingZone]:
    """In matching order; the rest-of-the-world zone (id 0) last."""
    zones = (await load(_db(db)))["shipping"]["zones"]
    ordered = sorted(zones, key=lambda z: (z["id"] == 0, z["order"], z["id"]))
    return [to_shipping_zone(z) for z in ordered]


async def payment_gateways(
    db: Context | Store | Tx, *, enabled_only: bool = False
) -> list[dict[str, Any]]:
    gateways = public_group("payments", await load(_db(db)))["gateways"]
    return [g for g in gateways if g["enabled"] or not enabled_only]


def _db(source: Context | Store | Tx) -> Store | Tx:
    return source if isinstance(source, Store | Tx) else source.store
