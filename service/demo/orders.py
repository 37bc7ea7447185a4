"""``--demo`` for orders and coupons: coupons of every type (one expired, one used up, one
for free shipping, one individual-use VIP code) and 160 orders over the last 90 days in
every status, from the demo customers and guests, some with coupons and notes.

Orders are created through the orders service (priced by the one engine, stock and
licenses following their status) inside one transaction, so seeding stays quick.
Idempotent: coupons are found by code, and orders are seeded only while there is none
created by the demo. The same seed gives the same shop (dates relative to the clock).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from service import catalog
from service.accounts import customers
from service.common.clock import iso
from service.common.errors import ServiceError
from service.orders import coupons
from service.orders import crud as orders
from service.orders.status import SYSTEM
from store import catalog_terms as terms_sql
from store import orders as order_sql

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx

DEMO_VIA = "demo"
ORDER_COUNT = 160
DAYS = 90
# Private notes the demo writes as if by staff: a name only, no account behind it.
STAFF_NOTE_AUTHOR = "Shop staff"
# (status, weight) for orders older than a week; the last week has more open orders.
STATUSES = [("completed", 46), ("processing", 14), ("pending", 8), ("on-hold", 6),
            ("cancelled", 12), ("refunded", 6), ("failed", 8)]  # fmt: skip
RECENT = [("processing", 40), ("pending", 25), ("on-hold", 15), ("completed", 15), ("failed", 5)]
GUESTS = [("Nima", "Rostami"), ("Hana", "Safavi"), ("Peter", "Braun"), ("آرش", "کمالی"),
          ("Lina", "Haddad"), ("سمیرا", "نادری")]  # fmt: skip
GUEST_ADDRESS = {
    "address_1": "خیابان آزادی، پلاک ۱۴", "city": "کرج", "state": "ABZ", "postcode": "3134756111",
    "country": "IR", "phone": "+98 935 000 1234",
}  # fmt: skip
CUSTOMER_NOTES = [
    "لطفاً قبل از ارسال تماس بگیرید.",
    "Please gift-wrap this one.",
    "زنگ واحد ۳ خراب است، با موبایل تماس بگیرید.",
    "Leave the parcel with the building manager.",
]
PRIVATE_NOTES = [
    "مشتری تلفنی پیگیری کرد؛ کد رهگیری پست ارسال شد.",
    "Payment confirmed by bank transfer receipt.",
    "Packed and handed to the courier.",
    "بسته با پیک موتوری ارسال شد.",
]


def _coupons(now: datetime, mugs: int | None) -> list[dict[str, Any]]:
    return [
        {"code": "NOWRUZ1405", "discount_type": "percent", "amount": "10",
         "description": "تخفیف ۱۰ درصدی نوروز"},
        {"code": "WELCOME200", "discount_type": "fixed_cart", "amount": "200000",
         "minimum_amount": "1500000", "usage_limit_per_user": 1,
         "description": "۲۰۰ هزار تومان تخفیف اولین خرید بالای ۱.۵ میلیون"},
        {"code": "MUGLOVER", "discount_type": "fixed_product", "amount": "50000",
         "product_categories": [mugs] if mugs else [], "description": "50,000 off every mug"},
        {"code": "FREESHIP", "discount_type": "fixed_cart", "amount": "0", "free_shipping": True,
         "description": "ارسال رایگان برای شهرستان‌ها"},
        {"code": "VIP25", "discount_type": "percent", "amount": "25", "individual_use": True,
         "email_restrictions": ["*@example.com"], "exclude_sale_items": True,
         "description": "VIP customers only; not with other coupons"},
        {"code": "FLASH50", "discount_type": "percent", "amount": "50", "usage_limit": 8,
         "limit_usage_to_x_items": 1, "description": "Flash sale: 50% off one item, 8 uses"},
        {"code": "YALDA1404", "discount_type": "percent", "amount": "15",
         "date_expires": (now - timedelta(days=75)).date().isoformat(),
         "description": "شب یلدا (منقضی شده)"},
    ]  # fmt: skip


async def seed_orders(ctx: Context) -> list[str]:
    now = ctx.clock.now()
    mugs = await terms_sql.id_by_name(ctx.store, "product_cat", "ماگ و لیوان", None)
    found = await coupons.find_by_codes(ctx.store, [c["code"] for c in _coupons(now, mugs)])
    for data in _coupons(now, mugs):
        if data["code"].lower() not in found:
            await coupons.create_coupon(ctx, data)
    if await order_sql.count_created_via(ctx.store, DEMO_VIA):
        return []
    pool = await _sellable_pool(ctx)
    people = (await customers.list_customers(ctx, customers.CustomerFilters(per_page=100)))[0]
    if not pool:
        return []
    rng = random.Random(1405)
    made = 0
    async with ctx.store.transaction() as tx:
        for n in range(ORDER_COUNT):
            made += await _seed_one(ctx, tx, rng, n, now, pool, people)
    return [f"demo orders: {made} over the last {DAYS} days"]


async def _sellable_pool(ctx: Context) -> list[tuple[int, int, bool]]:
    """(product id, variation id, digital) of what is for sale, licensed plugins aside."""
    products, _ = await catalog.list_products(
        ctx, catalog.ProductFilters(per_page=100, status="publish")
    )
    pool = []
    for p in products:
        if p["type"] == "variable":
            pool += [
                (p["id"], v["id"], False)
                for v in p["variations"]
                if isinstance(v, dict) and v["stock_status"] != "outofstock"
            ]
        elif p["licensing_enabled"]:
            continue  # licenses have their own demo; orders here would issue more
        elif p["price"] and p["stock_status"] != "outofstock":
            pool.append((p["id"], 0, p["downloadable"]))
    return pool


def _pick(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    return rng.choices([s for s, _ in weights], [w for _, w in weights])[0]


def _buyer(rng: random.Random, n: int, people: list[dict[str, Any]]) -> dict[str, Any]:
    if people and rng.random() < 0.75:
        person = rng.choice(people)
        billing = {**person["billing"], "email": person["email"]}
        return {"customer_id": person["id"], "billing": billing, "shipping": person["shipping"]}
    first, last = GUESTS[n % len(GUESTS)]
    email = f"{first.lower()}.{n}@mail.test" if first.isascii() else f"guest{n}@mail.test"
    billing = {"first_name": first, "last_name": last, "email": email, **GUEST_ADDRESS}
    return {"billing": billing, "shipping": {k: v for k, v in billing.items() if k != "email"}}


def _coupon_for(rng: random.Random, body: dict[str, Any]) -> list[dict[str, Any]]:
    roll = rng.random()
    if roll > 0.3:
        return []
    if roll < 0.08:
        return [{"code": "NOWRUZ1405"}]
    if roll < 0.14:
        return [{"code": "WELCOME200"}]
    if roll < 0.19:
        return [{"code": "MUGLOVER"}]
    if roll < 0.23 and body["shipping"].get("state") not in ("THR", ""):
        body["shipping_lines"] = [{"method_id": "free_shipping"}]
        return [{"code": "FREESHIP"}]
    if roll < 0.27 and body.get("customer_id"):
        return [{"code": "VIP25"}]
    return [{"code": "FLASH50"}]


async def _seed_one(
    ctx: Context,
    tx: Tx,
    rng: random.Random,
    n: int,
    now: datetime,
    pool: list[tuple[int, int, bool]],
    people: list[dict[str, Any]],
) -> int:
    age = timedelta(days=rng.uniform(0, DAYS - 1), minutes=rng.randint(0, 600))
    created = min(now - age, now)
    status = _pick(rng, RECENT if age < timedelta(days=7) else STATUSES)
    body: dict[str, Any] = _buyer(rng, n, people)
    items = rng.sample(pool, k=rng.choice([1, 1, 1, 2, 2, 3]))
    body["line_items"] = [
        {"product_id": p, "variation_id": v, "quantity": 1 if digital else rng.choice([1, 1, 2])}
        for p, v, digital in items
    ]
    body["coupon_lines"] = _coupon_for(rng, body)
    body["payment_method"] = rng.choice(["bacs", "bacs", "cod"])
    body["status"] = "completed" if status == "refunded" else status
    if rng.random() < 0.12:
        body["customer_note"] = rng.choice(CUSTOMER_NOTES)
    order_id = await _create(ctx, tx, body, pool, rng, iso(created) or "")
    if order_id is None:
        return 0
    if status == "refunded":
        later = iso(min(created + timedelta(days=rng.randint(1, 5)), now))
        await orders.update_order_in(ctx, tx, order_id, {"status": "refunded"}, at=later)
    if rng.random() < 0.2:
        await order_sql.insert_note(
            tx, order_id, rng.choice(PRIVATE_NOTES), customer_note=False,
            author=STAFF_NOTE_AUTHOR, added_by=None,
            when=iso(created + timedelta(hours=2)) or "",
        )  # fmt: skip
    elif rng.random() < 0.05:
        await order_sql.insert_note(
            tx, order_id, "سفارش شما ارسال شد. کد رهگیری: 1405" + str(n), customer_note=True,
            author=SYSTEM, added_by=None, when=iso(created + timedelta(days=1)) or "",
        )  # fmt: skip
    return 1


async def _create(
    ctx: Context,
    tx: Tx,
    body: dict[str, Any],
    pool: list[tuple[int, int, bool]],
    rng: random.Random,
    when: str,
) -> int | None:
    """The order; else without its coupon; else a digital item instead (the rest sold out,
    and leaves the pool). Pricing refuses before anything is written: a refusal leaves
    ``tx`` clean."""
    digital = rng.choice([item for item in pool if item[2]])
    attempts = [
        body,
        {**body, "coupon_lines": [], "shipping_lines": []},
        {**body, "coupon_lines": [], "shipping_lines": [],
         "line_items": [{"product_id": digital[0], "variation_id": 0, "quantity": 1}]},
    ]  # fmt: skip
    for attempt in attempts:
        try:
            return await orders.create_order_in(
                ctx, tx, attempt, created_via=DEMO_VIA, created_at=when
            )
        except ServiceError as refused:
            sold_out = (refused.data.get("product_id"), refused.data.get("variation_id", 0))
            pool[:] = [item for item in pool if item[:2] != sold_out]
    return None
