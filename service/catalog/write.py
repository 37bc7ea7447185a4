"""Creating, updating and deleting products, each in one transaction.

Decisions a WooCommerce user would otherwise guess at:
- Updates are partial. Lists sent (categories, tags, images, attributes, variations)
  replace the old list. In ``variations``, an item with an ``id`` updates that
  variation, one without creates a variation, and variations not listed are deleted.
- A variable product's own prices are ignored: it sells at its variations' prices.
  Turning a variable product into a simple one deletes its variations.
- Slugs are unique by suffix; SKUs are unique (any case) among products and
  variations outside the trash: a clash is ``product_invalid_sku``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.catalog.input import ProductInput, VariationInput, read_product
from service.catalog.media import resolve_images
from service.catalog.product_attributes import match_options, resolve_attributes
from service.catalog.rules import managed_stock_status
from service.catalog.stock import sync_variable_stock
from service.catalog.terms import CATEGORY, TAG
from service.catalog.view import variation_name
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.slugs import slugify, unique_slug
from service.common.validation import MISSING, invalid_params
from service.common.wc_errors import already_trashed, cannot_delete, invalid_id
from service.settings import shop_settings as store_settings
from service.settings.rules import tax_class_slugs
from store import catalog as catalog_sql
from store import catalog_terms as terms_sql
from store.db import Conflict, Tx

if TYPE_CHECKING:
    from service.app.context import Context

JSON_COLUMNS = ("downloads", "dimensions", "image_ids", "attributes", "default_attributes")
BOOL_COLUMNS = (
    "featured", "virtual", "downloadable", "manage_stock", "sold_individually", "licensing_enabled",
)  # fmt: skip
SELLABLE_DEFAULTS: dict[str, Any] = {
    "sku": "", "description": "", "regular_price": None, "sale_price": None, "sale_from": None,
    "sale_to": None, "virtual": False, "downloadable": False, "tax_status": "taxable",
    "tax_class": "", "manage_stock": False, "stock_quantity": None, "backorders": "no",
    "stock_status": "instock", "weight": "", "dimensions": {}, "menu_order": 0,
    "image_ids": [], "attributes": [], "total_sales": 0,
}  # fmt: skip
PRODUCT_DEFAULTS: dict[str, Any] = {
    **SELLABLE_DEFAULTS, "parent_id": None, "type": "simple", "status": "publish", "name": "",
    "slug": None, "short_description": "", "featured": False, "catalog_visibility": "visible",
    "downloads": [], "download_limit": -1, "download_expiry": -1, "sold_individually": False,
    "default_attributes": [], "licensing_enabled": False, "license_activation_method": "simple",
    "license_activation_limit": None, "license_validity_days": None,
}  # fmt: skip


def product_not_found() -> ServiceError:
    return invalid_id("woocommerce_rest_product_invalid_id", "Invalid ID.")


def _decode(row: Any) -> dict[str, Any]:
    record = {key: row[key] for key in catalog_sql.WRITABLE}
    for key in JSON_COLUMNS:
        record[key] = json.loads(record[key])
    for key in BOOL_COLUMNS:
        record[key] = bool(record[key])
    return record


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for key in JSON_COLUMNS:
        if key in out:
            out[key] = json.dumps(out[key], ensure_ascii=False)
    for key in BOOL_COLUMNS:
        if key in out:
            out[key] = int(bool(out[key]))
    return out


async def _parse(tx: Tx, data: Any, creating: bool) -> ProductInput:
    groups = await store_settings.load(tx)
    return read_product(data, groups["store"]["decimals"], tax_class_slugs(groups["tax"]), creating)


async def create(ctx: Context, data: Any) -> int:
    """Returns the new product's id."""
    async with ctx.store.transaction() as tx:
        parsed = await _parse(tx, data, creating=True)
        product_id = await _save(ctx, tx, None, parsed)
        await audit.record(
            ctx, tx, "product.create", "product", product_id, summary=_summary(parsed)
        )
        return product_id


async def update(ctx: Context, product_id: int, data: Any) -> None:
    async with ctx.store.transaction() as tx:
        current = await catalog_sql.by_id(tx, product_id)
        if current is None or current["parent_id"] is not None:
            raise product_not_found()
        parsed = await _parse(tx, data, creating=False)
        await _save(ctx, tx, current, parsed)
        await audit.record(
            ctx, tx, "product.update", "product", product_id, summary=_summary(parsed)
        )


async def delete(ctx: Context, product_id: int, force: bool) -> str:
    """Trash (or with ``force`` delete) a product; returns what happened: "trashed" or
    "deleted". Deleting a trashed product again without ``force`` is 410."""
    async with ctx.store.transaction() as tx:
        current = await catalog_sql.by_id(tx, product_id)
        if current is None or current["parent_id"] is not None:
            raise product_not_found()
        if force:
            try:
                await catalog_sql.delete(tx, product_id)
            except Conflict:
                raise cannot_delete("Other records still refer to this product.") from None
            outcome = "deleted"
        elif current["status"] == "trash":
            raise already_trashed("product")
        else:
            await catalog_sql.update(
                tx, product_id, {"status": "trash", "modified_at": iso(ctx.clock.now())}
            )
            outcome = "trashed"
        action = "product.delete" if outcome == "deleted" else "product.trash"
        summary = {"name": current["name"], "sku": current["sku"], "status": current["status"]}
        await audit.record(ctx, tx, action, "product", product_id, summary=summary)
        return outcome


