"""Order notes: private notes for the shop, customer notes for the customer, and the
system's own (status changes, stock), newest first as WooCommerce lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.common.clock import iso
from service.common.validation import Payload
from service.orders.crud import order_row
from service.orders.status import SYSTEM
from service.orders.view import render_note
from store import orders as order_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context


async def list_notes(ctx: Context, order_id: int) -> list[dict[str, Any]]:
    await order_row(ctx.store, order_id)
    return [render_note(row) for row in await order_sql.notes_of(ctx.store, order_id)]


async def add_note(
    ctx: Context, order_id: int, data: Any, actor: Actor | None = None
) -> dict[str, Any]:
    """``note`` (required), ``customer_note`` (default false). The note is the actor's
    unless ``added_by_user`` is false (or there is no actor): then it is the system's."""
    p = Payload(data)
    note = p.text("note", max_length=10000, required=True)
    customer_note = p.boolean("customer_note")
    by_user = p.boolean("added_by_user")
    p.check()
    author = actor if by_user is not False else None
    async with ctx.store.transaction() as tx:
        await order_row(tx, order_id)
        note_id = await order_sql.insert_note(
            tx,
            order_id,
            str(note),
            customer_note=customer_note is True,
            author=_name(author),
            added_by=author.id if author is not None else None,
            when=iso(ctx.clock.now()) or "",
        )
        summary = {"note_id": note_id, "customer_note": customer_note is True, "note": str(note)}
        await audit.record(ctx, tx, "order.note", "order", order_id, summary=summary, actor=actor)
    row = await order_sql.note_by_id(ctx.store, note_id)
    return render_note(row)


def _name(actor: Actor | None) -> str:
    """A note's author: the actor's name (their email if they have none), else the system."""
    return (actor.display_name or actor.email or SYSTEM) if actor is not None else SYSTEM
