"""Products: list, read, create, update, delete, and the light search of order forms.

Every function returns products as plain dicts in WooCommerce REST v3's shape (see
catalog_view); the HTTP controller only adds ``_links``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.catalog import write as catalog_write
from service.catalog.cache import rendered
from service.catalog.rules import PRODUCT_STATUSES, PRODUCT_TYPES, STOCK_STATUSES
from service.catalog.view import View, render_products
from service.common.clock import iso
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import db_int, db_ints, invalid_params
from service.common.wc_errors import invalid_id
from service.pricing.errors import PricingError
from service.pricing.money import parse_amount
from service.settings import shop_settings as store_settings
from store import catalog as catalog_sql
from store import catalog_terms as terms_sql
from store.catalog import ProductQuery
from store.db import Store, Tx

if TYPE_CHECKING:
    from service.app.context import Context

PRODUCT_ORDERBY = (
    "date", "id", "include", "title", "slug", "price", "modified", "menu_order", "popularity",
)  # fmt: skip
SEARCH_LIMIT = 20


@dataclass
class ProductFilters:
    """A product listing as a REST client or the console asks for it."""

    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    status: str = "any"  # any (everything but trash) or one of PRODUCT_STATUSES
    type: str | None = None
    sku: str = ""  # one SKU or several, comma-separated (exact, any case)
    category: tuple[int, ...] = ()  # any of these categories or their subcategories
    tag: tuple[int, ...] = ()
    stock_status: str | None = None
    on_sale: bool | None = None
    featured: bool | None = None
    min_price: str | None = None  # decimal strings, in the store's currency
    max_price: str | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


async def view_for(ctx: Context, db: Store | Tx | None = None) -> View:
    return View(
        decimals=await store_settings.decimals(db or ctx.store),
        now=iso(ctx.clock.now()),
        base_url=ctx.settings.base_url,
    )


async def list_products(
    ctx: Context, filters: ProductFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    """One page of products and the total that match."""
    f = filters or ProductFilters()
    query = await _query(ctx, f, iso(ctx.clock.now()))
    refs = await catalog_sql.list_refs(ctx.store, query)
    page = await rendered(ctx, refs.items, refs.settings_version)
    return [r.product for r in page.items], refs.total


async def _query(ctx: Context, f: ProductFilters, now: str) -> ProductQuery:
    problems: dict[str, str] = {}
    prices: dict[str, int | None] = {}
    for key in ("min_price", "max_price"):
        value = getattr(f, key)
        prices[key] = None
        if value not in (None, ""):
            try:
                prices[key] = db_int(parse_amount(value, await store_settings.decimals(ctx)))
            except PricingError as exc:
                problems[key] = f"{key}: {exc.message}"
            except ArithmeticError:  # beyond Decimal's precision: no price is that high
                prices[key] = db_int(10**30)
    checks = (
        ("status", f.status, ("any", *PRODUCT_STATUSES)),
        ("type", f.type, (None, *PRODUCT_TYPES)),
        ("stock_status", f.stock_status, (None, *STOCK_STATUSES)),
        ("orderby", f.orderby, PRODUCT_ORDERBY),
        ("order", f.order, ("asc", "desc")),
    )
    for key, value, allowed in checks:
        if value not in allowed:
            problems[key] = f"{key} is not one of {', '.join(a for a in allowed if a)}."
    problems.update(wc_page_problems(f.page, f.per_page))
    if problems:
        raise invalid_params(problems)
    term_groups = []
    for ids in (f.category, f.tag):
        if ids:
            term_groups.append(await terms_sql.with_descendants(ctx.store, ids) or (0,))
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    return ProductQuery(
        now=now,
        limit=limit,
        offset=offset,
        search=f.search.strip(),
        statuses=() if f.status == "any" else (f.status,),
        types=(f.type,) if f.type else (),
        skus=tuple(s.strip() for s in f.sku.split(",") if s.strip()),
        term_ids=tuple(term_groups),
        stock_status=f.stock_status,
        on_sale=f.on_sale,
        featured=f.featured,
        min_price=prices["min_price"],
        max_price=prices["max_price"],
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        orderby=f.orderby,
        order=f.order,
    )


async def get_product(ctx: Context, product_id: int) -> dict[str, Any]:
    """A product with its variations; 404 ``woocommerce_rest_product_invalid_id`` for an
    unknown id or a variation's id."""
    ref = await catalog_sql.ref_by_id(ctx.store, product_id)
    if ref is None or ref["parent_id"] is not None:
        raise invalid_id("woocommerce_rest_product_invalid_id", "Invalid ID.")
    page = await rendered(ctx, [(ref["id"], ref["version"])], ref["settings_version"])
    if not page.items:  # deleted since
        raise invalid_id("woocommerce_rest_product_invalid_id", "Invalid ID.")
    return page.items[0].product


async def create_product(ctx: Context, data: Any) -> dict[str, Any]:
    product_id = await catalog_write.create(ctx, data)
    return await get_product(ctx, product_id)


async def update_product(ctx: Context, product_id: int, data: Any) -> dict[str, Any]:
    """A partial update: only the fields in ``data`` change."""
    await catalog_write.update(ctx, product_id, data)
    return await get_product(ctx, product_id)


async def delete_product(ctx: Context, product_id: int, force: bool = False) -> dict[str, Any]:
    """Without ``force``: moves to the trash and returns the trashed product (410 if it
    was there already). With ``force``: deletes it and returns it as it was."""
    previous = await get_product(ctx, product_id)
    outcome = await catalog_write.delete(ctx, product_id, force)
    return previous if outcome == "deleted" else await get_product(ctx, product_id)


async def search_products(
    ctx: Context, text: str, limit: int = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """Order-form search by name, SKU (a variation's too) or id; at most ``limit``
    (≤ 20) products outside the trash, variable ones with their variations."""
    view = await view_for(ctx)
    rows = await catalog_sql.search(
        ctx.store, (text or "").strip(), max(1, min(limit, SEARCH_LIMIT)), view.now
    )
    return [_light(p) for p in await render_products(ctx.store, rows, view)]


def _light(product: dict[str, Any]) -> dict[str, Any]:
    out = {
        "id": product["id"],
        "name": product["name"],
        "type": product["type"],
        "status": product["status"],
        "sku": product["sku"],
        "price": product["price"],
        "regular_price": product["regular_price"],
        "on_sale": product["on_sale"],
        "stock": product["stock_quantity"],
        "stock_status": product["stock_status"],
        "image": product["images"][0]["src"] if product["images"] else None,
    }
    if product["type"] == "variable":
        out["variations"] = [
            {
                "id": v["id"],
                "name": v["name"],
                "sku": v["sku"],
                "price": v["price"],
                "stock": v["stock_quantity"],
                "stock_status": v["stock_status"],
                "attributes": v["attributes"],
            }
            for v in product["variations"]
            if v["status"] == "publish"
        ]
    return out
