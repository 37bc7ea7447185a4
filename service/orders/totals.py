"""The one way to put a price on items: catalog + coupon codes + address + shop settings ->
the pricing engine's Totals. Orders, previews, coupon validation, shipping quotes and the
cart all call :func:`compute`; a client never supplies a total.

``compute`` reads only (through ``db``: the store, or the open transaction of a write
that must see its own changes and hold the writer lock, as order creation does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from service.catalog.stock import SellableItem, sellable_item
from service.common.errors import ServiceError
from service.orders import coupons as coupon_service
from service.pricing import (
    ANONYMOUS,
    Address,
    Coupon,
    CouponVerdict,
    CustomerRef,
    LineInput,
    StoreMoney,
    Totals,
    compute_totals,
    normalise_code,
    validate_coupon,
)
from service.settings import shop_settings as store_settings
from store import coupons as coupon_sql
from store.db import Store, Tx

if TYPE_CHECKING:
    from datetime import datetime

    from service.app.context import Context


@dataclass(frozen=True)
class ItemRequest:
    """A line as a client asks for it: the catalog says what it is and costs."""

    product_id: int
    quantity: int
    variation_id: int = 0


@dataclass(frozen=True)
class Priced:
    items: tuple[SellableItem, ...]  # same order as the requests
    quantities: tuple[int, ...]
    coupons: tuple[Coupon, ...]  # the coupons applied
    verdicts: tuple[CouponVerdict, ...]  # one per distinct code asked for, in order
    totals: Totals
    store: StoreMoney
    requested_rate: str | None = None

    @property
    def rejected(self) -> tuple[CouponVerdict, ...]:
        return tuple(v for v in self.verdicts if not v.valid)

    @property
    def shipping_unavailable(self) -> bool:
        """A rate was asked for and this address and order do not get it."""
        chosen = self.totals.chosen_shipping_rate_id or ""
        wanted = self.requested_rate
        return bool(wanted) and chosen != wanted and chosen.split(":")[0] != wanted


def coupon_error(verdict: CouponVerdict) -> ServiceError:
    """WC_Discounts::is_coupon_valid's error: ``invalid_coupon`` with the core message;
    ``data.coupon_error_code`` is WC_Coupon's number (105: does not exist, ...)."""
    return ServiceError(
        "invalid_coupon",
        verdict.message,
        400,
        data={"coupon_code": verdict.code, "coupon_error_code": verdict.error_code},
    )


def stock_error(item: SellableItem, wanted: int) -> ServiceError:
    if not item.manage_stock or (item.stock_quantity or 0) <= 0:
        return ServiceError(
            "woocommerce_rest_product_out_of_stock",
            f'"{item.name}" is out of stock and cannot be purchased.',
            400,
            data={"product_id": item.product_id, "variation_id": item.variation_id},
        )
    remaining = max(0, item.stock_quantity or 0)
    return ServiceError(
        "woocommerce_rest_product_partially_out_of_stock",
        f'Not enough units of "{item.name}" are available in stock to fulfil this order '
        f"({wanted} wanted, {remaining} remaining).",
        400,
        data={
            "product_id": item.product_id,
            "variation_id": item.variation_id,
            "remaining": remaining,
        },
    )


def require_in_stock(priced: Priced) -> None:
    """400 when an item cannot be bought in the quantity asked (lines of the same item
    add up). A check, not a reservation: stock is taken when an order is paid."""
    wanted: dict[tuple[int, int], int] = {}
    for item, quantity in zip(priced.items, priced.quantities, strict=True):
        key = (item.product_id, item.variation_id)
        wanted[key] = wanted.get(key, 0) + quantity
    for item in priced.items:
        quantity = wanted[(item.product_id, item.variation_id)]
        if not item.can_buy(quantity):
            raise stock_error(item, quantity)