def _summary(parsed: ProductInput) -> dict[str, Any]:
    """The fields sent and their new values (money in minor units); lists by their ids."""
    out = dict(parsed.columns)
    for key in ("categories", "tags"):
        if getattr(parsed, key) is not MISSING:
            out[key] = getattr(parsed, key)
    if parsed.attributes is not MISSING:
        out["attributes"] = [a.get("name") or a.get("id") for a in parsed.attributes]
    if parsed.default_attributes is not MISSING:
        out["default_attributes"] = parsed.default_attributes
    if parsed.images is not MISSING:
        out["images"] = len(parsed.images)
    if parsed.variations is not MISSING:
        out["variations"] = [v.id or "new" for v in parsed.variations]
    return out


async def _save(ctx: Context, tx: Tx, current: Any, parsed: ProductInput) -> int:
    now = iso(ctx.clock.now())
    product_id = current["id"] if current is not None else 0
    problems: dict[str, str] = {}
    record, raw_slug = _merged_record(current, parsed, now, problems)
    await _resolve_references(tx, record, parsed, raw_slug, current, now, problems)
    old_variations = await catalog_sql.variations_of(tx, [product_id]) if product_id else []
    variations = await _planned_variations(tx, record, parsed, old_variations, now, problems)
    if problems:
        raise invalid_params(problems)
    await _check_skus(tx, product_id, record, variations, old_variations)
    return await _write(tx, current, record, parsed, variations, old_variations)


Variations = list[tuple[int | None, dict[str, Any]]]  # (id, or None for a new one; record)


def _merged_record(
    current: Any, parsed: ProductInput, now: str | None, problems: dict[str, str]
) -> tuple[dict[str, Any], Any]:
    """The product as it will be stored (before lookups), and the slug asked for."""
    record = _decode(current) if current is not None else {**PRODUCT_DEFAULTS, "created_at": now}
    columns = dict(parsed.columns)
    raw_slug = columns.pop("slug", MISSING)
    record.update(columns)
    record["modified_at"] = now
    variable = record["type"] == "variable"
    if variable:
        record.update(regular_price=None, sale_price=None, sale_from=None, sale_to=None)
    else:
        _check_sale_window(record, "date_on_sale_to", problems)
    if parsed.variations is not MISSING and not variable:
        problems["variations"] = "Only variable products have variations."
    return record, raw_slug


async def _resolve_references(
    tx: Tx,
    record: dict[str, Any],
    parsed: ProductInput,
    raw_slug: Any,
    current: Any,
    now: str,
    problems: dict[str, str],
) -> None:
    """Fill in what needs the database: the slug, attributes, terms and images."""
    product_id = current["id"] if current is not None else 0
    if raw_slug:
        record["slug"] = await _unique_slug(tx, raw_slug, product_id)
    elif current is None or not record["slug"]:
        record["slug"] = await _unique_slug(tx, record["name"], product_id)
    if parsed.attributes is not MISSING:
        record["attributes"] = await resolve_attributes(tx, parsed.attributes, problems)
    if parsed.default_attributes is not MISSING:
        record["default_attributes"] = match_options(
            parsed.default_attributes, record["attributes"], problems
        )
    _settle_stock(record, None)
    for key, taxonomy in (("categories", CATEGORY), ("tags", TAG)):
        ids = getattr(parsed, key)
        if ids is not MISSING:
            unknown = set(ids) - await terms_sql.existing_ids(tx, taxonomy, ids)
            if unknown:
                label = "category" if taxonomy == CATEGORY else "tag"
                listed = ", ".join(str(i) for i in sorted(unknown))
                problems[key] = f"There is no product {label} with id {listed}."
    if parsed.images is not MISSING:
        images = await resolve_images(tx, parsed.images, now)
        if isinstance(images, str):
            problems["images"] = images
        else:
            record["image_ids"] = images


async def _planned_variations(
    tx: Tx,
    record: dict[str, Any],
    parsed: ProductInput,
    old_variations: list[Any],
    now: str,
    problems: dict[str, str],
) -> Variations:
    """The variations the product will have: the old ones, or those sent (variable only)."""
    variations: Variations = [(v["id"], _decode(v)) for v in old_variations]
    if record["type"] != "variable":
        variations = []
    elif parsed.variations is not MISSING:
        variations = await _read_variations(
            tx, parsed.variations, old_variations, record, now, problems
        )
    for _, v in variations:
        v["name"] = variation_name(record["name"], v["attributes"])
        _settle_stock(v, record)
    return variations


