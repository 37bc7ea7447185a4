"""Products as WooCommerce REST v3 shows them (plus WooNooW's licensing fields and,
for a variable product, its variations in full)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from service.catalog.media import media_map
from service.catalog.rules import Prices, wc_date
from service.pricing.money import format_amount
from store import catalog as catalog_sql
from store.db import Store, Tx


@dataclass(frozen=True)
class View:
    decimals: int
    now: str  # ISO UTC, compared with the stored sale dates
    base_url: str

    def money(self, minor: int | None) -> str:
        return "" if minor is None else format_amount(minor, self.decimals)


async def render_products(db: Store | Tx, rows: list[Any], view: View) -> list[dict[str, Any]]:
    """Full product dicts for ``rows``, loading their variations, terms and images at once."""
    variable = [row["id"] for row in rows if row["type"] == "variable"]
    variation_rows = await catalog_sql.variations_of(db, variable) if variable else []
    return await render_with_variations(db, rows, variation_rows, view)


async def render_with_variations(
    db: Store | Tx, rows: list[Any], variation_rows: list[Any], view: View
) -> list[dict[str, Any]]:
    """``render_products`` with the variations already read (in their order); loads the
    terms and images of all of them at once."""
    ids = [row["id"] for row in rows]
    variations: dict[int, list[Any]] = defaultdict(list)
    for vrow in variation_rows:
        variations[vrow["parent_id"]].append(vrow)
    terms: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"product_cat": [], "product_tag": []}
    )
    for term in await catalog_sql.terms_of(db, ids) if ids else []:
        terms[term["product_id"]][term["taxonomy"]].append(
            {"id": term["id"], "name": term["name"], "slug": term["slug"]}
        )
    media_ids = [i for row in rows for i in json.loads(row["image_ids"])]
    media_ids += [i for vs in variations.values() for v in vs for i in json.loads(v["image_ids"])]
    images = await media_map(db, media_ids) if media_ids else {}
    return [
        product_dict(row, variations.get(row["id"], []), terms[row["id"]], images, view)
        for row in rows
    ]


def _prices(row: Any) -> Prices:
    return Prices(row["regular_price"], row["sale_price"], row["sale_from"], row["sale_to"])


def _sale_dates(row: Any) -> dict[str, Any]:
    start, end = wc_date(row["sale_from"]), wc_date(row["sale_to"])
    return {
        "date_on_sale_from": start,
        "date_on_sale_from_gmt": start,
        "date_on_sale_to": end,
        "date_on_sale_to_gmt": end,
    }


def _dimensions(row: Any) -> dict[str, str]:
    stored = json.loads(row["dimensions"] or "{}")
    return {key: stored.get(key, "") for key in ("length", "width", "height")}


def permalink(view: View, slug: str | None) -> str:
    """As WordPress prints it: a Persian slug is percent-encoded in the URL."""
    return f"{view.base_url}/product/{quote(slug or '', safe='')}/"


def product_dict(
    row: Any,
    variation_rows: list[Any],
    terms: dict[str, list[dict[str, Any]]],
    images: dict[int, dict[str, Any]],
    view: View,
) -> dict[str, Any]:
    variable = row["type"] == "variable"
    enabled = [v for v in variation_rows if v["status"] == "publish"]
    if variable:
        current = [p for p in (_prices(v).current(view.now) for v in enabled) if p is not None]
        price = min(current) if current else None
        on_sale = any(_prices(v).on_sale(view.now) for v in enabled)
        regular = sale = None
    else:
        prices = _prices(row)
        price, on_sale = prices.current(view.now), prices.on_sale(view.now)
        regular, sale = row["regular_price"], row["sale_price"]
    created, modified = wc_date(row["created_at"]), wc_date(row["modified_at"])
    attributes = json.loads(row["attributes"])
    variations = [variation_dict(v, row, images, view) for v in variation_rows]
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "permalink": permalink(view, row["slug"]),
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "type": row["type"],
        "status": row["status"],
        "featured": bool(row["featured"]),
        "catalog_visibility": row["catalog_visibility"],
        "description": row["description"],
        "short_description": row["short_description"],
        "sku": row["sku"],
        "price": view.money(price),
        "regular_price": view.money(regular),
        "sale_price": view.money(sale),
        **_sale_dates(row),  # a variable product keeps none: its variations have them
        "on_sale": on_sale,
        "purchasable": price is not None and row["status"] == "publish",
        "total_sales": row["total_sales"],
        "virtual": bool(row["virtual"]),
        "downloadable": bool(row["downloadable"]),
        "downloads": json.loads(row["downloads"]),
        "download_limit": row["download_limit"],
        "download_expiry": row["download_expiry"],
        "tax_status": row["tax_status"],
        "tax_class": row["tax_class"],
        "manage_stock": bool(row["manage_stock"]),
        "stock_quantity": row["stock_quantity"] if row["manage_stock"] else None,
        "stock_status": row["stock_status"],
        "backorders": row["backorders"],
        "backorders_allowed": row["backorders"] != "no",
        "backordered": bool(row["manage_stock"])
        and (row["stock_quantity"] or 0) <= 0
        and row["backorders"] != "no",
        "sold_individually": bool(row["sold_individually"]),
        "weight": row["weight"],
        "dimensions": _dimensions(row),
        "shipping_required": not row["virtual"],
        "parent_id": 0,
        "categories": terms["product_cat"],
        "tags": terms["product_tag"],
        "images": [
            {**images[i], "position": n}
            for n, i in enumerate(json.loads(row["image_ids"]))
            if i in images
        ],
        "attributes": [_public_attribute(a) for a in attributes],
        "default_attributes": json.loads(row["default_attributes"]),
        "variations": variations,
        "menu_order": row["menu_order"],
        "licensing_enabled": bool(row["licensing_enabled"]),
        "license_activation_method": row["license_activation_method"],
        "license_activation_limit": row["license_activation_limit"],
        "license_validity_days": row["license_validity_days"],
        "meta_data": [],
    }


def _public_attribute(attribute: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": attribute["id"],
        "name": attribute["name"],
        "slug": attribute.get("slug", ""),
        "position": attribute["position"],
        "visible": attribute["visible"],
        "variation": attribute["variation"],
        "options": attribute["options"],
    }


def variation_name(parent_name: str, chosen: list[dict[str, Any]]) -> str:
    options = [c["option"] for c in chosen if c["option"]]
    return f"{parent_name} - {', '.join(options)}" if options else parent_name


def variation_dict(
    row: Any, parent: Any, images: dict[int, dict[str, Any]], view: View
) -> dict[str, Any]:
    prices = _prices(row)
    price = prices.current(view.now)
    chosen = json.loads(row["attributes"])
    image_ids = json.loads(row["image_ids"])
    created, modified = wc_date(row["created_at"]), wc_date(row["modified_at"])
    managed_here = bool(row["manage_stock"])
    return {
        "id": row["id"],
        "name": variation_name(parent["name"], chosen),
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "description": row["description"],
        "permalink": permalink(view, parent["slug"]),
        "sku": row["sku"],
        "status": row["status"],
        "price": view.money(price),
        "regular_price": view.money(row["regular_price"]),
        "sale_price": view.money(row["sale_price"]),
        **_sale_dates(row),
        "on_sale": prices.on_sale(view.now),
        "purchasable": price is not None and row["status"] == "publish",
        "virtual": bool(row["virtual"]),
        "downloadable": bool(row["downloadable"]),
        "tax_status": row["tax_status"],
        "tax_class": row["tax_class"],
        "manage_stock": managed_here,
        "stock_quantity": row["stock_quantity"] if managed_here else None,
        "stock_status": row["stock_status"],
        "backorders": row["backorders"],
        "backorders_allowed": row["backorders"] != "no",
        "weight": row["weight"],
        "dimensions": _dimensions(row),
        "image": images.get(image_ids[0]) if image_ids else None,
        "attributes": chosen,
        "menu_order": row["menu_order"],
        "parent_id": parent["id"],
    }
