"""``--demo`` data for the integration product: tokens, synced products and events.

Everything goes through the real service functions (generate, authenticate, the
webhook processor), so the demo shows what a plugin would have produced. Idempotent:
nothing is added when the demo store's token already exists. The secrets of the
tokens it creates are returned, to be shown once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from service.accounts import users as accounts
from service.common.clock import iso
from service.demo.accounts import ADMIN_EMAIL, MANAGER_EMAIL
from service.integrations import sync, tokens
from service.integrations.tokens import TokenFilters

if TYPE_CHECKING:
    from service.app.context import Context

MAIN_STORE = "فروشگاه اصلی"
DEMO_IP = "127.0.0.1"
SHOP = "https://shop.example.test"

PRODUCTS: list[dict[str, Any]] = [
    {
        "id": 101,
        "sku": "SHOE-RUN-42",
        "name": "کفش رانینگ سبک",
        "short_description": "<p>کفش دویدن با زیره‌ی نرم</p>",
        "description": "<p>مناسب برای دویدن روزانه و پیاده‌روی.</p><ul><li>وزن ۲۴۰ گرم</li></ul>",
        "price": 1850000,
        "regular_price": 2300000,
        "sale_price": 1850000,
        "on_sale": True,
        "currency": "IRT",
        "stock_quantity": 12,
        "stock_status": "instock",
        "categories": ["کفش", "ورزشی"],
        "tags": ["دویدن", "سبک"],
    },
    {
        "id": 102,
        "sku": "BAG-CITY",
        "name": "کوله‌پشتی شهری",
        "short_description": "کوله ۲۰ لیتری ضدآب",
        "description": "<p>جای لپ‌تاپ ۱۵ اینچ و جیب مخفی.</p>",
        "price": 980000,
        "regular_price": 980000,
        "currency": "IRT",
        "stock_quantity": 0,
        "stock_status": "outofstock",
        "categories": ["کیف"],
        "tags": ["ضدآب"],
    },
    {
        "id": 103,
        "sku": "MUG-CERAMIC",
        "name": "Ceramic Mug &amp; Saucer",
        "short_description": "Hand-glazed, 350 ml",
        "description": "<p>Dishwasher safe.</p>",
        "price": "12.50",
        "regular_price": "12.50",
        "currency": "USD",
        "stock_quantity": 40,
        "stock_status": "instock",
        "categories": ["Kitchen"],
        "tags": ["gift"],
    },
    {
        "id": 104,
        "sku": "EBOOK-GUIDE",
        "name": "راهنمای نگهداری کفش (فایل PDF)",
        "short_description": "رایگان برای مشتریان",
        "price": 0,
        "regular_price": 0,
        "currency": "IRT",
        "stock_status": "instock",
        "categories": ["کتاب"],
        "type": "simple",
    },
    {
        "id": 105,
        "sku": "SOCK-PACK",
        "name": "جوراب ورزشی (بسته ۳ عددی)",
        "price": 240000,
        "regular_price": 240000,
        "currency": "IRT",
        "stock_quantity": 5,
        "stock_status": "onbackorder",
        "categories": ["ورزشی", "پوشاک"],
    },
]


def _product(raw: dict[str, Any], modified: str) -> dict[str, Any]:
    return {
        **raw,
        "image": f"{SHOP}/wp-content/uploads/{raw['id']}.jpg",
        "gallery": [],
        "permalink": f"{SHOP}/product/{raw['id']}/",
        "date_modified": modified,
    }


async def seed_integrations(ctx: Context) -> list[str]:
    owner = await accounts.find_user(ctx, MANAGER_EMAIL)
    admin = await accounts.find_user(ctx, ADMIN_EMAIL)
    if owner is None or admin is None:
        return []
    existing = await tokens.list_tokens(
        ctx, owner, TokenFilters(search=MAIN_STORE, include_revoked=True), page_size=100
    )
    if any(info.name == MAIN_STORE for info in existing.items):
        return []

    now = ctx.clock.now()
    main = await tokens.generate(ctx, owner, name=MAIN_STORE, integration_type="woocommerce")
    staging = await tokens.generate(
        ctx,
        owner,
        name="Staging store",
        allowed_ips=["127.0.0.1", "10.0.0.0/8"],
        expires_at=iso(now + timedelta(days=30)),
    )
    old = await tokens.generate(ctx, owner, name="Old plugin install")
    await tokens.revoke(ctx, owner, old.info.id)
    custom = await tokens.generate(ctx, admin, name="Custom CRM export", integration_type="custom")

    auth = await tokens.authenticate(ctx, main.token, DEMO_IP)
    meta = sync.RequestMeta(DEMO_IP, "Pilito Sync/3.2.2 (demo)")
    earlier = iso(now - timedelta(hours=3))
    later = iso(now - timedelta(hours=1))
    for raw in PRODUCTS:
        event = {
            "event_id": f"demo_created_{raw['id']}",
            "event_type": "product.created",
            "product": _product(raw, earlier),
        }
        await sync.handle_webhook(ctx, auth, event, meta)
    # the sale on the running shoe ended
    ended = {**PRODUCTS[0], "price": 2300000, "sale_price": None, "on_sale": False}
    updates = [
        ("demo_sale_ended_101", "product.updated", _product(ended, later)),
        ("demo_late_update_101", "product.updated", _product(PRODUCTS[0], earlier)),  # stale
        ("demo_deleted_105", "product.deleted", {"id": 105, "date_modified": later}),
        ("demo_deleted_999", "product.deleted", {"id": 999}),  # nothing to delete
    ]
    for event_id, event_type, product in updates:
        event = {"event_id": event_id, "event_type": event_type, "product": product}
        await sync.handle_webhook(ctx, auth, event, meta)
    # a network-level replay of the first event
    replay = {
        "event_id": "demo_created_101",
        "event_type": "product.created",
        "product": _product(PRODUCTS[0], earlier),
    }
    await sync.handle_webhook(ctx, auth, replay, meta)
    await tokens.authenticate(ctx, staging.token, DEMO_IP)

    return [
        f"demo woocommerce token for {owner.email} ({MAIN_STORE}), shown once: {main.token}",
        f"demo woocommerce token for {owner.email} (Staging store), shown once: {staging.token}",
        f"demo custom token for {admin.email} (Custom CRM export), shown once: {custom.token}",
    ]
