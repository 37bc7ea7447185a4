"""The hook bridge: HTML that extensions put on WooCommerce's action hooks, per page.

A headless storefront cannot run ``do_action``; it asks ``GET /hooks/{context}`` and
places each hook's HTML where the theme would have fired it. Extensions are installed
per running shop (:func:`install`); each maps hook names to async renderers. A renderer
returns :class:`Markup` built with :func:`html`, which escapes every value put into its
template, so a product name like ``<script>`` arrives as text. A plain string that is
not Markup is escaped whole. A failing extension is logged and skipped: one bad
extension never breaks the page.
"""

from __future__ import annotations

import html as html_lib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.storefront import shop

if TYPE_CHECKING:
    from service.app.context import Context

log = logging.getLogger("shopkeep.hooks")

# WooCommerce's actions on each page, in the order a theme fires them.
CONTEXTS: dict[str, tuple[str, ...]] = {
    "product": (
        "woocommerce_before_single_product",
        "woocommerce_before_single_product_summary",
        "woocommerce_single_product_summary",
        "woocommerce_before_add_to_cart_form",
        "woocommerce_after_add_to_cart_form",
        "woocommerce_product_meta_start",
        "woocommerce_product_meta_end",
        "woocommerce_after_single_product_summary",
        "woocommerce_after_single_product",
    ),
    "shop": (
        "woocommerce_before_main_content",
        "woocommerce_archive_description",
        "woocommerce_before_shop_loop",
        "woocommerce_after_shop_loop",
        "woocommerce_after_main_content",
    ),
    "cart": (
        "woocommerce_before_cart",
        "woocommerce_before_cart_table",
        "woocommerce_after_cart_table",
        "woocommerce_cart_collaterals",
        "woocommerce_before_cart_totals",
        "woocommerce_after_cart_totals",
        "woocommerce_after_cart",
    ),
    "checkout": (
        "woocommerce_before_checkout_form",
        "woocommerce_checkout_before_customer_details",
        "woocommerce_checkout_after_customer_details",
        "woocommerce_review_order_before_payment",
        "woocommerce_review_order_after_payment",
        "woocommerce_after_checkout_form",
    ),
}


class Markup(str):
    """HTML known to be safe to output as it is."""


def escape(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(html_lib.escape(str(value), quote=True))


def html(template: str, **values: Any) -> Markup:
    """``template`` (the extension's own markup) with each ``{name}`` filled by the
    value escaped; Markup values (already built by ``html``) go in as they are."""
    return Markup(template.format(**{k: escape(v) for k, v in values.items()}))


@dataclass(frozen=True)
class HookRequest:
    context: str
    product: dict[str, Any] | None = None  # the storefront's product, in the product context
    user_id: int = 0


Renderer = Callable[["Context", HookRequest], Awaitable[Any]]


@dataclass(frozen=True)
class Extension:
    name: str
    hooks: dict[str, Renderer] = field(default_factory=dict)
    priority: int = 10  # lower first, as add_action's priority


def installed(ctx: Context) -> list[Extension]:
    return list(ctx.hook_extensions)


def install(ctx: Context, extension: Extension) -> None:
    """Add an extension (replacing one of the same name). Unknown hook names are a
    programming error, found at once."""
    known = {name for names in CONTEXTS.values() for name in names}
    unknown = set(extension.hooks) - known
    if unknown:
        raise ValueError(f"{extension.name}: unknown hooks {sorted(unknown)}")
    others = [e for e in installed(ctx) if e.name != extension.name]
    ctx.hook_extensions[:] = sorted([*others, extension], key=lambda e: (e.priority, e.name))


async def render(ctx: Context, request: HookRequest) -> dict[str, str]:
    """Each hook of the context that has output, with the output of every extension on
    it in priority order."""
    out: dict[str, str] = {}
    for hook in CONTEXTS[request.context]:
        parts: list[str] = []
        for extension in installed(ctx):
            renderer = extension.hooks.get(hook)
            if renderer is None:
                continue
            try:
                result = await renderer(ctx, request)
            except Exception:
                log.exception("hook %s of extension %s failed", hook, extension.name)
                continue
            if result:
                parts.append(escape(result))
        if parts:
            out[hook] = "".join(parts)
    return out


async def page_hooks(
    ctx: Context, context: str, product_id: int | None = None, user_id: int = 0
) -> dict[str, Any]:
    """``{success, context, hooks}`` for a page; the product context's product must be
    one the shop shows (else 404, as its page)."""
    if context not in CONTEXTS:
        raise ValueError(f"unknown hook context {context!r}")
    product = None
    if context == "product" and product_id:
        product = await shop.get_shop_product(ctx, product_id)
    hooks = await render(ctx, HookRequest(context, product, user_id))
    return {"success": True, "context": context, "hooks": hooks}
