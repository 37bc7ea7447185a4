"""Open carts for support work (the console): who, what, how old."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from service.common.clock import parse_iso
from service.common.errors import not_found
from service.storefront.cart_view import load_state, render
from store import carts as cart_sql

if TYPE_CHECKING:
    from service.app.context import Context


def age_text(since: str | None, now: datetime) -> str:
    """ "5m", "3h", "2d": how long ago a cart was last touched."""
    moment = parse_iso(since)
    if moment is None:
        return ""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


async def list_open_carts(
    ctx: Context, search: str = "", limit: int = 100
) -> tuple[list[dict[str, Any]], int]:
    """Carts with items, most recently touched first; ``search`` matches the customer's
    email or name, or a cart id."""
    rows, total = await cart_sql.open_carts(ctx.store, search.strip(), limit)
    now = ctx.clock.now()
    return [
        {
            "id": row["id"],
            "customer_id": row["customer_id"] or 0,
            "customer": row["email"] or "anonymous",
            "customer_name": row["display_name"] or "",
            "lines": row["lines"],
            "quantity": row["quantity"] or 0,
            "coupons": row["coupons"] or "",
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "age": age_text(row["updated_at"], now),
        }
        for row in rows
    ], total


async def cart_detail(ctx: Context, cart_id: int) -> dict[str, Any]:
    """One cart as the storefront sees it (items, coupons, totals) plus its owner."""
    row = await cart_sql.by_id(ctx.store, cart_id)
    if row is None:
        raise not_found("cart_not_found", "No such cart.")
    state = await load_state(ctx.store, row["id"], row["customer_id"])
    return {
        "id": row["id"],
        "customer_id": row["customer_id"] or 0,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "age": age_text(row["updated_at"], ctx.clock.now()),
        "cart": await render(ctx, state),
    }
