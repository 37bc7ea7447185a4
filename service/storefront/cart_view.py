"""A cart as the Store API returns it: items, coupons, shipping rates and totals.

Totals come from ``orders_totals.compute``, the same function ``/orders/preview`` and
order creation use, with the cart's items, coupon codes, address and chosen rate: a
cart and an order of the same things cost the same. Money is the Store API's:
integer strings in minor units, with the currency fields.

Lines that can no longer be sold (deleted, unpublished, no price) and coupons that
no longer apply are left out of the totals and reported in ``errors``; checkout
refuses a cart that has any.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.accounts.customers import BILLING_FIELDS, SHIPPING_FIELDS
from service.catalog.media import media_map
from service.catalog.stock import SellableItem, sellable_item
from service.catalog.view import View, permalink
from service.common.errors import ServiceError
from service.orders import totals as orders_totals
from service.orders.input import pricing_address
from service.orders.totals import ItemRequest, Priced
from service.pricing import CustomerRef
from service.pricing.results import store_api_currency
from service.settings import shop_settings as store_settings
from service.storefront.cart_items import maximum
from store import carts as cart_sql
from store import catalog as catalog_sql
from store import customers as customer_sql
from store import users as user_sql
from store.db import Store, Tx

if TYPE_CHECKING:
    from service.app.context import Context


@dataclass
class CartState:
    """What is stored for one cart, loaded once per response."""

    cart_id: int | None
    customer_id: int | None
    lines: list[Any] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    shipping: dict[str, str] = field(default_factory=dict)
    billing: dict[str, str] = field(default_factory=dict)
    rate_id: str | None = None


@dataclass
class PricedCart:
    state: CartState
    sellable: list[tuple[Any, SellableItem]]  # (line row, item) for the lines priced
    problems: list[dict[str, Any]]
    priced: Priced
    email: str


def _address(stored: str | None, fields: tuple[str, ...]) -> dict[str, str]:
    values = json.loads(stored) if stored else {}
    return {f: values.get(f, "") for f in fields}


async def load_state(db: Store | Tx, cart_id: int | None, customer_id: int | None) -> CartState:
    """The cart's rows; addresses it has none of come from the customer's profile."""
    row = await cart_sql.by_id(db, cart_id) if cart_id else None
    state = CartState(
        cart_id=row["id"] if row else None,
        customer_id=customer_id,
        shipping=_address(None, SHIPPING_FIELDS),
        billing=_address(None, BILLING_FIELDS),
    )
    if row is not None:
        state.lines = await cart_sql.items(db, row["id"])
        state.codes = await cart_sql.coupon_codes(db, row["id"])
        state.shipping = _address(row["shipping_address"], SHIPPING_FIELDS)
        state.billing = _address(row["billing_address"], BILLING_FIELDS)
        state.rate_id = row["shipping_rate_id"]
    profile = await customer_sql.by_id(db, customer_id) if customer_id else None
    if profile is not None:
        if not any(state.billing.values()):
            state.billing = _address(profile["billing"], BILLING_FIELDS)
            state.billing["email"] = state.billing["email"] or profile["email"]
        if not any(state.shipping.values()):
            state.shipping = _address(profile["shipping"], SHIPPING_FIELDS)
    return state


async def _user_email(db: Store | Tx, customer_id: int | None) -> str:
    if not customer_id:
        return ""
    row = await user_sql.by_id(db, customer_id)
    return row["email"] if row else ""


async def price_cart(
    ctx: Context, db: Store | Tx, state: CartState, *, at_checkout: bool = False
) -> PricedCart:
    now = ctx.clock.now()
    sellable: list[tuple[Any, SellableItem]] = []
    problems: list[dict[str, Any]] = []
    for line in state.lines:
        try:
            item = await sellable_item(db, line["product_id"], line["variation_id"], now=now)
        except ServiceError:
            item = None
        if item is None or not item.purchasable:
            problems.append(_problem(line, "woocommerce_rest_cart_invalid_product", item))
            continue
        sellable.append((line, item))
    email = await _user_email(db, state.customer_id)
    customer = CustomerRef(
        user_id=state.customer_id or None,
        email=email or None,
        billing_email=state.billing.get("email") or None,
    )
    priced = await orders_totals.compute(
        ctx,
        db,
        [ItemRequest(i.product_id, line["quantity"], i.variation_id) for line, i in sellable],
        state.codes,
        pricing_address(state.billing, state.shipping),
        customer,
        state.rate_id,
        defer_email_check=not at_checkout,
    )
    held: dict[tuple[int, int], int] = {}
    for line, item in sellable:
        key = (item.product_id, item.variation_id)
        held[key] = held.get(key, 0) + line["quantity"]
    for line, item in sellable:
        if not item.can_buy(held[(item.product_id, item.variation_id)]):
            problems.append(_problem(line, "woocommerce_rest_product_out_of_stock", item))
    for verdict in priced.rejected:
        problems.append(
            {
                "code": "woocommerce_rest_cart_coupon_error",
                "message": f'The "{verdict.code}" coupon cannot be used: {verdict.message}',
                "coupon": verdict.code,
            }
        )
    return PricedCart(state, sellable, problems, priced, email)


def _problem(line: Any, code: str, item: SellableItem | None) -> dict[str, Any]:
    name = item.name if item else f"#{line['product_id']}"
    if code == "woocommerce_rest_product_out_of_stock" and item is not None:
        left = max(0, item.stock_quantity or 0) if item.manage_stock else 0
        message = f'There is not enough stock of "{name}" for this cart ({left} remaining).'
    else:
        message = f'"{name}" can no longer be bought and is not counted in the totals.'
    return {"code": code, "message": message, "key": line["item_key"]}


async def render(ctx: Context, state: CartState) -> dict[str, Any]:
    return await render_priced(ctx, await price_cart(ctx, ctx.store, state))


async def render_priced(ctx: Context, cart: PricedCart) -> dict[str, Any]:
    totals = cart.priced.totals
    money = store_api_currency(cart.priced.store)
    items = await _items(ctx, cart, money)
    address = pricing_address(cart.state.billing, cart.state.shipping)
    gateways = await store_settings.payment_gateways(ctx.store, enabled_only=True)
    return {
        "items": items,
        "coupons": [
            {
                "code": c.code,
                "discount_type": c.discount_type,
                "totals": {
                    "total_discount": str(c.discount),
                    "total_discount_tax": str(c.discount_tax),
                    **money,
                },
            }
            for c in totals.coupon_lines
        ],
        "fees": [],
        "totals": totals.as_store_api_totals(),
        "shipping_address": cart.state.shipping,
        "billing_address": cart.state.billing,
        "needs_payment": totals.total > 0,
        "needs_shipping": totals.needs_shipping,
        "has_calculated_shipping": totals.needs_shipping and address is not None,
        "shipping_rates": _packages(cart, items, money),
        "items_count": sum(i["quantity"] for i in items),
        "items_weight": await _weight(ctx.store, cart),
        "cross_sells": [],
        "errors": cart.problems,
        "payment_methods": [g["id"] for g in gateways],
        "payment_requirements": ["products"],
        "customer_id": cart.state.customer_id or 0,
        "extensions": {},
    }


async def _items(ctx: Context, cart: PricedCart, money: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [line["item_key"] for line, _ in cart.sellable]
    totals_by_key = dict(zip(keys, cart.priced.totals.lines, strict=True))
    items_by_key = {line["item_key"]: item for line, item in cart.sellable}
    view = View(decimals=cart.priced.store.decimals, now="", base_url=ctx.settings.base_url)
    out, wanted = [], []
    for line in cart.state.lines:
        key = line["item_key"]
        product = await catalog_sql.by_id(ctx.store, line["product_id"])
        variation = None
        if line["variation_id"]:
            variation = await catalog_sql.by_id(ctx.store, line["variation_id"])
        out.append(_item(line, product, items_by_key.get(key), totals_by_key.get(key), view, money))
        wanted.append(_first_image(product, variation))
    images = await media_map(ctx.store, [i for i in wanted if i]) if any(wanted) else {}
    for entry, image_id in zip(out, wanted, strict=True):
        entry["images"] = [images[image_id]] if image_id in images else []
    return out


def _first_image(product: Any, variation: Any) -> int | None:
    for row in (variation, product):
        ids = json.loads(row["image_ids"]) if row is not None else []
        if ids:
            return ids[0]
    return None


def _item(
    line: Any,
    product: Any,
    item: SellableItem | None,
    line_totals: Any,
    view: View,
    money: dict[str, Any],
) -> dict[str, Any]:
    unit = item.price if item and item.price is not None else 0
    regular = item.regular_price if item and item.regular_price is not None else unit
    return {
        "key": line["item_key"],
        "id": line["variation_id"] or line["product_id"],
        "product_id": line["product_id"],
        "variation_id": line["variation_id"],
        "quantity": line["quantity"],
        "quantity_limits": {
            "minimum": 1,
            "maximum": maximum(item) if item else line["quantity"],
            "multiple_of": 1,
            "editable": not (item and item.sold_individually),
        },
        "name": item.name if item else (product["name"] if product is not None else ""),
        "sku": item.sku if item else "",
        "permalink": permalink(view, product["slug"]) if product is not None else "",
        "variation": json.loads(line["variation"]),
        "prices": {
            "price": str(unit),
            "regular_price": str(regular),
            "sale_price": str(unit),
            **money,
        },
        "totals": {
            "line_subtotal": str(line_totals.subtotal if line_totals else 0),
            "line_subtotal_tax": str(line_totals.subtotal_tax if line_totals else 0),
            "line_total": str(line_totals.total if line_totals else 0),
            "line_total_tax": str(line_totals.total_tax if line_totals else 0),
            **money,
        },
        "sold_individually": bool(item and item.sold_individually),
        "backorders_allowed": bool(item and item.backorders != "no"),
        "low_stock_remaining": _low_stock(item),
    }


def _low_stock(item: SellableItem | None) -> int | None:
    if item is None or not item.manage_stock or item.stock_quantity is None:
        return None
    return item.stock_quantity if 0 < item.stock_quantity <= 10 else None


async def _weight(db: Store | Tx, cart: PricedCart) -> float:
    total = 0.0
    for line, item in cart.sellable:
        row = await catalog_sql.by_id(db, item.variation_id or item.product_id)
        parent = await catalog_sql.by_id(db, item.product_id) if item.variation_id else row
        text = (row["weight"] if row is not None else "") or (parent["weight"] if parent else "")
        try:
            total += float(text or 0) * line["quantity"]
        except ValueError:
            continue
    return round(total, 3)


def _packages(
    cart: PricedCart, items: list[dict[str, Any]], money: dict[str, Any]
) -> list[dict[str, Any]]:
    totals = cart.priced.totals
    if not totals.needs_shipping or not totals.shipping_rates:
        return []
    shipping = cart.state.shipping if cart.state.shipping.get("country") else cart.state.billing
    return [
        {
            "package_id": 0,
            "name": "Shipment 1",
            "destination": {
                k: shipping.get(k, "")
                for k in ("address_1", "address_2", "city", "state", "postcode", "country")
            },
            "items": [
                {"key": i["key"], "name": i["name"], "quantity": i["quantity"]} for i in items
            ],
            "shipping_rates": [
                {
                    "rate_id": rate.id,
                    "name": rate.label,
                    "description": "",
                    "delivery_time": "",
                    "price": str(rate.cost_minor),
                    "taxes": str(rate.total_tax),
                    "instance_id": rate.instance_id,
                    "method_id": rate.method_id,
                    "meta_data": [],
                    "selected": rate.id == totals.chosen_shipping_rate_id,
                    **money,
                }
                for rate in totals.shipping_rates
            ],
        }
    ]
