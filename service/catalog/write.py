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

from service.catalog.input import ProductInput, VariationInput, read_product
from service.catalog.media import resolve_images
from service.catalog.rules import managed_stock_status
from service.catalog.stock import sync_variable_stock
from service.catalog.terms import CATEGORY, TAG, add_attribute_term
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
        return await _save(ctx, tx, None, parsed)


async def update(ctx: Context, product_id: int, data: Any) -> None:
    async with ctx.store.transaction() as tx:
        current = await catalog_sql.by_id(tx, product_id)
        if current is None or current["parent_id"] is not None:
            raise product_not_found()
        parsed = await _parse(tx, data, creating=False)
        await _save(ctx, tx, current, parsed)


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
            return "deleted"
        if current["status"] == "trash":
            raise already_trashed("product")
        await catalog_sql.update(
            tx, product_id, {"status": "trash", "modified_at": iso(ctx.clock.now())}
        )
        return "trashed"


async def _save(ctx: Context, tx: Tx, current: Any, parsed: ProductInput) -> int:
    now = iso(ctx.clock.now())
    product_id = current["id"] if current is not None else 0
    record = _decode(current) if current is not None else {**PRODUCT_DEFAULTS, "created_at": now}
    columns = dict(parsed.columns)
    raw_slug = columns.pop("slug", MISSING)
    record.update(columns)
    record["modified_at"] = now
    problems: dict[str, str] = {}
    variable = record["type"] == "variable"
    if variable:
        record.update(regular_price=None, sale_price=None, sale_from=None, sale_to=None)
    else:
        _check_sale_window(record, "date_on_sale_to", problems)
    if parsed.variations is not MISSING and not variable:
        problems["variations"] = "Only variable products have variations."

    if raw_slug:
        record["slug"] = await _unique_slug(tx, raw_slug, product_id)
    elif current is None or not record["slug"]:
        record["slug"] = await _unique_slug(tx, record["name"], product_id)
    if parsed.attributes is not MISSING:
        record["attributes"] = await _resolve_attributes(tx, parsed.attributes, problems)
    if parsed.default_attributes is not MISSING:
        record["default_attributes"] = _match_options(
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

    old_variations = await catalog_sql.variations_of(tx, [product_id]) if product_id else []
    variations: list[tuple[int | None, dict[str, Any]]] = [
        (v["id"], _decode(v)) for v in old_variations
    ]
    if not variable:
        variations = []
    elif parsed.variations is not MISSING:
        variations = await _read_variations(
            tx, parsed.variations, old_variations, record, now, problems
        )
    for _, v in variations:
        v["name"] = variation_name(record["name"], v["attributes"])
        _settle_stock(v, record)
    if problems:
        raise invalid_params(problems)
    await _check_skus(tx, product_id, record, variations, old_variations)

    if current is None:
        product_id = await catalog_sql.insert(tx, _encode(record))
    else:
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
    if variable:
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


async def _resolve_attributes(
    tx: Tx, items: list[dict[str, Any]], problems: dict[str, str]
) -> list[dict[str, Any]]:
    """Attributes naming a global one (by id, or by name) use its terms, which are
    created when missing, as WooCommerce does; others are the product's own."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        field = f"attributes[{i}]"
        if item["id"]:
            global_attr = await terms_sql.attribute_by_id(tx, item["id"])
            if global_attr is None:
                problems[f"{field}[id]"] = f"There is no attribute {item['id']}."
                continue
        else:
            global_attr = await terms_sql.attribute_by_name(tx, item["name"])
        if not item["options"]:
            continue  # WooCommerce drops an attribute without options
        options = item["options"]
        if global_attr is not None:
            for option in options:
                await add_attribute_term(tx, global_attr["id"], option)
            canonical = {
                n.lower(): n for n in await terms_sql.attribute_term_names(tx, global_attr["id"])
            }
            options = [canonical.get(o.lower(), o) for o in options]
            entry = {
                "id": global_attr["id"],
                "name": global_attr["name"],
                "slug": "pa_" + global_attr["slug"],
            }
        else:
            entry = {"id": 0, "name": item["name"], "slug": slugify(item["name"], "attribute")}
        key = str(entry["id"]) if entry["id"] else entry["name"].lower()
        if key in seen:
            problems[f"{field}[name]"] = f"The attribute {entry['name']} is listed twice."
            continue
        seen.add(key)
        out.append(
            {
                **entry,
                "position": item["position"],
                "visible": item["visible"],
                "variation": item["variation"],
                "options": options,
            }
        )
    return out


def _match_options(
    chosen: list[dict[str, Any]], attributes: list[dict[str, Any]], problems: dict[str, str]
) -> list[dict[str, Any]]:
    """Pick variation options: each names a variation attribute of the product and one of
    its options ("" = any)."""
    out = []
    for c in chosen:
        field = c["_field"]
        attribute = next((a for a in attributes if _names_attribute(c, a)), None)
        if attribute is None or not attribute["variation"]:
            problems[field] = "This is not a variation attribute of the product."
            continue
        option = ""
        if c["option"]:
            option = next((o for o in attribute["options"] if o.lower() == c["option"].lower()), "")
            if not option:
                problems[f"{field}[option]"] = (
                    f"{c['option']} is not an option of {attribute['name']}."
                )
                continue
        out.append({"id": attribute["id"], "name": attribute["name"], "option": option})
    return out


def _names_attribute(chosen: dict[str, Any], attribute: dict[str, Any]) -> bool:
    if chosen["id"]:
        return attribute["id"] == chosen["id"]
    name = chosen["name"].strip().lower().removeprefix("pa_")
    return name in (attribute["name"].lower(), attribute.get("slug", "").removeprefix("pa_"))


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
            record["attributes"] = _match_options(item.attributes, parent["attributes"], problems)
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
