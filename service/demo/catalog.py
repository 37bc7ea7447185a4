"""``--demo`` for the catalog, customers and settings: a Tehran shop with 67 products
(variable ones with variations, some on sale, some out of stock, downloadable and
licensed plugins), Persian and English categories, 25 customers with addresses, and
complete store, tax, shipping and payment settings.

Idempotent: settings are stored only when none were ever saved; categories, tags and
attributes are found by name, products by SKU and customers by email before creating.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from service import catalog
from service.accounts import customers
from service.catalog import write as catalog_write
from service.catalog.terms import CATEGORY, TAG
from service.demo.accounts import hash_all
from service.demo.catalog_data import (
    ADDRESSES,
    ATTRIBUTES,
    CATEGORIES,
    CUSTOMERS,
    DIGITAL_PRODUCTS,
    SETTINGS,
    SIMPLE_PRODUCTS,
    TAGS,
    VARIABLE_PRODUCTS,
)
from service.settings import shop_settings as store_settings
from service.settings.rules import apply_patch, default_settings
from store import catalog as catalog_sql
from store import catalog_terms as terms_sql
from store import customers as customer_sql
from store.db import existing

if TYPE_CHECKING:
    from service.app.context import Context

DEMO_CUSTOMER = "customer@shopkeep.test"


async def seed_catalog(ctx: Context) -> list[str]:
    # The demo customers share one password, shown once for all of them: one scrypt hash
    # at the production cost serves every new one (a salt per account would only hide
    # that they share it, which the notice says anyway). It runs in a thread meanwhile.
    password = secrets.token_urlsafe(12)
    missing = [
        f"{handle}@example.com"
        for _, _, handle in CUSTOMERS
        if await customer_sql.email_owner(ctx.store, f"{handle}@example.com") is None
    ]
    hashing = asyncio.ensure_future(hash_all(ctx, [password] if missing else []))
    try:
        await store_settings.seed_defaults(ctx, apply_patch(default_settings(), SETTINGS))
        categories = await _categories(ctx)
        tags = await _tags(ctx)
        attributes = await _attributes(ctx)
        async with ctx.store.transaction() as tx:  # one commit for every product
            for payload in _products(categories, tags, attributes, ctx):
                if await catalog_sql.sku_owner(tx, payload["sku"]) is None:
                    await catalog_write.create(ctx, payload)
    except BaseException:
        hashing.cancel()
        raise
    hashed = await hashing
    return await _customers(ctx, password, dict.fromkeys(missing, hashed[0]) if hashed else {})


async def _categories(ctx: Context) -> dict[str, int]:
    ids: dict[str, int] = {}
    for key, name, parent in CATEGORIES:
        parent_id = ids[parent] if parent else None
        found = await terms_sql.id_by_name(ctx.store, CATEGORY, name, parent_id)
        if found is None:
            found = (await catalog.create_category(ctx, {"name": name, "parent": parent_id or 0}))[
                "id"
            ]
        ids[key] = found
    return ids


async def _tags(ctx: Context) -> dict[str, int]:
    ids = {}
    for name in TAGS:
        found = await terms_sql.id_by_name(ctx.store, TAG, name, None)
        ids[name] = (
            found if found is not None else (await catalog.create_tag(ctx, {"name": name}))["id"]
        )
    return ids


async def _attributes(ctx: Context) -> dict[str, int]:
    ids = {}
    for name, terms in ATTRIBUTES.items():
        found = await terms_sql.attribute_by_name(ctx.store, name)
        ids[name] = (
            found["id"] if found else (await catalog.create_attribute(ctx, name, terms))["id"]
        )
    return ids


def _image(sku: str) -> list[dict[str, str]]:
    return [{"src": f"https://picsum.photos/seed/{sku.lower()}/800/800", "alt": sku}]


def _products(
    categories: dict[str, int], tags: dict[str, int], attributes: dict[str, int], ctx: Context
) -> list[dict[str, Any]]:
    now = ctx.clock.now()
    out = [_simple(i, row, categories, tags, now) for i, row in enumerate(SIMPLE_PRODUCTS)]
    out += [_digital(row, categories, tags) for row in DIGITAL_PRODUCTS]
    for n, (sku, name, category, price, sizes, colors, sold_out) in enumerate(VARIABLE_PRODUCTS):
        out.append(
            _variable(
                sku, name, categories[category], price, sizes, colors, sold_out, n, attributes, tags
            )
        )
    return out


def _basics(
    sku: str, name: str, price: int, category_id: int, tag_ids: list[int]
) -> dict[str, Any]:
    """What every demo product has: its name, SKU, price, category, tags and image."""
    return {
        "name": name,
        "sku": sku,
        "regular_price": str(price),
        "categories": [{"id": category_id}],
        "tags": [{"id": t} for t in tag_ids],
        "short_description": f"<p>{name}</p>",
        "images": _image(sku),
    }


def _simple(
    i: int, row: Any, categories: dict[str, int], tags: dict[str, int], now: datetime
) -> dict[str, Any]:
    sku, name, category, price, extra = row
    payload = {
        **_basics(sku, name, price, categories[category], [tags[t] for t in extra.get("tags", [])]),
        "description": f"<p>{name} — demo product of the Shopkeep store.</p>",
        "manage_stock": True,
        "stock_quantity": extra.get("stock", 8 + (i * 7) % 40),
        "backorders": extra.get("backorders", "no"),
        "featured": i % 9 == 0,
    }
    if "sale" in extra:
        payload["sale_price"] = str(extra["sale"])
        payload["tags"].append({"id": tags["تخفیف‌دار"]})
    if "scheduled_sale" in extra:
        payload["sale_price"] = str(extra["scheduled_sale"])
        payload["date_on_sale_from"] = (now + timedelta(days=7)).date().isoformat()
        payload["date_on_sale_to"] = (now + timedelta(days=21)).date().isoformat()
    for key in ("weight", "tax_class"):
        if key in extra:
            payload[key] = extra[key]
    return payload


def _digital(row: Any, categories: dict[str, int], tags: dict[str, int]) -> dict[str, Any]:
    sku, name, category, price, license = row
    payload = {
        **_basics(sku, name, price, categories[category], [tags["Digital"]]),
        "virtual": True,
        "downloadable": True,
        "downloads": [
            {
                "name": f"{sku.lower()}.zip",
                "file": f"https://downloads.shopkeep.test/{sku.lower()}.zip",
            }
        ],
        "download_limit": -1,
        "download_expiry": 365,
    }
    if license is not None:
        method, limit, days = license
        payload.update(
            licensing_enabled=True,
            license_activation_method=method,
            license_activation_limit=limit,
            license_validity_days=days,
        )
    if sku.endswith("3"):
        payload["sale_price"] = str(price * 3 // 4)
    return payload


def _variable(
    sku: str,
    name: str,
    category_id: int,
    price: int,
    sizes: list[str],
    colors: list[str],
    sold_out: list[tuple[str, str]],
    n: int,
    attributes: dict[str, int],
    tags: dict[str, int],
) -> dict[str, Any]:
    size_id, color_id = attributes["Size"], attributes["Color"]
    variations: list[dict[str, Any]] = []
    for size in sizes:
        for color in colors:
            regular = price + (price // 10 if size == "XL" else 0)
            variation: dict[str, Any] = {
                "sku": f"{sku}-{size}-{color[:3].upper()}",
                "regular_price": str(regular),
                "manage_stock": True,
                "stock_quantity": 0
                if (size, color) in sold_out
                else 3 + (len(variations) * 5) % 17,
                "attributes": [{"id": size_id, "option": size}, {"id": color_id, "option": color}],
            }
            if n % 3 == 1:
                variation["sale_price"] = str(regular * 85 // 100)
            variations.append(variation)
    return {
        "name": name,
        "sku": sku,
        "type": "variable",
        "categories": [{"id": category_id}],
        "tags": [{"id": tags["جدید" if n % 2 else "پرفروش"]}],
        "short_description": f"<p>{name}</p>",
        "images": _image(sku),
        "attributes": [
            {"id": size_id, "variation": True, "visible": True, "options": sizes},
            {"id": color_id, "variation": True, "visible": True, "options": colors},
        ],
        "default_attributes": [{"id": size_id, "option": sizes[0]}],
        "variations": variations,
    }


def _address(i: int, first: str, last: str, email: str | None) -> dict[str, str]:
    city, state, postcode, country, street = ADDRESSES[i % len(ADDRESSES)]
    address = {
        "first_name": first,
        "last_name": last,
        "address_1": street,
        "city": city,
        "state": state,
        "postcode": postcode,
        "country": country,
        "phone": f"+98 912 {100 + i:03d} {(i * 379) % 10000:04d}",
    }
    if email:
        address["email"] = email
    return address


async def _customers(ctx: Context, password: str, hashes: dict[str, str]) -> list[str]:
    """The demo customers; ``hashes``: ``password`` hashed for each new one, by email."""
    created: list[str] = []
    for i, (first, last, handle) in enumerate(CUSTOMERS):
        email = f"{handle}@example.com"
        if await customer_sql.email_owner(ctx.store, email) is not None:
            continue
        await customers.create_customer(
            ctx,
            {
                "email": email,
                "first_name": first,
                "last_name": last,
                "password": password,
                "billing": _address(i, first, last, email),
                "shipping": _address(i + (1 if i % 4 == 3 else 0), first, last, None),
            },
            password_hash=hashes.get(email),
        )
        created.append(email)
    demo = await customer_sql.email_owner(ctx.store, DEMO_CUSTOMER)
    if (
        demo is not None
        and existing(await customer_sql.by_id(ctx.store, demo), "customer")["username"] is None
    ):
        address = _address(0, "سارا", "احمدی", DEMO_CUSTOMER)
        await customers.update_customer(
            ctx,
            demo,
            {"first_name": "سارا", "last_name": "احمدی", "billing": address, "shipping": address},
        )
    if not created:
        return []
    return [f"demo customers: {len(created)} accounts such as {created[0]} / {password}"]
