"""The public shop: what a customer may browse, search and open.

Only published products are ever shown; drafts, pending, private and trashed ones
are 404 here, as they are to a visitor of a WordPress shop. Catalog visibility is
WooCommerce's: ``visible`` everywhere, ``catalog`` in listings only, ``search`` in
search results only, ``hidden`` in neither (a hidden product's own page still opens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from service.catalog.cache import Page, rendered
from service.catalog.terms import TermFilters, list_categories
from service.common.clock import iso
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import db_int, invalid_params
from service.common.wc_errors import invalid_id
from service.settings import shop_settings as store_settings
from service.storefront.shop_view import (
    Display,
    search_hit,
    shop_product,
    shop_product_detail_base,
)
from store import catalog as catalog_sql
from store import catalog_terms as terms_sql
from store import shop as shop_sql
from store.shop import ShopQuery

if TYPE_CHECKING:
    from service.app.context import Context

SHOP_ORDERBY = ("date", "price", "popularity", "rating", "title")
# WooCommerce's storefront directions when none is asked for.
DEFAULT_ORDER = {"date": "desc", "price": "asc", "popularity": "desc", "rating": "desc"}
LISTED = ("visible", "catalog")
SEARCHED = ("visible", "search")
SEARCH_LIMIT = 10
RELATED_LIMIT = 4


@dataclass
class ShopFilters:
    page: int = 1
    per_page: int = 12
    search: str = ""
    category: str = ""  # ids or slugs, comma-separated; subcategories included
    orderby: str = "date"
    order: str | None = None  # None: the storefront default for ``orderby``
    on_sale: bool | None = None
    featured: bool | None = None


async def display_of(ctx: Context) -> Display:
    return _display(await store_settings.load(ctx.store))


def _display(groups: dict[str, dict[str, Any]]) -> Display:
    incl = groups["tax"]["prices_include_tax"]
    return Display(store_settings.money_of(groups), "incl" if incl else "excl")


def _shop_items(page: Page, key: str, build: Callable[[dict[str, Any], Display], Any]) -> list[Any]:
    """``build(product, display)`` for each render of ``page``, kept with the render."""
    display: Display | None = None
    out = []
    for item in page.items:
        built = item.derived.get(key)
        if built is None:
            display = display or _display(page.settings.groups)
            built = item.derived[key] = build(item.product, display)
        out.append(built)
    return out


async def _category_ids(ctx: Context, text: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found: int | None
        if part.isascii() and part.isdigit():
            found = int(part)
        else:
            found = await shop_sql.category_id_by_slug(ctx.store, part)
        ids.append(db_int(found) if found is not None else 0)
    if not ids:
        return ()
    return tuple(await terms_sql.with_descendants(ctx.store, ids) or (0,))


async def list_shop_products(
    ctx: Context, filters: ShopFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    """One page of the shop and how many products match."""
    f = filters or ShopFilters()
    if f.orderby not in SHOP_ORDERBY:
        raise invalid_params({"orderby": f"orderby is not one of {', '.join(SHOP_ORDERBY)}."})
    if problems := wc_page_problems(f.page, f.per_page):
        raise invalid_params(problems)
    limit, offset = wc_window(f.page, f.per_page)
    search = f.search.strip()
    query = ShopQuery(
        now=iso(ctx.clock.now()),
        visibilities=SEARCHED if search else LISTED,
        limit=limit,
        offset=offset,
        search=search,
        category_ids=await _category_ids(ctx, f.category) if f.category else (),
        on_sale=f.on_sale,
        featured=f.featured,
        orderby=f.orderby,
        order=f.order or DEFAULT_ORDER.get(f.orderby, "asc"),
    )
    refs = await shop_sql.list_refs(ctx.store, query)
    page = await rendered(ctx, refs.items, refs.settings_version)
    return _shop_items(page, "shop", shop_product), refs.total


def _not_found() -> Exception:
    return invalid_id("woocommerce_rest_product_invalid_id", "Invalid ID.")


async def get_shop_product(ctx: Context, product_id: int) -> dict[str, Any]:
    """A published product's page; anything else (a variation's id too) is 404."""
    ref = await catalog_sql.ref_by_id(ctx.store, db_int(product_id))
    if ref is None or ref["parent_id"] is not None or ref["status"] != "publish":
        raise _not_found()
    related_rows = await shop_sql.related(ctx.store, ref["id"], LISTED, RELATED_LIMIT)
    refs = [(ref["id"], ref["version"]), *((r["id"], r["version"]) for r in related_rows)]
    page = await rendered(ctx, refs, ref["settings_version"])
    if not page.items or page.items[0].product["id"] != ref["id"]:  # deleted since
        raise _not_found()
    main, *related = page.items
    detail = _shop_items(Page([main], page.settings, page.now), "detail", shop_product_detail_base)
    shop = _shop_items(Page(related, page.settings, page.now), "shop", shop_product)
    return {**detail[0], "related": shop}


async def search_shop(ctx: Context, text: str) -> list[dict[str, Any]]:
    """At most ten searchable products whose name, SKU or description matches."""
    text = (text or "").strip()
    if not text:
        return []
    query = ShopQuery(
        now=iso(ctx.clock.now()),
        visibilities=SEARCHED,
        limit=SEARCH_LIMIT,
        search=text,
        orderby="popularity",
    )
    refs = await shop_sql.list_refs(ctx.store, query)
    page = await rendered(ctx, refs.items, refs.settings_version)
    return _shop_items(page, "search", search_hit)


async def list_shop_categories(
    ctx: Context,
    *,
    hide_empty: bool = True,
    parent: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[dict[str, Any]], int]:
    """Categories with their image and how many published products they hold."""
    filters = TermFilters(
        page=page, per_page=per_page, hide_empty=hide_empty, parent=parent, orderby="menu_order"
    )
    terms, total = await list_categories(ctx, filters)
    base = ctx.settings.base_url
    return [
        {
            "id": t["id"],
            "name": t["name"],
            "slug": t["slug"],
            "parent": t["parent"],
            "description": t["description"],
            "image": t["image"],
            "count": t["count"],
            "permalink": f"{base}/product-category/{quote(t['slug'], safe='')}/",
        }
        for t in terms
    ], total


__all__ = [
    "SHOP_ORDERBY",
    "ShopFilters",
    "get_shop_product",
    "list_shop_categories",
    "list_shop_products",
    "search_shop",
]
