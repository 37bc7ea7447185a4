"""``--demo`` for the storefront: two open carts (an anonymous visitor's and the demo
customer's) and a small hooks extension, so the console's Carts tab and
``GET /hooks/{context}`` have something to show.

Carts are seeded once (a ``meta`` marker); the extension is installed on every start,
because extensions are code, not data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.accounts import users as accounts
from service.settings import shop_settings as store_settings
from service.storefront import cart
from service.storefront import cart_session as cart_tokens
from service.storefront.cart import CartSession
from service.storefront.hooks import Extension, HookRequest, Markup, html, install
from store import catalog as catalog_sql
from store import meta

if TYPE_CHECKING:
    from service.app.context import Context

DEMO_CUSTOMER = "customer@shopkeep.test"
_MARKER = "demo_storefront_carts"
# (sku, quantity, chosen attributes) per cart
CartLine = tuple[str, int, dict[str, str] | None]
ANONYMOUS_CART: list[CartLine] = [
    ("CHG-202", 2, None),
    ("TSH-001", 1, {"Size": "M", "Color": "Black"}),
]
CUSTOMER_CART: list[CartLine] = [
    ("AUD-102", 1, None),
    ("HOD-001", 1, {"Size": "L", "Color": "Navy"}),
]


async def seed_storefront(ctx: Context) -> list[str]:
    install(ctx, DEMO_EXTENSION)
    if await meta.get(ctx.store, _MARKER):
        return []
    await _fill(
        ctx, CartSession(cart_tokens.new_session_key(), None, None, "missing"), ANONYMOUS_CART
    )
    customer = await accounts.find_user(ctx, DEMO_CUSTOMER)
    if customer is not None:
        session = CartSession(cart_tokens.new_session_key(), customer.id, None, "missing")
        await _fill(ctx, session, CUSTOMER_CART)
    async with ctx.store.transaction() as tx:
        await meta.put(tx, _MARKER, "1")
    return []


async def _fill(ctx: Context, session: CartSession, lines: list[CartLine]) -> None:
    for sku, quantity, attributes in lines:
        product_id = await catalog_sql.sku_owner(ctx.store, sku)
        if product_id is None:
            continue
        variation = [{"attribute": k, "value": v} for k, v in (attributes or {}).items()]
        await cart.add_item(ctx, session, product_id, quantity, variation=variation or None)


# -- the demo extension ------------------------------------------------------------------
async def _product_badge(ctx: Context, request: HookRequest) -> Markup | None:
    if request.product is None:
        return None
    return html(
        '<div class="shopkeep-demo-badge">Free returns within 7 days on <strong>{name}</strong>'
        "</div>",
        name=request.product["name"],
    )


async def _sale_note(ctx: Context, request: HookRequest) -> Markup | None:
    product = request.product
    if product is None or not product["on_sale"]:
        return None
    return html(
        '<p class="shopkeep-demo-sale">On sale now: {price}</p>', price=product["price_html"]
    )


async def _store_name(ctx: Context) -> str:
    return (await store_settings.get_group(ctx, "store"))["name"]


async def _shop_welcome(ctx: Context, request: HookRequest) -> Markup:
    return html(
        '<div class="shopkeep-demo-welcome">Welcome to {store}</div>', store=await _store_name(ctx)
    )


async def _cart_notice(ctx: Context, request: HookRequest) -> Markup:
    return html(
        '<div class="shopkeep-demo-notice">{store} ships orders within two working days.</div>',
        store=await _store_name(ctx),
    )


async def _checkout_trust(ctx: Context, request: HookRequest) -> Markup:
    return html(
        '<p class="shopkeep-demo-trust">Payments to {store} are confirmed by email.</p>',
        store=await _store_name(ctx),
    )


DEMO_EXTENSION = Extension(
    name="shopkeep-demo",
    hooks={
        "woocommerce_single_product_summary": _product_badge,
        "woocommerce_after_add_to_cart_form": _sale_note,
        "woocommerce_before_shop_loop": _shop_welcome,
        "woocommerce_before_cart": _cart_notice,
        "woocommerce_review_order_before_payment": _checkout_trust,
    },
)
