"""A product (or variation) payload read into store columns and references.

Reading checks types, ranges, enums, money and dates, and reports every problem at
once. Rules that need the store (unique SKU, existing categories, attributes of
the parent) are the writer's (catalog_write).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from service.catalog.media import read_image
from service.catalog.rules import (
    ACTIVATION_METHODS,
    BACKORDERS,
    CATALOG_VISIBILITY,
    PRODUCT_STATUSES,
    PRODUCT_TYPES,
    STOCK_STATUSES,
    TAX_STATUSES,
    VARIATION_STATUSES,
)
from service.common.clock import iso
from service.common.validation import MISSING, Payload, present

_MEASURE = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
MAX_VARIATIONS = 100


@dataclass
class VariationInput:
    id: int | None
    columns: dict[str, Any]
    attributes: Any = MISSING  # [{id, name, option}]
    image: Any = MISSING  # image ref, None to remove
    index: int = 0


@dataclass
class ProductInput:
    columns: dict[str, Any]
    categories: Any = MISSING  # [term id]
    tags: Any = MISSING
    images: Any = MISSING  # [image ref]
    attributes: Any = MISSING  # [{id, name, position, visible, variation, options}]
    default_attributes: Any = MISSING
    variations: Any = MISSING  # [VariationInput]
    problems: dict[str, str] = field(default_factory=dict)


def read_product(data: Any, decimals: int, tax_classes: list[str], creating: bool) -> ProductInput:
    p = Payload(data)
    columns = {
        "name": p.text("name", max_length=400, required=creating or p.has("name")),
        "slug": p.text("slug", max_length=400),
        "type": p.choice("type", PRODUCT_TYPES),
        "status": p.choice("status", PRODUCT_STATUSES),
        "featured": p.boolean("featured"),
        "catalog_visibility": p.choice("catalog_visibility", CATALOG_VISIBILITY),
        "short_description": p.text("short_description", max_length=100_000),
        "sold_individually": p.boolean("sold_individually"),
        "downloads": _downloads(p),
        "download_limit": p.integer("download_limit", minimum=-1),
        "download_expiry": p.integer("download_expiry", minimum=-1),
        "licensing_enabled": p.boolean("licensing_enabled"),
        "license_activation_method": p.choice("license_activation_method", ACTIVATION_METHODS),
        "license_activation_limit": p.integer("license_activation_limit", minimum=1, nullable=True),
        "license_validity_days": p.integer("license_validity_days", minimum=1, nullable=True),
        **_sellable(p, decimals, tax_classes),
    }
    result = ProductInput(columns=present(columns))
    result.categories = _term_ids(p, "categories")
    result.tags = _term_ids(p, "tags")
    if (images := p.items("images")) is not None:
        result.images = [ref for ref in (read_image(i) for i in images) if ref]
    if (attributes := p.items("attributes")) is not None:
        result.attributes = [_attribute(a, i) for i, a in enumerate(attributes)]
    if (defaults := p.items("default_attributes")) is not None:
        result.default_attributes = [_chosen_option(d) for d in defaults]
    if (variations := p.items("variations")) is not None:
        if len(variations) > MAX_VARIATIONS:
            p.fail("variations", f"variations must contain at most {MAX_VARIATIONS} items.")
        result.variations = [
            _variation(v, decimals, tax_classes, i) for i, v in enumerate(variations)
        ]
    p.check()
    return result


def _sellable(p: Payload, decimals: int, tax_classes: list[str]) -> dict[str, Any]:
    """Fields a simple product and a variation share."""
    sale_from = p.date("date_on_sale_from_gmt") if p.has("date_on_sale_from_gmt") else MISSING
    if sale_from is MISSING:
        sale_from = p.date("date_on_sale_from")
    sale_to = p.date("date_on_sale_to_gmt", end_of_day=True)
    if sale_to is MISSING:
        sale_to = p.date("date_on_sale_to", end_of_day=True)
    tax_class = p.text("tax_class", max_length=60)
    if tax_class == "standard":
        tax_class = ""
    if tax_class is not MISSING and tax_class not in tax_classes:
        tax_class = p.fail(
            "tax_class", f"tax_class is not one of {', '.join(tax_classes[1:])} or empty."
        )
    return {
        "sku": p.text("sku", max_length=100),
        "description": p.text("description", max_length=100_000),
        "regular_price": p.money("regular_price", decimals),
        "sale_price": p.money("sale_price", decimals),
        "sale_from": iso(sale_from) if sale_from is not MISSING else MISSING,
        "sale_to": iso(sale_to) if sale_to is not MISSING else MISSING,
        "virtual": p.boolean("virtual"),
        "downloadable": p.boolean("downloadable"),
        "tax_status": p.choice("tax_status", TAX_STATUSES),
        "tax_class": tax_class,
        "manage_stock": p.boolean("manage_stock"),
        "stock_quantity": p.integer("stock_quantity", minimum=0, maximum=10**9, nullable=True),
        "backorders": p.choice("backorders", BACKORDERS),
        "stock_status": p.choice("stock_status", STOCK_STATUSES),
        "weight": _measure(p, "weight"),
        "dimensions": _dimensions(p),
        "menu_order": p.integer("menu_order"),
    }


def _measure(p: Payload, key: str) -> Any:
    value = p.text(key, max_length=20)
    if value is MISSING or value == "" or _MEASURE.match(value):
        return value
    return p.fail(key, f"{p.name(key)} must be a non-negative number.")


def _dimensions(p: Payload) -> Any:
    child = p.child("dimensions")
    if child is None:
        return MISSING
    values = {key: _measure(child, key) for key in ("length", "width", "height")}
    return present(values)


def _downloads(p: Payload) -> Any:
    items = p.items("downloads")
    if items is None:
        return MISSING
    out = []
    for item in items:
        file = item.url("file", required=True)
        name = item.text("name", max_length=200)
        download_id = item.text("id", max_length=64)
        if file is MISSING:
            continue
        out.append(
            {
                "id": download_id or str(uuid.uuid4()),
                "name": name or file.rsplit("/", 1)[-1],
                "file": file,
            }
        )
    return out


def _term_ids(p: Payload, key: str) -> Any:
    items = p.items(key)
    if items is None:
        return MISSING
    ids: list[int] = []
    for item in items:
        term_id = item.integer("id", minimum=1)
        if term_id is MISSING and not item.has("id"):
            item.fail("id", f"{item.name('id')} is required.")
        elif term_id is not MISSING and term_id not in ids:
            ids.append(term_id)
    return ids


def _attribute(p: Payload, index: int) -> dict[str, Any]:
    options = p.raw("options", [])
    if isinstance(options, str):
        options = options.split("|")
    if not isinstance(options, list) or not all(isinstance(o, str | int | float) for o in options):
        p.fail("options", f"{p.name('options')} must be a list of strings.")
        options = []
    cleaned: list[str] = []
    for option in (str(o).strip() for o in options):
        if option and option.lower() not in (c.lower() for c in cleaned):
            cleaned.append(option[:200])
    attribute_id = p.integer("id", minimum=0)
    name = p.text("name", max_length=200)
    if attribute_id in (MISSING, 0) and not name:
        p.fail("name", f"{p.name('name')}: give the attribute an id or a name.")
    return {
        "id": attribute_id if attribute_id is not MISSING else 0,
        "name": name if name is not MISSING else "",
        "position": _or(p.integer("position", minimum=0), index),
        "visible": _or(p.boolean("visible"), True),
        "variation": _or(p.boolean("variation"), False),
        "options": cleaned,
    }


def _chosen_option(p: Payload) -> dict[str, Any]:
    attribute_id = p.integer("id", minimum=0)
    name = p.text("name", max_length=200)
    option = p.text("option", max_length=200)
    if attribute_id in (MISSING, 0) and not name:
        p.fail("name", f"{p.name('name')}: give the attribute an id or a name.")
    return {
        "id": _or(attribute_id, 0),
        "name": _or(name, ""),
        "option": _or(option, ""),
        "_field": p.prefix,
    }


def _variation(p: Payload, decimals: int, tax_classes: list[str], index: int) -> VariationInput:
    variation_id = p.integer("id", minimum=1)
    columns = {
        "status": p.choice("status", VARIATION_STATUSES),
        **_sellable(p, decimals, tax_classes),
    }
    result = VariationInput(
        id=variation_id if variation_id is not MISSING else None,
        columns=present(columns),
        index=index,
    )
    if (attributes := p.items("attributes")) is not None:
        result.attributes = [_chosen_option(a) for a in attributes]
    if p.has("image"):
        image = p.raw("image")
        if image is None or image == {}:
            result.image = None
        elif (child := p.child("image")) is not None:
            result.image = read_image(child)
    return result


def _or(value: Any, default: Any) -> Any:
    return default if value is MISSING else value