async def compute(
    ctx: Context,
    db: Store | Tx,
    items: Sequence[ItemRequest],
    coupon_codes: Sequence[str] = (),
    address: Address | None = None,
    customer: CustomerRef | None = None,
    chosen_rate: str | None = None,
    *,
    order_id: int = 0,
    defer_email_check: bool = False,
) -> Priced:
    """Price ``items`` with ``coupon_codes`` (applied in the order given, as a cart applies
    them) for ``customer`` at ``address`` (shipping zone and tax location).

    Unknown products, variations and unpurchasable items are 400s. Coupons are validated
    in WooCommerce's order and never raise: a rejected code is left out of the totals and
    its verdict is in ``rejected`` (``coupon_error`` makes it an error). ``chosen_rate`` is
    a rate id ("flat_rate:3") or a method id ("flat_rate"); without one, or when it is not
    offered, the first rate offered is used (see ``Priced.shipping_unavailable``).
    ``order_id``: the order being repriced, whose own coupon uses do not count against
    usage limits. ``defer_email_check``: a cart before checkout, when no email is known.
    """
    now = ctx.clock.now()
    store = await store_settings.store_money(db)
    tax = await store_settings.tax_settings(db)
    zones = await store_settings.shipping_zones(db)
    sellables = [await _sellable(db, request, i, now) for i, request in enumerate(items)]
    lines = [s.line_input(r.quantity) for s, r in zip(sellables, items, strict=True)]
    applied, verdicts = await _apply_coupons(
        db, coupon_codes, lines, customer or ANONYMOUS, now, store, order_id, defer_email_check
    )
    exact_rate = chosen_rate if chosen_rate and ":" in chosen_rate else None
    totals = compute_totals(lines, applied, address, tax, zones, exact_rate, store)
    if chosen_rate and not exact_rate:
        by_method = next((r.id for r in totals.shipping_rates if r.method_id == chosen_rate), None)
        if by_method and by_method != totals.chosen_shipping_rate_id:
            totals = compute_totals(lines, applied, address, tax, zones, by_method, store)
    return Priced(
        items=tuple(sellables),
        quantities=tuple(r.quantity for r in items),
        coupons=tuple(applied),
        verdicts=tuple(verdicts),
        totals=totals,
        store=store,
        requested_rate=chosen_rate or None,
    )


async def _sellable(
    db: Store | Tx, request: ItemRequest, index: int, now: datetime
) -> SellableItem:
    where = {"line_item": index, "product_id": request.product_id}
    try:
        item = await sellable_item(db, request.product_id, request.variation_id, now=now)
    except ServiceError as err:
        if err.status != 404:
            raise
        message = f"Product ID {request.product_id} provided is invalid."
        if request.variation_id:
            message = (
                f"Variation ID {request.variation_id} of product {request.product_id} "
                "provided is invalid."
            )
        raise ServiceError(
            "woocommerce_rest_invalid_product_id", message, 400, data=where
        ) from None
    if not item.purchasable:
        reason = "choose one of its variations" if item.price is not None else "it has no price"
        if item.status != "publish":
            reason = f"it is {item.status}"
        raise ServiceError(
            "woocommerce_rest_product_not_purchasable",
            f'"{item.name}" cannot be purchased: {reason}.',
            400,
            data=where,
        )
    return item


async def _apply_coupons(
    db: Store | Tx,
    codes: Sequence[str],
    lines: list[LineInput],
    customer: CustomerRef,
    now: datetime,
    store: StoreMoney,
    order_id: int,
    defer_email_check: bool,
) -> tuple[list[Coupon], list[CouponVerdict]]:
    wanted = list(dict.fromkeys(c for c in codes if normalise_code(c)))
    blank = [c for c in codes if not normalise_code(c)]
    rows = await coupon_service.find_by_codes(db, wanted)
    guest_email = customer.billing_email or customer.email or ""
    counts = await coupon_sql.usage(
        db,
        [row["id"] for row in rows.values()],
        user_id=customer.user_id or None,
        email=guest_email.strip().lower(),
        exclude_order_id=order_id,
    )
    models = {key: coupon_service.to_pricing(row) for key, row in rows.items()}
    excluded = {c for m in models.values() for c in m.excluded_product_categories}
    names = await coupon_sql.category_names(db, excluded) if excluded else {}
    applied: list[Coupon] = []
    verdicts: list[CouponVerdict] = []
    for code in [*blank[:1], *wanted]:
        coupon = models.get(normalise_code(code))
        who = customer
        if coupon is not None:
            total, mine = counts.get(coupon.id, (0, 0))
            coupon = replace(coupon, usage_count=total)
            who = replace(customer, usage_by_this_customer=mine)
        verdict = validate_coupon(
            coupon,
            code,
            lines,
            who,
            now,
            applied,
            store=store,
            category_names=names,
            defer_email_check=defer_email_check,
        )
        verdicts.append(verdict)
        if verdict.valid and coupon is not None:
            applied = [c for c in applied if normalise_code(c.code) not in verdict.removes]
            applied.append(coupon)
    return applied, verdicts
