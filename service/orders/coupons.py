"""Coupons: list, read, create, update, trash/delete, in WooCommerce REST v3's shape, and
the pricing engine's view of them (``to_pricing``).

Codes are trimmed and compared case-insensitively; a code is unique outside the trash
and cannot change after creation. ``usage_count`` and ``used_by`` are read from the
coupon's uses (one per order that holds it, see order_status).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.catalog.rules import wc_date
from service.common.clock import iso, parse_iso
from service.common.errors import ServiceError
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import MISSING, Payload, db_ints, invalid_params, present
from service.common.wc_errors import already_trashed, invalid_id
from service.pricing import Coupon, format_amount, normalise_code, parse_amount
from service.pricing.errors import PricingError
from service.pricing.model import DISCOUNT_TYPES
from service.settings import shop_settings as store_settings
from store import coupons as coupon_sql
from store.coupons import CouponQuery
from store.db import Conflict, Store, Tx

if TYPE_CHECKING:
    from service.app.context import Context

COUPON_ORDERBY = ("date", "id", "include", "title", "code", "modified")
PERCENT_DECIMALS = 2  # a percent amount is kept in hundredths, as WooCommerce prints it
ID_LISTS = (
    "product_ids", "excluded_product_ids", "product_categories", "excluded_product_categories",
)  # fmt: skip


@dataclass
class CouponFilters:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    code: str = ""
    discount_type: str | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def _not_found() -> ServiceError:
    return invalid_id("woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")


def _code_exists() -> ServiceError:
    return ServiceError(
        "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400
    )


# -- the pricing engine's view -------------------------------------------------------------
def to_pricing(row: Any) -> Coupon:
    """A stored coupon as the pricing engine's Coupon."""
    percent = row["discount_type"] == "percent"
    return Coupon(
        id=row["id"],
        code=row["code"],
        discount_type=row["discount_type"],
        amount=Decimal(row["amount"]) / 100 if percent else row["amount"],
        description=row["description"],
        date_expires=parse_iso(row["date_expires"]),
        usage_count=row["usage_count"],
        usage_limit=row["usage_limit"],
        usage_limit_per_user=row["usage_limit_per_user"],
        individual_use=bool(row["individual_use"]),
        product_ids=tuple(json.loads(row["product_ids"])),
        excluded_product_ids=tuple(json.loads(row["excluded_product_ids"])),
        product_categories=tuple(json.loads(row["product_categories"])),
        excluded_product_categories=tuple(json.loads(row["excluded_product_categories"])),
        exclude_sale_items=bool(row["exclude_sale_items"]),
        minimum_amount=row["minimum_amount"],
        maximum_amount=row["maximum_amount"],
        free_shipping=bool(row["free_shipping"]),
        email_restrictions=tuple(json.loads(row["email_restrictions"])),
        limit_usage_to_x_items=row["limit_usage_to_x_items"],
    )


async def rescale(tx: Tx, old: int, new: int) -> None:
    await coupon_sql.rescale_money(tx, old, new)


store_settings.DECIMALS_RESCALERS.append(rescale)


# -- reads ---------------------------------------------------------------------------------
def _amount_text(row: Any, decimals: int) -> str:
    dp = PERCENT_DECIMALS if row["discount_type"] == "percent" else decimals
    return format_amount(row["amount"], dp)


def _coupon_dict(row: Any, used_by: list[str], decimals: int) -> dict[str, Any]:
    created = wc_date(row["created_at"])
    modified = wc_date(row["modified_at"])
    expires = wc_date(row["date_expires"])
    return {
        "id": row["id"],
        "code": row["code"],
        "amount": _amount_text(row, decimals),
        "status": row["status"],
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "discount_type": row["discount_type"],
        "description": row["description"],
        "date_expires": expires,
        "date_expires_gmt": expires,
        "usage_count": row["usage_count"],
        "individual_use": bool(row["individual_use"]),
        "product_ids": json.loads(row["product_ids"]),
        "excluded_product_ids": json.loads(row["excluded_product_ids"]),
        "usage_limit": row["usage_limit"],
        "usage_limit_per_user": row["usage_limit_per_user"],
        "limit_usage_to_x_items": row["limit_usage_to_x_items"],
        "free_shipping": bool(row["free_shipping"]),
        "product_categories": json.loads(row["product_categories"]),
        "excluded_product_categories": json.loads(row["excluded_product_categories"]),
        "exclude_sale_items": bool(row["exclude_sale_items"]),
        "minimum_amount": format_amount(row["minimum_amount"] or 0, decimals),
        "maximum_amount": format_amount(row["maximum_amount"] or 0, decimals),
        "email_restrictions": json.loads(row["email_restrictions"]),
        "used_by": used_by,
        "meta_data": [],
    }


