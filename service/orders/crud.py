"""Orders: list, read, create, update, trash/delete, and the coupons of an order.

Orders are priced by the server (orders_totals.compute) from the catalog, the shop
settings and the coupons, inside the transaction that saves them; status changes and
their consequences (stock, coupon uses, notes, licenses) are in order_status.
Pending and on-hold orders are editable: changing their items, coupons, shipping method,
customer or addresses prices them again from the current catalog. Other orders keep the
prices they were placed at.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.audit import log as audit
from service.audit.diff import changes
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import db_int, db_ints, invalid_params
from service.common.wc_errors import already_trashed, invalid_id
from service.orders.input import ORDER_STATUSES, pricing_address, read_order
from service.orders.status import RELEASES_COUPONS, check_transition, enter_status, hold_coupon_uses
from service.orders.totals import ItemRequest, Priced, compute, coupon_error, require_in_stock
from service.orders.view import EDITABLE_STATUSES, address, item_rows, money_columns, render_order
from service.pricing import CustomerRef
from service.settings import shop_settings as store_settings
from service.settings.shipping import rescale as _rescale
from store import coupons as coupon_sql
from store import orders as order_sql
from store import users as user_sql
from store.db import Store, Tx, existing
from store.orders import OrderQuery

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from service.audit.origin import Actor as AuditActor

ORDER_ORDERBY = ("date", "id", "include", "title", "slug", "modified")


@dataclass
class OrderFilters:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    statuses: tuple[str, ...] = ()  # empty: any status but trash
    customer: int | None = None  # 0: guests
    product: int | None = None
    after: datetime | None = None  # inclusive
    before: datetime | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def _not_found() -> ServiceError:
    return invalid_id("woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


def _not_editable(row: Any) -> ServiceError:
    return ServiceError(
        "woocommerce_rest_order_not_editable",
        f"Order #{row['id']} is {row['status']}: its items, coupons and shipping change only "
        "while it is pending or on hold.",
        400,
        data={"status_now": row["status"]},
    )


# -- reads ---------------------------------------------------------------------------------
async def _render(db: Store | Tx, rows: list[Any]) -> list[dict[str, Any]]:
    money = await store_settings.store_money(db)
    items: dict[int, list[Any]] = {row["id"]: [] for row in rows}
    if rows:
        for item in await order_sql.items_of(db, list(items)):
            items[item["order_id"]].append(item)
    return [render_order(row, items[row["id"]], money) for row in rows]


async def list_orders(
    ctx: Context, filters: OrderFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    f = filters or OrderFilters()
    problems = {}
    unknown = [s for s in f.statuses if s not in (*ORDER_STATUSES, "trash")]
    if unknown:
        problems["status"] = f"status is not one of any, {', '.join(ORDER_STATUSES)}, trash."
    if f.orderby not in ORDER_ORDERBY:
        problems["orderby"] = f"orderby is not one of {', '.join(ORDER_ORDERBY)}."
    problems.update(wc_page_problems(f.page, f.per_page))
    if problems:
        raise invalid_params(problems)
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    query = OrderQuery(
        limit=limit,
        offset=offset,
        statuses=f.statuses,
        customer_id=None if f.customer is None else db_int(f.customer),
        product_id=None if f.product is None else db_int(f.product),
        after=iso(f.after),
        before=iso(f.before),
        search=f.search.strip(),
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        orderby=f.orderby,
        order=f.order,
    )
    rows, total = await order_sql.list_orders(ctx.store, query)
    return await _render(ctx.store, rows), total


async def get_order(ctx: Context, order_id: int) -> dict[str, Any]:
    row = await order_sql.by_id(ctx.store, order_id)
    if row is None:
        raise _not_found()
    return (await _render(ctx.store, [row]))[0]


async def order_row(db: Store | Tx, order_id: int) -> Any:
    """The stored order; 404 ``woocommerce_rest_shop_order_invalid_id`` when unknown."""
    row = await order_sql.by_id(db, order_id)
    if row is None:
        raise _not_found()
    return row


async def rescale(tx: Tx, old: int, new: int) -> None:
    """Orders are kept at the store's precision like every price: a change of the
    currency's decimals rescales their amounts (halves up)."""
    items = await order_sql.rescale_money(tx, old, new)
    await order_sql.set_item_taxes(
        tx,
        [
            (json.dumps([[rid, _rescale(s, old, new), _rescale(t, old, new)] for rid, s, t in
                         json.loads(row["taxes"])]), row["id"])
            for row in items
        ],
    )  # fmt: skip


