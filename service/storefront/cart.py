"""Storefront carts: one per Cart-Token session, one per logged-in customer.

A request's cart is found by :func:`open_session`:
- logged in: the customer's own cart. An anonymous cart the request's token names is
  merged into it (quantities of the same line add up), as WooCommerce does on login;
  a token naming another customer's cart is ignored.
- anonymous: the cart the token names, unless that cart belongs to a customer (then a
  new one: a token never opens someone else's cart).
- no token: a new session. A tampered or expired token: a new session too, and the
  request is answered with a 403 that says so (see ``rejected``).

A cart row is written only when something is put in it; every change is one
read-modify-write transaction, so concurrent requests on one cart lose nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.catalog.stock import sellable_item
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.validation import MISSING, Payload, db_int, present
from service.pricing import normalise_code
from service.storefront import cart_session as cart_tokens
from service.storefront.cart_items import (
    check_limits,
    check_new_quantity,
    maximum,
    requested_attributes,
    resolve,
)
from service.storefront.cart_view import CartState, load_state, price_cart, render
from store import carts as cart_sql
from store.db import Tx

if TYPE_CHECKING:
    from service.accounts.users import User
    from service.app.context import Context


# A cart's row is touched at most this often by requests that only read it; anonymous
# carts untouched for the token lifetime plus this are unreachable and purged.
KEEP_ALIVE = timedelta(hours=1)


@dataclass
class CartSession:
    session_key: str
    customer_id: int | None
    cart_id: int | None
    token_state: str  # missing | valid | invalid | expired
    touched_at: str | None = None  # the row's updated_at when the request began

    @property
    def rejected(self) -> bool:
        return self.token_state in ("invalid", "expired")


def token_rejected(session: CartSession, token: str, cart: dict[str, Any]) -> ServiceError:
    """The answer to a request whose Cart-Token was tampered with or has expired: what
    happened, the new empty cart, and (in the header) the token to continue with."""
    why = "has expired" if session.token_state == "expired" else "is not valid"
    return ServiceError(
        "woocommerce_rest_cart_token_invalid",
        f"The Cart-Token {why}; a new cart was started. Send the Cart-Token of this response.",
        403,
        data={"reason": session.token_state, "cart": cart},
        headers={cart_tokens.HEADER: token},
    )


async def open_session(ctx: Context, token: str | None, user: User | None) -> CartSession:
    check = await cart_tokens.check(ctx, token)
    row = None
    if check.state == "valid" and check.session_key:
        row = await cart_sql.by_session(ctx.store, check.session_key)
    if user is not None:
        return await _customer_session(ctx, user.id, row, check.state)
    if row is not None and row["customer_id"] is None:
        return CartSession(row["session_key"], None, row["id"], check.state, row["updated_at"])
    if check.state == "valid" and row is None and check.session_key:
        # Issued before anything was put in the cart: the row is created on first write.
        return CartSession(check.session_key, None, None, check.state)
    return CartSession(cart_tokens.new_session_key(), None, None, check.state)


async def _customer_session(ctx: Context, user_id: int, token_row: Any, state: str) -> CartSession:
    if token_row is not None and token_row["customer_id"] is None:
        async with ctx.store.transaction() as tx:
            own = await _claim_guest_cart(tx, user_id, token_row["id"], _now(ctx))
    else:
        own = await cart_sql.by_customer(ctx.store, user_id)
    if own is not None:
        return CartSession(own["session_key"], user_id, own["id"], state, own["updated_at"])
    return CartSession(cart_tokens.new_session_key(), user_id, None, state)


async def _claim_guest_cart(tx: Tx, user_id: int, guest_id: int, when: str) -> Any:
    """The customer's cart after taking the guest cart, if it is still nobody's.

    Read again inside the transaction: of two customers sending one guest token at
    once, the first takes the cart and the second finds it taken (on PostgreSQL the
    second waits for the cart's row, so two processes never both take it)."""
    await tx.lock("carts", guest_id)
    guest = await cart_sql.by_id(tx, guest_id)
    own = await cart_sql.by_customer(tx, user_id)
    if guest is None or guest["customer_id"] is not None:
        return own
    if own is None:  # the guest cart becomes the customer's
        await cart_sql.update(tx, guest_id, when, customer_id=user_id)
        return await cart_sql.by_id(tx, guest_id)
    await _merge(tx, guest_id, own["id"], when)
    return await cart_sql.by_id(tx, own["id"])


async def _merge(tx: Tx, source_id: int, target_id: int, when: str) -> None:
    existing = {row["item_key"]: row for row in await cart_sql.items(tx, target_id)}
    for line in await cart_sql.items(tx, source_id):
        mine = existing.get(line["item_key"])
        quantity = line["quantity"] + (mine["quantity"] if mine else 0)
        await cart_sql.put_item(
            tx,
            target_id,
            line["item_key"],
            line["product_id"],
            line["variation_id"],
            line["variation"],
            quantity,
            line["added_at"],
        )
    for code in await cart_sql.coupon_codes(tx, source_id):
        await cart_sql.add_coupon(tx, target_id, code, when)
    await cart_sql.delete(tx, source_id)
    await cart_sql.update(tx, target_id, when)


def _now(ctx: Context) -> str:
    return iso(ctx.clock.now()) or ""


async def _write_cart(tx: Tx, ctx: Context, session: CartSession) -> int:
    """The session's cart row, created on the first write."""
    if session.customer_id:
        row = await cart_sql.by_customer(tx, session.customer_id)
    else:
        row = await cart_sql.by_session(tx, session.session_key)
        if row is not None and row["customer_id"] is not None:
            row, session.session_key = None, cart_tokens.new_session_key()
    when = _now(ctx)
    session.touched_at = when
    if row is not None:
        await cart_sql.update(tx, row["id"], when)
        session.cart_id = row["id"]
        return row["id"]
    cutoff = iso(ctx.clock.now() - cart_tokens.TTL - KEEP_ALIVE) or ""
    await cart_sql.purge_anonymous_before(tx, cutoff)
    cart_id = await cart_sql.insert_unless_taken(tx, session.session_key, session.customer_id, when)
    if cart_id is None:  # a concurrent request (another process) created it first
        return await _write_cart(tx, ctx, session)
    session.cart_id = cart_id
    return cart_id


async def keep_alive(ctx: Context, session: CartSession) -> None:
    """A request is about to be answered with a fresh token: make sure the cart row
    outlives it (a write at most once an hour per cart, not one per read)."""
    if session.cart_id is None or session.touched_at is None:
        return
    if session.touched_at >= (iso(ctx.clock.now() - KEEP_ALIVE) or ""):
        return
    async with ctx.store.transaction() as tx:
        await cart_sql.update(tx, session.cart_id, _now(ctx))
    session.touched_at = _now(ctx)


async def state_of(ctx: Context, session: CartSession) -> CartState:
    return await load_state(ctx.store, session.cart_id, session.customer_id)


async def get_cart(ctx: Context, session: CartSession) -> dict[str, Any]:
    return await render(ctx, await state_of(ctx, session))


async def _conflict(ctx: Context, session: CartSession, message: str) -> ServiceError:
    """409 with the current cart, so the client can resync (Store API)."""
    return ServiceError(
        "woocommerce_rest_cart_invalid_key",
        message,
        409,
        data={"cart": await get_cart(ctx, session)},
    )


# -- items --------------------------------------------------------------------------------
async def add_item(
    ctx: Context,
    session: CartSession,
    item_id: int,
    quantity: int,
    *,
    variation_id: int = 0,
    variation: Any = None,
) -> None:
    """Add ``quantity`` of a product or variation; the same choice merges into its line."""
    attributes = requested_attributes(variation)
    async with ctx.store.transaction() as tx:
        item, chosen = await resolve(
            tx, db_int(item_id), db_int(variation_id), attributes, now=ctx.clock.now()
        )
        cart_id = await _write_cart(tx, ctx, session)
        lines = await cart_sql.items(tx, cart_id)
        same = [
            line
            for line in lines
            if line["product_id"] == chosen.product_id
            and line["variation_id"] == chosen.variation_id
        ]
        mine = next((line for line in same if line["item_key"] == chosen.key), None)
        check_new_quantity(item, sum(line["quantity"] for line in same), quantity)
        if mine is None:  # a new line is clamped into its limits, a merge is checked
            total = min(quantity, maximum(item))
        else:
            total = quantity + mine["quantity"]
            check_limits(item, total)
        await cart_sql.put_item(
            tx,
            cart_id,
            chosen.key,
            chosen.product_id,
            chosen.variation_id,
            chosen.variation_json(),
            total,
            _now(ctx),
        )


async def update_item(ctx: Context, session: CartSession, key: str, quantity: int) -> None:
    """Set a line's quantity; 0 removes it. An unknown key is 409 with the cart."""
    missing = False
    async with ctx.store.transaction() as tx:
        cart_id = session.cart_id
        line = await cart_sql.item(tx, cart_id, key) if cart_id else None
        if not cart_id or line is None:
            missing = True
        elif quantity == 0:
            await cart_sql.remove_item(tx, cart_id, key)
        else:
            try:
                item = await sellable_item(
                    tx, line["product_id"], line["variation_id"], now=ctx.clock.now()
                )
            except ServiceError:
                missing = True
            else:
                check_limits(item, quantity)
                await cart_sql.put_item(
                    tx,
                    cart_id,
                    key,
                    line["product_id"],
                    line["variation_id"],
                    line["variation"],
                    quantity,
                    line["added_at"],
                )
        if not missing:
            await _write_cart(tx, ctx, session)
    if missing:
        raise await _conflict(ctx, session, "Cart item no longer exists or is invalid.")


async def remove_item(ctx: Context, session: CartSession, key: str) -> None:
    async with ctx.store.transaction() as tx:
        removed = await cart_sql.remove_item(tx, session.cart_id, key) if session.cart_id else 0
        if removed:
            await _write_cart(tx, ctx, session)
    if not removed:
        raise await _conflict(ctx, session, "Cart item does not exist.")


# -- coupons ------------------------------------------------------------------------------
async def apply_coupon(ctx: Context, session: CartSession, code: str) -> None:
    """Checked by the order engine's rules, against this cart and customer; an
    individual-use coupon takes the others off."""
    wanted = normalise_code(code)
    async with ctx.store.transaction() as tx:
        state = await load_state(tx, session.cart_id, session.customer_id)
        if wanted in state.codes:
            raise _coupon_error(f'Coupon code "{wanted}" has already been applied.')
        state.codes = [*state.codes, code]
        priced = await price_cart(ctx, tx, state)
        verdict = next(v for v in reversed(priced.priced.verdicts) if v.code == wanted)
        if not verdict.valid:
            raise _coupon_error(verdict.message or "Coupon is not valid.", verdict.error_code)
        cart_id = await _write_cart(tx, ctx, session)
        for other in verdict.removes:
            await cart_sql.remove_coupon(tx, cart_id, other)
        await cart_sql.add_coupon(tx, cart_id, wanted, _now(ctx))


def _coupon_error(message: str, error_code: int | None = None) -> ServiceError:
    return ServiceError(
        "woocommerce_rest_cart_coupon_error",
        message,
        400,
        data={"coupon_error_code": error_code} if error_code else None,
    )


async def remove_coupon(ctx: Context, session: CartSession, code: str) -> None:
    wanted = normalise_code(code)
    async with ctx.store.transaction() as tx:
        removed = (
            await cart_sql.remove_coupon(tx, session.cart_id, wanted) if session.cart_id else 0
        )
        if removed:
            await _write_cart(tx, ctx, session)
    if not removed:
        raise ServiceError(
            "woocommerce_rest_cart_coupon_invalid_code",
            "Coupon cannot be removed because it is not already applied to the cart.",
            409,
            data={"cart": await get_cart(ctx, session)},
        )


# -- customer and shipping ---------------------------------------------------------------
def read_addresses(data: Any) -> dict[str, dict[str, str]]:
    """``billing_address`` / ``shipping_address`` objects, field by field."""
    p = Payload(data)
    out: dict[str, Any] = {}
    for key, fields in (("billing_address", BILLING_FIELDS), ("shipping_address", SHIPPING_FIELDS)):
        child = p.child(key)
        if child is None:
            continue
        values = {f: child.text(f, max_length=200) for f in fields}
        if "email" in fields:
            values["email"] = child.email("email", allow_empty=True)
        country = values["country"]
        if country not in (MISSING, ""):
            if len(country) == 2 and country.isalpha() and country.isascii():
                values["country"] = country.upper()
            else:
                child.fail("country", f"{child.name('country')} must be a two-letter country code.")
        if values["state"] not in (MISSING, ""):
            values["state"] = values["state"].upper()
        out[key] = present(values)
    p.check()
    return out


async def update_customer(ctx: Context, session: CartSession, data: Any) -> None:
    """Where the cart ships and who pays: changes the fields given."""
    addresses = read_addresses(data)
    if not addresses:
        return
    async with ctx.store.transaction() as tx:
        state = await load_state(tx, session.cart_id, session.customer_id)
        cart_id = await _write_cart(tx, ctx, session)
        changes = {}
        if "billing_address" in addresses:
            changes["billing_address"] = json.dumps(
                {**state.billing, **addresses["billing_address"]}, ensure_ascii=False
            )
        if "shipping_address" in addresses:
            changes["shipping_address"] = json.dumps(
                {**state.shipping, **addresses["shipping_address"]}, ensure_ascii=False
            )
        await cart_sql.update(tx, cart_id, _now(ctx), **changes)


async def select_shipping_rate(ctx: Context, session: CartSession, rate_id: str) -> None:
    async with ctx.store.transaction() as tx:
        state = await load_state(tx, session.cart_id, session.customer_id)
        state.rate_id = rate_id
        priced = await price_cart(ctx, tx, state)
        offered = [r.id for r in priced.priced.totals.shipping_rates]
        if rate_id not in offered:
            raise ServiceError(
                "woocommerce_rest_cart_invalid_shipping_rate",
                "This shipping rate is not available for the cart's address.",
                400,
                data={"offered": offered},
            )
        cart_id = await _write_cart(tx, ctx, session)
        await cart_sql.update(tx, cart_id, _now(ctx), shipping_rate_id=rate_id)
