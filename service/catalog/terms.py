"""Product categories and tags (WordPress terms) and the global attributes.

Categories: a name is unique under its parent (``term_exists``), the parent must
exist (``woocommerce_rest_term_invalid``) and can never be the category itself or
one of its descendants. Slugs come from the name, Persian kept, and are unique in
their taxonomy (``-2``, ``-3``); a slug given explicitly must be free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.catalog.media import media_map, read_image, resolve_images
from service.catalog.rules import CATEGORY_DISPLAY
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.paging import wc_window
from service.common.slugs import slugify, unique_slug
from service.common.validation import MISSING, Payload, db_int, db_ints, invalid_params, present
from service.common.wc_errors import term_exists, term_invalid, trash_not_supported
from store import catalog_terms as terms_sql
from store.catalog_terms import TermQuery
from store.db import Tx

if TYPE_CHECKING:
    from service.app.context import Context

CATEGORY = "product_cat"
TAG = "product_tag"
TERM_ORDERBY = ("id", "include", "name", "slug", "count", "description", "menu_order")
_LABEL = {CATEGORY: "category", TAG: "tag"}


@dataclass
class TermFilters:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    parent: int | None = None
    slug: str = ""
    product: int | None = None
    hide_empty: bool = False
    orderby: str = "name"
    order: str = "asc"


async def list_terms(
    ctx: Context, taxonomy: str, filters: TermFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    f = filters or TermFilters()
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    query = TermQuery(
        taxonomy=taxonomy,
        limit=limit,
        offset=offset,
        search=f.search.strip(),
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        parent=db_int(f.parent) if taxonomy == CATEGORY and f.parent is not None else None,
        slugs=tuple(s for s in f.slug.split(",") if s.strip()) if f.slug else (),
        product=db_int(f.product) if f.product is not None else None,
        hide_empty=f.hide_empty,
        orderby=f.orderby,
        order=f.order,
    )
    rows, total = await terms_sql.list_terms(ctx.store, query)
    images = await media_map(ctx.store, [r["image_id"] for r in rows if r["image_id"]])
    return [_term_dict(row, images) for row in rows], total


async def list_categories(
    ctx: Context, filters: TermFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    return await list_terms(ctx, CATEGORY, filters)


async def list_tags(
    ctx: Context, filters: TermFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    return await list_terms(ctx, TAG, filters)


async def get_term(ctx: Context, taxonomy: str, term_id: int) -> dict[str, Any]:
    row = await terms_sql.term_by_id(ctx.store, taxonomy, term_id)
    if row is None:
        raise term_invalid()
    images = await media_map(ctx.store, [row["image_id"]] if row["image_id"] else [])
    return _term_dict(row, images)


async def get_category(ctx: Context, term_id: int) -> dict[str, Any]:
    return await get_term(ctx, CATEGORY, term_id)


async def get_tag(ctx: Context, term_id: int) -> dict[str, Any]:
    return await get_term(ctx, TAG, term_id)


def _term_dict(row: Any, images: dict[int, dict[str, Any]]) -> dict[str, Any]:
    if row["taxonomy"] == TAG:
        return {
            "id": row["id"],
            "name": row["name"],
            "slug": row["slug"],
            "description": row["description"],
            "count": row["count"],
        }
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "parent": row["parent_id"] or 0,
        "description": row["description"],
        "display": row["display"],
        "image": images.get(row["image_id"]) if row["image_id"] else None,
        "menu_order": row["menu_order"],
        "count": row["count"],
    }


# -- writes -------------------------------------------------------------------------
def _read_term(p: Payload, taxonomy: str, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": p.text("name", max_length=200, required=creating or p.has("name")),
        "slug": p.text("slug", max_length=200),
        "description": p.text("description", max_length=10000),
    }
    if taxonomy == CATEGORY:
        values["parent"] = p.integer("parent", minimum=0)
        values["display"] = p.choice("display", CATEGORY_DISPLAY)
        values["menu_order"] = p.integer("menu_order")
        if p.has("image"):
            image = p.raw("image")
            if image is None or image == {} or image == []:
                values["image"] = None
            else:
                child = p.child("image")
                values["image"] = read_image(child) if child else MISSING
    p.check()
    return present(values)


async def create_term(ctx: Context, taxonomy: str, data: Any) -> dict[str, Any]:
    values = _read_term(Payload(data), taxonomy, creating=True)
    async with ctx.store.transaction() as tx:
        row = await _write_term(ctx, tx, taxonomy, 0, values, None)
        await _record(ctx, tx, taxonomy, "create", row, values)
    return await get_term(ctx, taxonomy, row)


async def update_term(ctx: Context, taxonomy: str, term_id: int, data: Any) -> dict[str, Any]:
    values = _read_term(Payload(data), taxonomy, creating=False)
    async with ctx.store.transaction() as tx:
        current = await terms_sql.term_by_id(tx, taxonomy, term_id)
        if current is None:
            raise term_invalid()
        await _write_term(ctx, tx, taxonomy, term_id, values, current)
        await _record(ctx, tx, taxonomy, "update", term_id, values)
    return await get_term(ctx, taxonomy, term_id)


async def delete_term(ctx: Context, taxonomy: str, term_id: int, force: bool) -> dict[str, Any]:
    """Terms have no trash: without ``force`` this is 501, as in WooCommerce."""
    if not force:
        raise trash_not_supported("Resource does not support trashing.")
    previous = await get_term(ctx, taxonomy, term_id)
    async with ctx.store.transaction() as tx:
        if await terms_sql.term_by_id(tx, taxonomy, term_id) is None:
            raise term_invalid()
        await terms_sql.delete_term(tx, term_id)
        await _record(ctx, tx, taxonomy, "delete", term_id, {"name": previous["name"]})
    return previous


async def _record(
    ctx: Context, tx: Tx, taxonomy: str, verb: str, term_id: int, values: dict[str, Any]
) -> None:
    """``category.create``, ``tag.delete``...: the fields sent (an image by its source)."""
    summary = dict(values)
    if isinstance(summary.get("image"), dict):
        summary["image"] = present(summary["image"])
    label = _LABEL[taxonomy]
    await audit.record(ctx, tx, f"{label}.{verb}", label, term_id, summary=summary)


async def _write_term(
    ctx: Context, tx: Tx, taxonomy: str, term_id: int, values: dict[str, Any], current: Any
) -> int:
    name = values.get("name", current["name"] if current else "")
    parent_id = current["parent_id"] if current else None
    if "parent" in values:
        parent_id = values["parent"] or None
        if parent_id is not None:
            await _check_parent(tx, term_id, parent_id)
    clash = await terms_sql.id_by_name(tx, taxonomy, name, parent_id, exclude_id=term_id)
    if clash is not None and (current is None or "name" in values or "parent" in values):
        raise term_exists(clash)
    row: dict[str, Any] = {"name": name, "parent_id": parent_id}
    if values.get("slug"):
        slug = slugify(values["slug"])
        if await terms_sql.slug_taken(tx, taxonomy, slug, term_id):
            raise ServiceError(
                "duplicate_term_slug",
                f"The slug “{slug}” is already in use by another term.",
                400,
                data={"params": {"slug": "This slug is already in use."}},
            )
        row["slug"] = slug
    elif current is None:
        row["slug"] = await unique_slug(
            slugify(name, _LABEL[taxonomy]),
            lambda s: terms_sql.slug_taken(tx, taxonomy, s, term_id),
        )
    for key in ("description", "display", "menu_order"):
        if key in values:
            row[key] = values[key]
    if "image" in values:
        row["image_id"] = await _image_id(tx, values["image"], iso(ctx.clock.now()))
    if current is None:
        return await terms_sql.insert_term(tx, {"taxonomy": taxonomy, **row})
    await terms_sql.update_term(tx, term_id, row)
    return term_id


async def _check_parent(tx: Tx, term_id: int, parent_id: int) -> None:
    if await terms_sql.term_by_id(tx, CATEGORY, parent_id) is None:
        raise term_invalid("Parent resource does not exist.")
    if term_id and term_id in await terms_sql.ancestors(tx, parent_id):
        raise invalid_params({"parent": "A category cannot be its own parent or descendant."})


async def _image_id(tx: Tx, image: dict[str, Any] | None, when: str) -> int | None:
    if image is None:
        return None
    resolved = await resolve_images(tx, [image], when)
    if isinstance(resolved, str):
        raise invalid_params({"image": resolved})
    return resolved[0]


async def create_category(ctx: Context, data: Any) -> dict[str, Any]:
    return await create_term(ctx, CATEGORY, data)


async def update_category(ctx: Context, term_id: int, data: Any) -> dict[str, Any]:
    return await update_term(ctx, CATEGORY, term_id, data)


async def delete_category(ctx: Context, term_id: int, force: bool = False) -> dict[str, Any]:
    return await delete_term(ctx, CATEGORY, term_id, force)


async def create_tag(ctx: Context, data: Any) -> dict[str, Any]:
    return await create_term(ctx, TAG, data)


async def update_tag(ctx: Context, term_id: int, data: Any) -> dict[str, Any]:
    return await update_term(ctx, TAG, term_id, data)


async def delete_tag(ctx: Context, term_id: int, force: bool = False) -> dict[str, Any]:
    return await delete_term(ctx, TAG, term_id, force)


# -- global attributes ----------------------------------------------------------------
async def list_attributes(ctx: Context) -> list[dict[str, Any]]:
    """Every global attribute with its terms (and how many published products use each)."""
    rows = await terms_sql.list_attributes(ctx.store)
    terms = await terms_sql.attribute_terms(ctx.store, [r["id"] for r in rows])
    by_attribute: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    for term in terms:
        by_attribute[term["attribute_id"]].append(
            {
                "id": term["id"],
                "name": term["name"],
                "slug": term["slug"],
                "description": term["description"],
                "menu_order": term["menu_order"],
                "count": term["count"],
            }
        )
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "slug": "pa_" + row["slug"],
            "type": row["type"],
            "order_by": row["order_by"],
            "has_archives": bool(row["has_archives"]),
            "terms": by_attribute[row["id"]],
        }
        for row in rows
    ]


async def create_attribute(ctx: Context, name: str, terms: Sequence[str] = ()) -> dict[str, Any]:
    """A global attribute (the console and the demo data; there is no REST route for it)."""
    p = Payload({"name": name})
    clean = p.text("name", max_length=200, required=True)
    if clean is MISSING:
        raise invalid_params(p.problems)
    async with ctx.store.transaction() as tx:
        if await terms_sql.attribute_by_name(tx, clean) is not None:
            raise ServiceError(
                "woocommerce_rest_cannot_create",
                f"Slug “{slugify(clean)}” is already in use. Change it, please.",
                400,
            )
        attribute_id = await terms_sql.insert_attribute(tx, clean, slugify(clean, "attribute"))
        for term in terms:
            await add_attribute_term(tx, attribute_id, term)
        summary = {"name": clean, "terms": list(terms)}
        await audit.record(ctx, tx, "attribute.create", "attribute", attribute_id, summary=summary)
    return next(a for a in await list_attributes(ctx) if a["id"] == attribute_id)


async def add_attribute_term(tx: Tx, attribute_id: int, name: str) -> None:
    """Add a term to a global attribute unless one with that name exists."""
    if await terms_sql.attribute_term_id(tx, attribute_id, name) is not None:
        return
    slug = await unique_slug(
        slugify(name, "term"), lambda s: terms_sql.attribute_term_slug_taken(tx, attribute_id, s)
    )
    await terms_sql.insert_attribute_term(tx, attribute_id, name, slug)
