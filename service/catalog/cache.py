"""Rendered products, reused until they change.

A product's render (``catalog_view.product_dict``, and what the shop builds from it)
is served again while all of these hold:

- its render version is the one the request has just read from the database.
  ``products.version`` is bumped by triggers (migration 0011) in the very transaction
  that changes the product, one of its variations, its categories or tags (or their
  names), or its images, whatever code or process writes;
- the shop settings' version (same migration) is the one it was rendered with;
- the clock has not crossed one of its sale dates (the price and ``on_sale`` follow
  them).

Versions come from the database on every request (the page query carries them), never
from memory alone: a write acknowledged by this process or another one (the console
with ``--no-api``) is served on the very next request. Renders are shared between
requests: callers read them and build new dicts, never change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.catalog.view import View, render_with_variations
from service.common.clock import iso
from service.settings.shop_settings import SettingsCache, Snapshot
from store import catalog as catalog_sql

if TYPE_CHECKING:
    from service.app.context import Context

# Enough for a large shop's busy pages; past it the oldest renders are dropped.
DEFAULT_LIMIT = 2000


@dataclass
class Rendered:
    version: int
    settings_version: int
    after: str | None  # valid while after < now < before (ISO UTC, as stored)
    before: str | None
    product: dict[str, Any]
    # Views derived from ``product`` by higher layers (the shop's), with its lifetime.
    derived: dict[str, Any] = field(default_factory=dict)

    def fresh(self, version: int, settings_version: int, now: str) -> bool:
        return (
            self.version == version
            and self.settings_version == settings_version
            and (self.after is None or self.after < now)
            and (self.before is None or now < self.before)
        )


class RenderCache:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.settings = SettingsCache()
        self._entries: dict[int, Rendered] = {}

    def get(
        self, product_id: int, version: int, settings_version: int, now: str
    ) -> Rendered | None:
        entry = self._entries.get(product_id)
        fresh = entry is not None and entry.fresh(version, settings_version, now)
        return entry if fresh else None

    def put(self, product_id: int, entry: Rendered) -> None:
        entries = self._entries
        entries.pop(product_id, None)
        entries[product_id] = entry
        if len(entries) > self.limit:
            for stale in list(entries)[: len(entries) - self.limit // 2]:
                del entries[stale]

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Page:
    """Renders in the page's order, and what the page needs to finish them."""

    items: list[Rendered]
    settings: Snapshot
    now: str


def validity(now: str, rows: Sequence[Any]) -> tuple[str | None, str | None] | None:
    """The interval around ``now`` without a sale date of ``rows`` in it (``after`` <
    now < ``before``), or None when ``now`` is one of them (then nothing is kept)."""
    dates = {d for row in rows for d in (row["sale_from"], row["sale_to"]) if d is not None}
    if now in dates:
        return None
    after = max((d for d in dates if d < now), default=None)
    before = min((d for d in dates if d > now), default=None)
    return after, before


async def rendered(ctx: Context, refs: Sequence[tuple[int, int]], settings_version: int) -> Page:
    """The renders of ``refs`` ((id, version) as just read), rendering the ones not
    kept; a product deleted since the refs were read is left out."""
    cache: RenderCache = ctx.catalog_cache
    now = iso(ctx.clock.now())
    snapshot = await cache.settings.at(ctx.store, settings_version)
    found: dict[int, Rendered] = {}
    missing: list[int] = []
    for product_id, version in refs:
        entry = cache.get(product_id, version, settings_version, now)
        if entry is None:
            missing.append(product_id)
        else:
            found[product_id] = entry
    if missing:
        view = View(decimals=snapshot.decimals, now=now, base_url=ctx.settings.base_url)
        found.update(await _render(ctx, missing, settings_version, view))
    return Page([found[pid] for pid, _ in refs if pid in found], snapshot, now)


async def _render(
    ctx: Context, product_ids: list[int], settings_version: int, view: View
) -> dict[int, Rendered]:
    rows = await catalog_sql.with_variations(ctx.store, product_ids)
    wanted = set(product_ids)
    parents = [r for r in rows if r["id"] in wanted]
    variable = {r["id"] for r in parents if r["type"] == "variable"}
    variations = [r for r in rows if r["parent_id"] in variable]
    products = await render_with_variations(ctx.store, parents, variations, view)
    out: dict[int, Rendered] = {}
    for row, product in zip(parents, products, strict=True):
        own = [row, *(v for v in variations if v["parent_id"] == row["id"])]
        window = validity(view.now, own)
        entry = Rendered(
            row["version"],
            settings_version,
            window[0] if window else None,
            window[1] if window else None,
            product,
        )
        if window is not None:
            ctx.catalog_cache.put(row["id"], entry)
        out[row["id"]] = entry
    return out
