"""The owner's synced products as the knowledge base sees them: list, filter, search.

Deleted products are hidden unless asked for (``is_active=False``); prices are decimal
strings; every filter value is checked, so a bad number is a 400, never a 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from service.accounts.users import User
from service.common.errors import ServiceError, invalid
from service.common.paging import Page, check_page
from service.integrations.webhook_payload import format_amount, parse_amount
from store import knowledge_products as product_sql

if TYPE_CHECKING:
    from service.app.context import Context

SOURCES = ("woocommerce", "shopify", "manual")
ORDERING_FIELDS = tuple(product_sql.ORDERINGS)
DEFAULT_ORDERING = "-created_at"
MAX_SEARCH_TERMS = 10
MAX_TERM = 100


@dataclass(frozen=True)
class ProductFilters:
    external_source: str | None = None
    category: str | None = None
    min_price: object = None  # 12.5, "12.50" ...
    max_price: object = None
    in_stock: bool | None = None
    is_active: bool | None = True  # None: active and deleted alike
    has_discount: bool | None = None
    search: str | None = None
    ordering: str | None = None  # "price,-created_at"


def _ordering(text: str | None) -> tuple[tuple[str, bool], ...]:
    parts = [part.strip() for part in (text or DEFAULT_ORDERING).split(",") if part.strip()]
    ordering = []
    for part in parts or [DEFAULT_ORDERING]:
        name = part.removeprefix("-")
        if name not in product_sql.ORDERINGS:
            raise invalid(
                {"ordering": f"Unknown field {name!r}; use one of {', '.join(ORDERING_FIELDS)}."}
            )
        ordering.append((name, part.startswith("-")))
    return tuple(ordering)


def _price(field: str, value: object, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    try:
        return parse_amount(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def _query(actor: User, filters: ProductFilters) -> product_sql.ProductQuery:
    errors: dict[str, str] = {}
    if filters.external_source is not None and filters.external_source not in SOURCES:
        errors["external_source"] = f"Choose one of: {', '.join(SOURCES)}."
    min_price = _price("min_price", filters.min_price, errors)
    max_price = _price("max_price", filters.max_price, errors)
    terms = tuple((filters.search or "").casefold().split())
    if len(terms) > MAX_SEARCH_TERMS or any(len(term) > MAX_TERM for term in terms):
        errors["search"] = f"Use at most {MAX_SEARCH_TERMS} words of {MAX_TERM} characters."
    category = (filters.category or "").strip().casefold() or None
    try:
        ordering = _ordering(filters.ordering)
    except ServiceError as err:
        errors.update({k: v[0] for k, v in err.fields.items()})
        ordering = ()
    if errors:
        raise invalid(errors)
    return product_sql.ProductQuery(
        user_id=actor.id,
        external_source=filters.external_source,
        category_key=category,
        min_price=min_price,
        max_price=max_price,
        in_stock=filters.in_stock,
        is_active=filters.is_active,
        has_discount=filters.has_discount,
        search_terms=terms,
        ordering=ordering,
    )


def _percentage(discount: int, regular: int | None) -> str:
    if not discount or not regular:
        return "0.00"
    value = (Decimal(discount) * 100 / Decimal(regular)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return str(value)


def product_dict(row: Any) -> dict[str, Any]:
    categories = json.loads(row["categories"])
    return {
        "id": row["id"],
        "external_id": row["external_id"],
        "external_source": row["external_source"],
        "woo_product_id": row["source_product_id"],
        "sku": row["sku"],
        "title": row["title"],
        "short_description": row["short_description"],
        "description": row["description"],
        "price": format_amount(row["price"]),
        "regular_price": format_amount(row["regular_price"]),
        "sale_price": format_amount(row["sale_price"]),
        "currency": row["currency"],
        "discount_amount": format_amount(row["discount_amount"]),
        "discount_percentage": _percentage(row["discount_amount"], row["regular_price"]),
        "has_discount": row["discount_amount"] > 0,
        "on_sale": bool(row["on_sale"]),
        "stock_quantity": row["stock_quantity"],
        "stock_status": row["stock_status"],
        "in_stock": bool(row["in_stock"]),
        "categories": categories,
        "category": ", ".join(categories),
        "tags": json.loads(row["tags"]),
        "image": row["image"],
        "gallery": json.loads(row["gallery"]),
        "permalink": row["permalink"],
        "type": row["product_type"],
        "date_modified": row["date_modified"],
        "content_updated_at": row["content_updated_at"],
        "token_id": row["token_id"],
        "is_active": bool(row["is_active"]),
        "deleted_at": row["deleted_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def list_products(
    ctx: Context,
    actor: User,
    filters: ProductFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 10,
) -> Page[dict[str, Any]]:
    """The actor's own products, newest first unless ``ordering`` says otherwise."""
    limit, offset = check_page(page, page_size)
    query = _query(actor, filters or ProductFilters())
    total = await product_sql.count(ctx.store, query)
    rows = await product_sql.search(ctx.store, query, limit, offset)
    return Page([product_dict(row) for row in rows], total, page, page_size)


async def get_product(ctx: Context, actor: User, product_id: str) -> dict[str, Any]:
    row = await product_sql.by_id(ctx.store, actor.id, str(product_id).lower())
    if row is None:
        raise ServiceError("product_not_found", "No product matches the given query.", 404)
    return product_dict(row)


async def product_stats(ctx: Context, actor: User) -> dict[str, Any]:
    raw = await product_sql.stats(ctx.store, actor.id)
    return {
        "total_products": raw["total"],
        "active_products": raw["active"],
        "deleted_products": raw["total"] - raw["active"],
        "in_stock_products": raw["in_stock"],
        "with_discount": raw["with_discount"],
        "by_source": raw["by_source"],
        "by_category": raw["by_category"],
        "price_range": {
            "min": format_amount(raw["min_price"]),
            "max": format_amount(raw["max_price"]),
        },
    }
