"""The coupons of an order: listed, applied and removed while it is pending or on hold;
each change prices the order again (orders.update_order_in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.common.errors import ServiceError
from service.orders.crud import get_order, order_row, order_state, record_change, update_order_in
from service.orders.totals import coupon_error
from service.pricing import CouponVerdict, normalise_code
from store import orders as order_sql

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx


async def order_coupons(ctx: Context, order_id: int) -> list[dict[str, Any]]:
    return (await get_order(ctx, order_id))["coupon_lines"]


async def _codes(tx: Tx, order_id: int) -> list[str]:
    await tx.lock("orders", order_id)  # read, then rewritten by update_order_in
    await order_row(tx, order_id)
    items = await order_sql.items_of(tx, [order_id])
    return [i["name"] for i in items if i["item_type"] == "coupon"]


def _lines(codes: list[str]) -> dict[str, Any]:
    return {"coupon_lines": [{"code": c} for c in codes]}


async def apply_coupon(ctx: Context, order_id: int, code: str) -> dict[str, Any]:
    """Add ``code`` to a pending or on-hold order and price it again."""
    wanted = normalise_code(code or "")
    if not wanted:
        raise coupon_error(CouponVerdict(False, "", 111, "Please enter a coupon code."))
    async with ctx.store.transaction() as tx:
        codes = await _codes(tx, order_id)
        if wanted in (normalise_code(c) for c in codes):
            message = f'Coupon code "{wanted}" has already been applied.'
            raise coupon_error(CouponVerdict(False, wanted, 103, message))
        before = await order_state(tx, order_id)
        await update_order_in(ctx, tx, order_id, _lines([*codes, code]))
        after = await order_state(tx, order_id)
        await record_change(ctx, tx, "order.coupon_add", order_id, before, after, code=wanted)
    return await get_order(ctx, order_id)


async def remove_coupon(ctx: Context, order_id: int, code: str) -> dict[str, Any]:
    """Take ``code`` off a pending or on-hold order (404 when it is not on it)."""
    async with ctx.store.transaction() as tx:
        codes = await _codes(tx, order_id)
        kept = [c for c in codes if normalise_code(c) != normalise_code(code)]
        if len(kept) == len(codes):
            raise ServiceError(
                "woocommerce_rest_order_coupon_invalid_code",
                f'Coupon "{code}" is not applied to order #{order_id}.',
                404,
            )
        before = await order_state(tx, order_id)
        await update_order_in(ctx, tx, order_id, _lines(kept))
        after = await order_state(tx, order_id)
        await record_change(ctx, tx, "order.coupon_remove", order_id, before, after, code=code)
    return await get_order(ctx, order_id)