async def _write(
    tx: Tx,
    current: Any,
    record: dict[str, Any],
    parsed: ProductInput,
    variations: Variations,
    old_variations: list[Any],
) -> int:
    """Store the product, its terms and its variations; returns its id."""
    if current is None:
        product_id = await catalog_sql.insert(tx, _encode(record))
    else:
        product_id = current["id"]
        await catalog_sql.update(tx, product_id, _encode(record))
    for key, taxonomy in (("categories", CATEGORY), ("tags", TAG)):
        if getattr(parsed, key) is not MISSING:
            await catalog_sql.set_terms(tx, product_id, taxonomy, getattr(parsed, key))
    kept = {vid for vid, _ in variations if vid}
    await catalog_sql.delete_many(tx, [v["id"] for v in old_variations if v["id"] not in kept])
    for vid, v in variations:
        v["parent_id"] = product_id
        if vid:
            await catalog_sql.update(tx, vid, _encode(v))
        else:
            await catalog_sql.insert(tx, _encode(v))
    if record["type"] == "variable":
        await sync_variable_stock(tx, product_id)
    return product_id


async def _unique_slug(tx: Tx, text: str, product_id: int) -> str:
    return await unique_slug(
        slugify(text, "product"), lambda s: catalog_sql.slug_taken(tx, s, product_id)
    )


def _check_sale_window(record: dict[str, Any], field: str, problems: dict[str, str]) -> None:
    start, end = record["sale_from"], record["sale_to"]
    if start and end and end < start:
        problems[field] = "The sale cannot end before it starts."


def _settle_stock(record: dict[str, Any], parent: dict[str, Any] | None) -> None:
    if record["manage_stock"]:
        record["stock_quantity"] = record["stock_quantity"] or 0
        record["stock_status"] = managed_stock_status(
            record["stock_quantity"], record["backorders"]
        )
        return
    record["stock_quantity"] = None
    if parent is not None and parent["manage_stock"]:
        record["stock_status"] = managed_stock_status(
            parent["stock_quantity"], parent["backorders"]
        )


async def _read_variations(
    tx: Tx,
    items: list[VariationInput],
    old: list[Any],
    parent: dict[str, Any],
    now: str,
    problems: dict[str, str],
) -> list[tuple[int | None, dict[str, Any]]]:
    existing = {row["id"]: row for row in old}
    out: list[tuple[int | None, dict[str, Any]]] = []
    for item in items:
        prefix = f"variations[{item.index}]"
        if item.id is not None:
            if item.id not in existing:
                problems[f"{prefix}[id]"] = f"This product has no variation {item.id}."
                continue
            record = _decode(existing[item.id])
        else:
            record = {
                **PRODUCT_DEFAULTS,
                **SELLABLE_DEFAULTS,
                "status": "publish",
                "created_at": now,
            }
        record.update(item.columns)
        record.update(type="variation", modified_at=now, slug=None)
        _check_sale_window(record, f"{prefix}[date_on_sale_to]", problems)
        if item.attributes is not MISSING:
            record["attributes"] = match_options(item.attributes, parent["attributes"], problems)
        if item.image is not MISSING:
            record["image_ids"] = []
            if item.image is not None:
                images = await resolve_images(tx, [item.image], now)
                if isinstance(images, str):
                    problems[f"{prefix}[image]"] = images
                else:
                    record["image_ids"] = images
        out.append((item.id, record))
    return out


async def _check_skus(
    tx: Tx,
    product_id: int,
    record: dict[str, Any],
    variations: list[tuple[int | None, dict[str, Any]]],
    old_variations: list[Any],
) -> None:
    """One SKU per product or variation outside the trash, compared without case."""
    family = [product_id, *(v["id"] for v in old_variations)] if product_id else []
    wanted: list[tuple[str, str]] = []
    if record["sku"] and record["status"] != "trash":
        wanted.append(("sku", record["sku"]))
    for i, (_, v) in enumerate(variations):
        if v["sku"]:
            wanted.append((f"variations[{i}][sku]", v["sku"]))
    seen: dict[str, int] = {}
    for field, sku in wanted:
        owner = await catalog_sql.sku_owner(tx, sku, family)
        if owner is None and sku.lower() in seen:
            owner = product_id or 0
        if owner is not None:
            raise ServiceError(
                "product_invalid_sku",
                "Invalid or duplicated SKU.",
                400,
                data={
                    "resource_id": owner,
                    "unique_sku": await _free_sku(tx, sku, family, seen),
                    "params": {field.split("[", 1)[0]: f"{field} is invalid or duplicated."},
                },
            )
        seen[sku.lower()] = 1


async def _free_sku(tx: Tx, sku: str, family: list[int], seen: dict[str, int]) -> str:
    n = 1
    while True:
        candidate = f"{sku}-{n}"
        if (
            candidate.lower() not in seen
            and await catalog_sql.sku_owner(tx, candidate, family) is None
        ):
            return candidate
        n += 1
