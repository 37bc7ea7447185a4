"""Licenses follow their order: issued when it is paid, disabled when it is reversed.

Runs as an order-events listener (registered at startup) inside the order's own
transaction, from the
``OrderChange`` alone (it never reads the orders tables). One license per unit of
every licensed line; ``expires_at`` = paid_at + the product's validity days.
Idempotent: each (order, line, unit) is issued once (a unique index backs this),
so a second call for the same order only issues units that are new. A paid order
that was cancelled and is paid again gets its disabled licenses back.

Each license issued is recorded in the audit log (``license.create``, source
``order``), and a disabling or a giving back once per order; by whoever changed the
order's status (``OrderChange.actor``, else the task's origin: the customer checking
out, the token or the person calling the API).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from service.audit import log as audit
from service.common.clock import Clock, iso, parse_iso
from service.licensing.admin import insert_with_key, license_summary
from service.orders import events
from store import catalog as catalog_sql
from store import licenses as sql
from store import users as user_sql

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx


async def on_order_status_changed(ctx: Context, tx: Tx, change: events.OrderChange) -> None:
    if change.became_paid:
        await issue_for_order(ctx, tx, change)
    elif change.was_reversed:
        await disable_for_order(ctx, tx, change)


def _stamp(change: events.OrderChange) -> str:
    # The orders service passes its clock's time; the wall clock is only a fallback.
    return change.now or change.paid_at or iso(Clock().now()) or ""


async def issue_for_order(ctx: Context, tx: Tx, change: events.OrderChange) -> int:
    """Issue the missing licenses of a paid order; returns how many were new."""
    stamp = _stamp(change)
    paid = parse_iso(change.paid_at or stamp)
    assert paid is not None
    restored = await sql.sync_usage_status(
        tx, stamp, order_id=change.order_id, from_statuses=("disabled",)
    )
    if restored:
        await _record_for_order(ctx, tx, "license.enable", change, restored)
    issued = await sql.order_units(tx, change.order_id)
    customer_id = change.customer_id or None
    if customer_id is not None and await user_sql.by_id(tx, customer_id) is None:
        customer_id = None
    new = 0
    for line in change.lines:
        product = await catalog_sql.by_id(tx, line.product_id)
        if product is None or not product["licensing_enabled"]:
            continue
        days = product["license_validity_days"]
        for unit in range(line.quantity):
            if (line.line_item_id, unit) in issued:
                continue
            values = {
                "product_id": line.product_id,
                "variation_id": line.variation_id,
                "order_id": change.order_id,
                "order_line_id": line.line_item_id,
                "order_unit": unit,
                "customer_id": customer_id,
                "billing_email": change.billing_email,
                "status": "inactive",
                "activation_limit": product["license_activation_limit"],
                "expires_at": iso(paid + timedelta(days=days)) if days else None,
                "valid_for_days": days,
                "source": "order",
                "created_by": None,
                "created_at": stamp,
                "updated_at": stamp,
            }
            license_id = await insert_with_key(tx, values)
            summary = {**license_summary(values), "order_id": change.order_id}
            await audit.record(
                ctx,
                tx,
                "license.create",
                "license",
                license_id,
                actor=change.actor,
                summary=summary,
            )
            new += 1
    return new


async def disable_for_order(ctx: Context, tx: Tx, change: events.OrderChange) -> int:
    """Refund, cancellation or failure after payment: the order's licenses stop working
    (their activations are kept, for a later re-payment). Revoked ones stay revoked."""
    disabled = await sql.set_order_status(
        tx, change.order_id, ("active", "inactive"), "disabled", _stamp(change)
    )
    if disabled:
        await _record_for_order(ctx, tx, "license.disable", change, disabled)
    return disabled


async def _record_for_order(
    ctx: Context, tx: Tx, action: str, change: events.OrderChange, count: int
) -> None:
    """One entry for an order's licenses changed together (its target is the order)."""
    summary = {"licenses": count, "order_status": change.new_status}
    await audit.record(
        ctx, tx, action, "order", change.order_id, actor=change.actor, summary=summary
    )


def register() -> None:
    """Follow every order's status from now on (called once at startup)."""
    events.add_listener(on_order_status_changed)