store_settings.DECIMALS_RESCALERS.append(rescale)


# -- pricing inside a write ----------------------------------------------------------------
async def customer_ref(db: Store | Tx, customer_id: int, billing_email: str) -> CustomerRef:
    """Who buys, for coupon rules: the account (400 when unknown) and the billing email."""
    if not customer_id:
        return CustomerRef(billing_email=billing_email or None)
    user = await user_sql.by_id(db, customer_id)
    if user is None:
        raise ServiceError(
            "woocommerce_rest_invalid_customer_id",
            "Customer ID is invalid.",
            400,
            data={"params": {"customer_id": "customer_id is not a user."}},
        )
    return CustomerRef(
        user_id=customer_id, email=user["email"], billing_email=billing_email or None
    )


async def price_order(
    ctx: Context,
    db: Store | Tx,
    items: list[ItemRequest],
    codes: list[str],
    billing: dict[str, str],
    shipping: dict[str, str],
    customer: CustomerRef,
    choice: str | None,
    order_id: int = 0,
) -> Priced:
    """Price an order and refuse what would make it wrong: a rejected coupon, a shipping
    method not offered, items out of stock."""
    priced = await compute(
        ctx, db, items, codes, pricing_address(billing, shipping), customer, choice,
        order_id=order_id,
    )  # fmt: skip
    if priced.rejected:
        raise coupon_error(priced.rejected[0])
    if priced.shipping_unavailable:
        raise invalid_params(
            {"shipping_lines": f"shipping_lines: {choice} is not offered for this address."}
        )
    require_in_stock(priced)
    return priced


