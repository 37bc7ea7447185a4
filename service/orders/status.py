"""An order's status and what follows from it, inside the transaction that changes it.

- Transitions are checked against TRANSITIONS.
- Stock: taken (and sales counted) when an order becomes paid (processing, completed);
  given back on cancel or refund. Managed stock without backorders never goes below
  zero: the change is refused with a 400 and the transaction rolls back.
- Coupons: an order holds one use of each of its coupons unless it is cancelled or
  failed; limits are re-checked whenever a use is taken.
- A system note records each change; order_hooks listeners (licenses) run last.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from service.catalog.stock import change_stock, record_sale, sellable_item
from service.common.clock import parse_iso
from service.common.errors import ServiceError
from service.common.order_states import PAID_STATUSES
from service.orders import events as order_hooks
from service.orders.events import OrderChange, OrderLine
from service.orders.totals import coupon_error, stock_error
from service.orders.view import STATUS_LABELS
from service.pricing import CouponVerdict
from store import coupons as coupon_sql
from store import orders as order_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from store.db import Tx

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("processing", "on-hold", "completed", "cancelled", "failed"),
    "on-hold": ("pending", "processing", "completed", "cancelled", "failed"),
    "failed": ("pending", "on-hold", "processing", "completed", "cancelled"),
    "processing": ("completed", "cancelled", "refunded"),
    "completed": ("refunded",),
    "cancelled": (),
    "refunded": (),
}
RESTOCK_STATUSES = frozenset({"cancelled", "refunded"})
RELEASES_COUPONS = frozenset({"cancelled", "failed"})
SYSTEM = "system"


def check_transition(order_id: int, old: str, new: str) -> None:
    if new == old:
        return
    allowed = TRANSITIONS.get(old, ())
    if new not in allowed:
        where = ", ".join(allowed) if allowed else "nothing: it is final"
        raise ServiceError(
            "woocommerce_rest_invalid_order_status",
            f'Order #{order_id} cannot change from "{old}" to "{new}" (it can go to {where}).',
            400,
            data={"params": {"status": f"status cannot change from {old} to {new}."},
                  "from": old, "to": new, "allowed": list(allowed)},
        )  # fmt: skip


async def add_system_note(
    tx: Tx, order_id: int, text: str, when: str, actor: Actor | None = None
) -> None:
    """A private note by ``actor`` (who made the change), else by the system."""
    await order_sql.insert_note(
        tx,
        order_id,
        text,
        customer_note=False,
        author=_name(actor),
        added_by=actor.id if actor is not None else None,
        when=when,
    )


async def enter_status(
    ctx: Context,
    tx: Tx,
    order: Any,
    items: list[Any],
    new: str,
    when: str,
    *,
    created: bool = False,
    actor: Actor | None = None,
) -> None:
    """Move ``order`` (its row as it is now, status included) to ``new``, or, with
    ``created``, apply what a new order in status ``new`` entails. The status note names
    ``actor`` when a person (or the console) made the change, else the system."""
    old = None if created else order["status"]
    lines = [i for i in items if i["item_type"] == "line_item"]
    # Rows are taken in one order everywhere (order, cart, coupons, products; ids
    # ascending), so two transactions never wait for each other.
    await lock_coupons(tx, _coupon_ids(items))
    updates: dict[str, Any] = {"status": new, "date_modified": when}
    if new in PAID_STATUSES and not order["stock_reduced"]:
        await _move_stock(tx, order["id"], lines, when, take=True)
        updates["stock_reduced"] = 1
    elif new in RESTOCK_STATUSES and order["stock_reduced"]:
        await _move_stock(tx, order["id"], lines, when, take=False)
        updates["stock_reduced"] = 0
    if new in PAID_STATUSES and not order["date_paid"]:
        updates["date_paid"] = when
    if new == "completed":
        updates["date_completed"] = when
    held_before = old is not None and old not in RELEASES_COUPONS
    if new not in RELEASES_COUPONS and not held_before:
        await hold_coupon_uses(tx, order, items, when)
    elif new in RELEASES_COUPONS and held_before:
        await coupon_sql.release_uses(tx, order["id"])
    await order_sql.update_order(tx, order["id"], updates)
    if old is not None:
        await add_system_note(
            tx,
            order["id"],
            f"Order status changed from {STATUS_LABELS[old]} to {STATUS_LABELS[new]}.",
            when,
            actor,
        )
    paid_at = updates.get("date_paid") or order["date_paid"]
    await order_hooks.order_status_changed(
        ctx,
        tx,
        OrderChange(
            order_id=order["id"],
            customer_id=order["customer_id"] or 0,
            billing_email=order["billing_email"],
            old_status=old,
            new_status=new,
            lines=tuple(
                OrderLine(i["id"], i["product_id"], i["variation_id"], i["quantity"]) for i in lines
            ),
            paid_at=paid_at,
            now=when,
            actor=actor,
        ),
    )


async def _move_stock(tx: Tx, order_id: int, lines: list[Any], when: str, *, take: bool) -> None:
    """Take the lines' units from stock (counting them sold), or give them back. A
    product since deleted or trashed is left alone."""
    now = parse_iso(when)
    assert now is not None
    sign = -1 if take else 1
    changes = []
    await _lock_stock(tx, lines)
    for line in lines:
        product_id, variation_id, quantity = (
            line["product_id"], line["variation_id"], line["quantity"],
        )  # fmt: skip
        try:
            item = await sellable_item(tx, product_id, variation_id, now=now)
        except ServiceError:
            continue
        short = (
            item.manage_stock and item.backorders == "no" and (item.stock_quantity or 0) < quantity
        )
        if take and short:
            raise stock_error(item, quantity)
        left = await change_stock(tx, product_id, variation_id, sign * quantity, now=now)
        await record_sale(tx, product_id, variation_id, -sign * quantity)
        if left is not None:
            changes.append(f"{line['name']} ({left - sign * quantity}→{left})")
    if changes:
        verb = "reduced" if take else "increased"
        await add_system_note(tx, order_id, f"Stock levels {verb}: {', '.join(changes)}", when)


async def _lock_stock(tx: Tx, lines: list[Any]) -> None:
    """Take the rows whose stock the lines draw from (a variation's parent too) before
    reading any quantity: a concurrent order of the same product (another process on
    PostgreSQL) waits until this one commits, then reads the quantity it left, so
    stock that does not allow backorders never goes below zero. In id order, so two
    orders never wait for each other."""
    ids = {line[column] for line in lines for column in ("product_id", "variation_id")}
    for row_id in sorted(i for i in ids if i):
        await tx.lock("products", row_id)


def _coupon_ids(items: list[Any]) -> set[int]:
    lines = [i for i in items if i["item_type"] == "coupon"]
    return {json.loads(line["details"]).get("coupon_id", 0) for line in lines}


async def lock_coupons(tx: Tx, coupon_ids: Iterable[int]) -> None:
    """Take the coupons' rows, in id order, before their uses are counted."""
    for coupon_id in sorted(i for i in coupon_ids if i):
        await tx.lock("coupons", coupon_id)


async def hold_coupon_uses(tx: Tx, order: Any, items: list[Any], when: str) -> None:
    """Take one use of each of the order's coupons, re-checking their usage limits. Each
    coupon's row is taken first (in id order), so concurrent orders (other processes on
    PostgreSQL) count the uses one after another, never the same count twice."""
    coupon_lines = [i for i in items if i["item_type"] == "coupon"]
    user_id = order["customer_id"] or None
    email = order["billing_email"]
    uses = []
    await lock_coupons(tx, _coupon_ids(items))
    for line in coupon_lines:
        coupon_id = json.loads(line["details"]).get("coupon_id", 0)
        coupon = await coupon_sql.by_id(tx, coupon_id) if coupon_id else None
        if coupon is None:
            continue  # deleted since: nothing to count
        total, mine = (
            await coupon_sql.usage(
                tx, [coupon_id], user_id=user_id, email=email, exclude_order_id=order["id"]
            )
        ).get(coupon_id, (0, 0))
        per_user = coupon["usage_limit_per_user"]
        if (coupon["usage_limit"] and total >= coupon["usage_limit"]) or (
            per_user and (user_id or email) and mine >= per_user
        ):
            raise coupon_error(
                CouponVerdict(False, line["name"], 106, "Coupon usage limit has been reached.")
            )
        uses.append((coupon_id, order["id"], user_id, email, when))
    await coupon_sql.add_uses(tx, uses)


def _name(actor: Actor | None) -> str:
    """A note's author: the actor's name (their email if they have none), else the system."""
    return (actor.display_name or actor.email or SYSTEM) if actor is not None else SYSTEM