async def _render(db: Store | Tx, rows: list[Any]) -> list[dict[str, Any]]:
    decimals = await store_settings.decimals(db)
    users: dict[int, list[str]] = {row["id"]: [] for row in rows}
    if rows:
        for use in await coupon_sql.used_by(db, list(users)):
            users[use["coupon_id"]].append(str(use["user_id"]) if use["user_id"] else use["email"])
    return [_coupon_dict(row, users[row["id"]], decimals) for row in rows]


async def list_coupons(
    ctx: Context, filters: CouponFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    f = filters or CouponFilters()
    problems = {}
    if f.orderby not in COUPON_ORDERBY:
        problems["orderby"] = f"orderby is not one of {', '.join(COUPON_ORDERBY)}."
    if f.discount_type not in (None, *DISCOUNT_TYPES):
        problems["discount_type"] = f"discount_type is not one of {', '.join(DISCOUNT_TYPES)}."
    problems.update(wc_page_problems(f.page, f.per_page))
    if problems:
        raise invalid_params(problems)
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    query = CouponQuery(
        limit=limit,
        offset=offset,
        search=f.search.strip(),
        code_key=normalise_code(f.code),
        discount_type=f.discount_type,
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        orderby=f.orderby,
        order=f.order,
    )
    rows, total = await coupon_sql.list_coupons(ctx.store, query)
    return await _render(ctx.store, rows), total


async def get_coupon(ctx: Context, coupon_id: int) -> dict[str, Any]:
    row = await coupon_sql.by_id(ctx.store, coupon_id)
    if row is None:
        raise _not_found()
    return (await _render(ctx.store, [row]))[0]


# -- writes --------------------------------------------------------------------------------
def _amount(p: Payload, key: str, decimals: int, *, percent: bool) -> Any:
    value = p.raw(key)
    if value is MISSING:
        return MISSING
    try:
        minor = parse_amount(value, PERCENT_DECIMALS if percent else decimals, field=key)
    except PricingError as exc:
        return p.fail(key, f"{key}: {exc.message}")
    except ArithmeticError:
        return p.fail(key, f"{key} is too large.")
    if percent and minor > 100 * 10**PERCENT_DECIMALS:
        return p.fail(key, "A percent discount cannot be more than 100.")
    if not percent and minor > 10**15:
        return p.fail(key, f"{key} is too large.")
    return minor


def _ids(p: Payload, key: str) -> Any:
    value = p.raw(key)
    if value is MISSING:
        return MISSING
    if value in (None, ""):
        return "[]"
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    ok = isinstance(value, list) and all(
        (isinstance(v, int) and not isinstance(v, bool) and v >= 0)
        or (isinstance(v, str) and v.isascii() and v.isdigit())
        for v in value
    )
    if not ok:
        return p.fail(key, f"{key} must be a list of ids.")
    return json.dumps(list(dict.fromkeys(db_ints([int(v) for v in value]))))


def _emails(p: Payload) -> Any:
    found = p.strings("email_restrictions", max_length=254)
    if found is MISSING:
        return MISSING
    bad = [e for e in found if ("@" not in e and "*" not in e) or " " in e]
    if bad:
        return p.fail("email_restrictions", f"email_restrictions: {bad[0]} is not an email.")
    return json.dumps(list(dict.fromkeys(e.lower() for e in found)))


def _limit(p: Payload, key: str) -> Any:
    value = p.integer(key, minimum=0, nullable=True)
    return None if value == 0 else value


def _read(data: Any, decimals: int, current: Any | None) -> dict[str, Any]:
    """The columns ``data`` sets (all of them for a new coupon)."""
    p = Payload(data)
    creating = current is None
    discount_type = p.choice("discount_type", DISCOUNT_TYPES)
    kind = discount_type or (current["discount_type"] if current else "fixed_cart")
    code = p.text("code", max_length=200, required=creating)
    expires = p.date("date_expires_gmt") if p.has("date_expires_gmt") else p.date("date_expires")
    values = {
        "code": code,
        "discount_type": discount_type,
        "amount": _amount(p, "amount", decimals, percent=kind == "percent"),
        "description": p.text("description", max_length=10000),
        "date_expires": MISSING if expires is MISSING else iso(expires),
        "usage_limit": _limit(p, "usage_limit"),
        "usage_limit_per_user": _limit(p, "usage_limit_per_user"),
        "limit_usage_to_x_items": _limit(p, "limit_usage_to_x_items"),
        "individual_use": p.boolean("individual_use"),
        "exclude_sale_items": p.boolean("exclude_sale_items"),
        "free_shipping": p.boolean("free_shipping"),
        "minimum_amount": p.money("minimum_amount", decimals),
        "maximum_amount": p.money("maximum_amount", decimals),
        "email_restrictions": _emails(p),
        **{key: _ids(p, key) for key in ID_LISTS},
    }
    for key in ("minimum_amount", "maximum_amount"):
        if values[key] == 0:
            values[key] = None
    if current is None:
        for key in ("amount", "discount_type"):
            if not p.has(key):
                p.fail(key, f"{key} is required.")
    elif code is not MISSING and normalise_code(code) != current["code_key"]:
        p.fail("code", "The coupon code cannot be changed after it is created.")
    elif discount_type and discount_type != current["discount_type"] and not p.has("amount"):
        values["amount"] = _reinterpreted_amount(current, kind, decimals)
    p.check()
    out = present(values)
    if creating:
        out["code_key"] = normalise_code(out["code"])
        if not out["code_key"]:
            raise invalid_params({"code": "code must not be empty."})
    else:
        out.pop("code", None)
    return out


def _reinterpreted_amount(current: Any, kind: str, decimals: int) -> int:
    """A new discount type keeps the amount as written ("10.00" percent -> 10.00 fixed)."""
    text = _amount_text(current, decimals)
    return parse_amount(text, PERCENT_DECIMALS if kind == "percent" else decimals)


async def create_coupon(ctx: Context, data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and data.get("id"):
        raise ServiceError(
            "woocommerce_rest_shop_coupon_exists", "Cannot create existing resource."
        )
    decimals = await store_settings.decimals(ctx)
    values = _read(data, decimals, None)
    when = iso(ctx.clock.now())
    try:
        async with ctx.store.transaction() as tx:
            if await coupon_sql.code_owner(tx, values["code_key"]) is not None:
                raise _code_exists()
            coupon_id = await coupon_sql.insert(
                tx, {**values, "created_at": when, "modified_at": when}
            )
            summary = {k: v for k, v in values.items() if k != "code_key"}
            await audit.record(ctx, tx, "coupon.create", "coupon", coupon_id, summary=summary)
    except Conflict:
        raise _code_exists() from None
    return await get_coupon(ctx, coupon_id)


async def update_coupon(ctx: Context, coupon_id: int, data: Any) -> dict[str, Any]:
    """A partial update; the code cannot change (400), the other fields can."""
    decimals = await store_settings.decimals(ctx)
    async with ctx.store.transaction() as tx:
        current = await coupon_sql.by_id(tx, coupon_id)
        if current is None:
            raise _not_found()
        values = _read(data, decimals, current)
        if values:
            await coupon_sql.update(tx, coupon_id, {**values, "modified_at": iso(ctx.clock.now())})
        summary = {"code": current["code"]}
        summary.update({k: [current[k], v] for k, v in values.items() if current[k] != v})
        await audit.record(ctx, tx, "coupon.update", "coupon", coupon_id, summary=summary)
    return await get_coupon(ctx, coupon_id)


async def delete_coupon(ctx: Context, coupon_id: int, force: bool = False) -> dict[str, Any]:
    """Without ``force``: to the trash (410 if it is there already); with it: gone, and the
    coupon is returned as it was. Orders keep the code they were placed with."""
    previous = await get_coupon(ctx, coupon_id)
    async with ctx.store.transaction() as tx:
        row = await coupon_sql.by_id(tx, coupon_id)
        if row is None:
            raise _not_found()
        summary = {"code": row["code"], "status": row["status"]}
        if force:
            await coupon_sql.delete(tx, coupon_id)
            await audit.record(ctx, tx, "coupon.delete", "coupon", coupon_id, summary=summary)
            return previous
        if row["status"] == "trash":
            raise already_trashed("coupon")
        await coupon_sql.update(
            tx, coupon_id, {"status": "trash", "modified_at": iso(ctx.clock.now())}
        )
        await audit.record(ctx, tx, "coupon.trash", "coupon", coupon_id, summary=summary)
    return await get_coupon(ctx, coupon_id)


async def find_by_codes(db: Store | Tx, codes: list[str]) -> dict[str, Any]:
    """Stored coupons (outside the trash) by normalised code."""
    keys = [normalise_code(c) for c in codes if normalise_code(c)]
    if not keys:
        return {}
    return {row["code_key"]: row for row in await coupon_sql.by_code_keys(db, keys)}