def order_addresses(
    row: Any | None, values: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    billing = address(row["billing"] if row else None, BILLING_FIELDS)
    shipping = address(row["shipping"] if row else None, SHIPPING_FIELDS)
    billing.update(values.get("billing", {}))
    shipping.update(values.get("shipping", {}))
    return billing, shipping


async def _payment_title(db: Store | Tx, method: str) -> str:
    gateways = await store_settings.payment_gateways(db)
    return next((g["title"] for g in gateways if g["id"] == method), method)


# -- writes --------------------------------------------------------------------------------
async def create_order(ctx: Context, data: Any) -> dict[str, Any]:
    """A new order (201 in REST), priced and saved in one transaction: stock and coupon
    limits are checked there, so concurrent orders never oversell or overuse."""
    async with ctx.store.transaction() as tx:
        order_id = await create_order_in(ctx, tx, data)
        await record_created(ctx, tx, order_id, "order.create")
    return await get_order(ctx, order_id)


async def create_order_in(
    ctx: Context,
    tx: Tx,
    data: Any,
    *,
    created_via: str = "rest-api",
    created_at: str | None = None,
) -> int:
    """Create an order inside the caller's transaction (checkout: with the cart it
    empties; the demo: many at once); returns its id. ``data`` is the REST body."""
    if isinstance(data, dict) and data.get("id"):
        raise ServiceError("woocommerce_rest_shop_order_exists", "Cannot create existing resource.")
    money = await store_settings.store_money(tx)
    values = read_order(data, currency=money.currency)
    when = created_at or iso(ctx.clock.now())
    status = values.get("status", "pending")
    if values.get("set_paid") and status in ("pending", "on-hold", "failed"):
        status = "processing"
    billing, shipping = order_addresses(None, values)
    email = billing.get("email", "").lower()
    customer_id = values.get("customer_id") or 0
    customer = await customer_ref(tx, customer_id, email)
    choice = values.get("shipping_choice")
    items, codes = values.get("line_items", []), values.get("coupon_codes", [])
    priced = await price_order(ctx, tx, items, codes, billing, shipping, customer, choice)
    method = values.get("payment_method", "")
    title = values.get("payment_method_title") or (
        await _payment_title(tx, method) if method else ""
    )
    order_id = await order_sql.insert_order(
        tx,
        {
            "order_key": "wc_order_" + secrets.token_hex(7)[:13],
            "status": status,
            "created_via": created_via,
            "currency": money.currency,
            "prices_include_tax": int(priced.totals.prices_include_tax),
            "customer_id": customer_id or None,
            "billing": json.dumps(billing, ensure_ascii=False),
            "shipping": json.dumps(shipping, ensure_ascii=False),
            "billing_email": email,
            "payment_method": method,
            "payment_method_title": title,
            "transaction_id": values.get("transaction_id", ""),
            "customer_note": values.get("customer_note", ""),
            "shipping_choice": choice,
            **money_columns(priced.totals),
            "date_created": when,
            "date_modified": when,
        },
    )
    await order_sql.replace_items(tx, order_id, item_rows(priced.totals, priced.coupons))
    row = await order_sql.by_id(tx, order_id)
    items_now = await order_sql.items_of(tx, [order_id])
    await enter_status(ctx, tx, row, items_now, status, when, created=True)
    return order_id


def _target_status(values: dict[str, Any], current: str) -> str:
    status = values.get("status", current)
    if values.get("set_paid") and status in ("pending", "on-hold", "failed"):
        status = "processing"
    return status


async def update_order(
    ctx: Context, order_id: int, data: Any, actor: Actor | None = None
) -> dict[str, Any]:
    """A partial update. Items (``line_items``, the whole new list), ``coupon_lines``
    and ``shipping_lines`` change only while the order is pending or on hold; the status
    follows TRANSITIONS. All of it, or nothing. A status change is recorded as
    ``actor``'s (the console passes its own), else as the system's."""
    async with ctx.store.transaction() as tx:
        await tx.lock("orders", order_id)
        before = await order_state(tx, order_id)
        await update_order_in(ctx, tx, order_id, data, actor=actor)
        after = await order_state(tx, order_id)
        action = "order.update"
        if after["status"] != before["status"]:
            action = "order.refund" if after["status"] == "refunded" else "order.status"
        await record_change(ctx, tx, action, order_id, before, after, actor=actor)
    return await get_order(ctx, order_id)


async def update_order_in(
    ctx: Context,
    tx: Tx,
    order_id: int,
    data: Any,
    *,
    at: str | None = None,
    actor: Actor | None = None,
) -> None:
    """``update_order`` inside the caller's transaction; ``at`` (ISO UTC) dates the
    change instead of the clock (a payment confirmed later, the demo's history)."""
    # The order is taken first: of two processes paying it at once, the second waits
    # and then finds it paid (stock and coupon uses are taken once).
    await tx.lock("orders", order_id)
    row = await order_row(tx, order_id)
    if row["status"] == "trash":
        raise ServiceError(
            "woocommerce_rest_order_trashed",
            f"Order #{row['id']} is in the trash; delete it with force=true.",
            400,
        )
    values = read_order(data, currency=row["currency"])
    target = _target_status(values, row["status"])
    check_transition(row["id"], row["status"], target)
    when = at or iso(ctx.clock.now()) or ""
    await _apply_edits(ctx, tx, row, values, when)
    if target != row["status"]:
        fresh = await order_sql.by_id(tx, row["id"])
        items = await order_sql.items_of(tx, [row["id"]])
        await enter_status(ctx, tx, fresh, items, target, when, actor=actor)


async def _apply_edits(ctx: Context, tx: Tx, row: Any, values: dict[str, Any], when: str) -> None:
    repricing = [k for k in ("line_items", "coupon_codes", "shipping_choice") if k in values]
    editable = row["status"] in EDITABLE_STATUSES
    if repricing and not editable:
        raise _not_editable(row)
    columns: dict[str, Any] = {
        k: values[k]
        for k in ("payment_method", "payment_method_title", "transaction_id", "customer_note")
        if k in values
    }
    if "payment_method" in values and "payment_method_title" not in values:
        columns["payment_method_title"] = await _payment_title(tx, values["payment_method"])
    billing, shipping = order_addresses(row, values)
    if "billing" in values:
        columns["billing"] = json.dumps(billing, ensure_ascii=False)
        columns["billing_email"] = billing.get("email", "").lower()
    if "shipping" in values:
        columns["shipping"] = json.dumps(shipping, ensure_ascii=False)
    if "customer_id" in values:
        await customer_ref(tx, values["customer_id"], "")
        columns["customer_id"] = values["customer_id"] or None
    if "shipping_choice" in values:
        columns["shipping_choice"] = values["shipping_choice"]
    await order_sql.update_order(tx, row["id"], {**columns, "date_modified": when})
    if editable and (repricing or {"billing", "shipping", "customer_id"} & set(values)):
        await _reprice(ctx, tx, row["id"], values, when)


async def _reprice(ctx: Context, tx: Tx, order_id: int, values: dict[str, Any], when: str) -> None:
    row = existing(await order_sql.by_id(tx, order_id), "order")
    stored = await order_sql.items_of(tx, [order_id])
    if "line_items" in values:
        items = values["line_items"]
    else:
        items = [
            ItemRequest(i["product_id"], i["quantity"], i["variation_id"])
            for i in stored
            if i["item_type"] == "line_item"
        ]
    codes = values.get("coupon_codes", [i["name"] for i in stored if i["item_type"] == "coupon"])
    billing, shipping = order_addresses(row, {})
    customer = await customer_ref(tx, row["customer_id"] or 0, row["billing_email"])
    priced = await price_order(
        ctx, tx, items, codes, billing, shipping, customer, row["shipping_choice"], order_id
    )
    await order_sql.replace_items(tx, order_id, item_rows(priced.totals, priced.coupons))
    await order_sql.update_order(
        tx,
        order_id,
        {
            **money_columns(priced.totals),
            "prices_include_tax": int(priced.totals.prices_include_tax),
        },
    )
    if row["status"] not in RELEASES_COUPONS:
        await coupon_sql.release_uses(tx, order_id)
        await hold_coupon_uses(tx, row, await order_sql.items_of(tx, [order_id]), when)


async def delete_order(ctx: Context, order_id: int, force: bool = False) -> dict[str, Any]:
    """Without ``force``: to the trash (410 if there already); with it: gone, returned as
    it was. Neither gives stock back: cancel or refund the order for that."""
    previous = await get_order(ctx, order_id)
    async with ctx.store.transaction() as tx:
        await tx.lock("orders", order_id)
        row = await order_row(tx, order_id)
        summary = {"status": row["status"], "email": row["billing_email"], "total": row["total"]}
        if force:
            await order_sql.delete_order(tx, order_id)
            await audit.record(ctx, tx, "order.delete", "order", order_id, summary=summary)
            return previous
        if row["status"] == "trash":
            raise already_trashed("order")
        await order_sql.update_order(
            tx, order_id, {"status": "trash", "date_modified": iso(ctx.clock.now())}
        )
        await audit.record(ctx, tx, "order.trash", "order", order_id, summary=summary)
    return await get_order(ctx, order_id)


# -- the audit log -------------------------------------------------------------------------
_STATE_COLUMNS = (
    "payment_method", "payment_method_title", "transaction_id", "customer_note",
    "shipping_choice", "total",
)  # fmt: skip


async def order_state(tx: Tx, order_id: int) -> dict[str, Any]:
    """What an audit entry compares before and after a change (money in minor units)."""
    row = await order_row(tx, order_id)
    items = await order_sql.items_of(tx, [order_id])
    return {
        "status": row["status"],
        "customer_id": row["customer_id"] or 0,
        "billing": address(row["billing"], BILLING_FIELDS),
        "shipping": address(row["shipping"], SHIPPING_FIELDS),
        **{key: row[key] for key in _STATE_COLUMNS},
        "line_items": [
            {"product_id": i["product_id"], "variation_id": i["variation_id"], "qty": i["quantity"]}
            for i in items
            if i["item_type"] == "line_item"
        ],
        "coupons": [i["name"] for i in items if i["item_type"] == "coupon"],
    }


async def record_created(
    ctx: Context, tx: Tx, order_id: int, action: str, actor: AuditActor | None = None
) -> None:
    """One entry for a new order: its status, buyer, items, coupons and total."""
    state = await order_state(tx, order_id)
    summary = {
        "status": state["status"],
        "customer_id": state["customer_id"],
        "email": state["billing"].get("email", ""),
        "line_items": state["line_items"],
        "coupons": state["coupons"],
        "total": state["total"],
    }
    await audit.record(ctx, tx, action, "order", order_id, summary=summary, actor=actor)


async def record_change(
    ctx: Context,
    tx: Tx,
    action: str,
    order_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    actor: Actor | None = None,
    **extra: Any,
) -> None:
    """One entry for a change to an order: what differs, ``{field: [old, new]}``."""
    summary = {**extra, **changes(before, after)}
    await audit.record(ctx, tx, action, "order", order_id, summary=summary, actor=actor)
