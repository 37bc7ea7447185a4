"""The hook bridge: extensions' HTML per page context, escaped; unknown contexts are 400."""

from __future__ import annotations

import pytest
from storefront_support import W, setup_shop, simple

from service.demo.storefront import DEMO_EXTENSION
from service.storefront import hooks as storefront_hooks
from service.storefront.hooks import Extension, Markup, html


async def _hooks(client, context: str, **params):
    resp = await client.get(f"{W}/hooks/{context}", params=params)
    return resp, await resp.json()


async def test_no_extension_means_no_hooks(client, ctx):
    resp, body = await _hooks(client, "shop")
    assert resp.status == 200
    assert body == {"success": True, "context": "shop", "hooks": {}}


async def test_unknown_context_is_400_naming_the_allowed_ones(client, ctx):
    resp, body = await _hooks(client, "footer")
    assert resp.status == 400
    assert body["code"] == "rest_invalid_param"
    assert "product, shop, cart, checkout" in body["data"]["params"]["context"]
    resp, body = await _hooks(client, "product", product_id="abc")
    assert resp.status == 400 and body["code"] == "rest_invalid_param"
    resp = await client.get(f"{W}/hooks")
    assert resp.status == 404 and (await resp.json())["code"] == "rest_no_route"


async def test_extension_output_is_escaped(client, ctx):
    await setup_shop(ctx)
    product = await simple(ctx, '<script>alert("x")</script> Mug', "5.00")

    async def summary(ctx, request):
        return html("<h2 class='title'>{name}</h2>", name=request.product["name"])

    async def plain(ctx, request):
        return "<b>not markup</b>"

    async def broken(ctx, request):
        raise RuntimeError("boom")

    storefront_hooks.install(
        ctx,
        Extension(
            "test",
            {
                "woocommerce_single_product_summary": summary,
                "woocommerce_after_single_product": plain,
                "woocommerce_before_single_product": broken,
            },
        ),
    )
    resp, body = await _hooks(client, "product", product_id=product["id"])
    assert resp.status == 200
    hooks = body["hooks"]
    assert hooks["woocommerce_single_product_summary"] == (
        "<h2 class='title'>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Mug</h2>"
    )
    assert hooks["woocommerce_after_single_product"] == "&lt;b&gt;not markup&lt;/b&gt;"
    assert "woocommerce_before_single_product" not in hooks  # a failing extension is skipped


async def test_priority_order_and_replacing_an_extension(client, ctx):
    async def first(ctx, request):
        return Markup("<p>first</p>")

    async def second(ctx, request):
        return Markup("<p>second</p>")

    hook = "woocommerce_before_cart"
    storefront_hooks.install(ctx, Extension("b", {hook: second}, priority=20))
    storefront_hooks.install(ctx, Extension("a", {hook: first}, priority=5))
    _, body = await _hooks(client, "cart")
    assert body["hooks"][hook] == "<p>first</p><p>second</p>"
    storefront_hooks.install(ctx, Extension("a", {}, priority=5))
    _, body = await _hooks(client, "cart")
    assert body["hooks"][hook] == "<p>second</p>"


def test_unknown_hook_names_are_refused_at_install(ctx):
    with pytest.raises(ValueError):
        storefront_hooks.install(ctx, Extension("x", {"woocommerce_no_such_hook": None}))


async def test_demo_extension_on_every_context(client, ctx):
    await setup_shop(ctx)
    storefront_hooks.install(ctx, DEMO_EXTENSION)
    sale = await simple(ctx, "ماگ 😀", "5.00", sale_price="4.00")
    _, product = await _hooks(client, "product", product_id=sale["id"])
    assert "ماگ 😀" in product["hooks"]["woocommerce_single_product_summary"]
    assert "$4.00" in product["hooks"]["woocommerce_after_add_to_cart_form"]
    for context in ("shop", "cart", "checkout"):
        resp, body = await _hooks(client, context)
        assert resp.status == 200 and body["context"] == context
        assert "Test Shop" in "".join(body["hooks"].values())


async def test_product_context_only_for_products_the_shop_shows(client, ctx):
    await setup_shop(ctx)
    storefront_hooks.install(ctx, DEMO_EXTENSION)
    draft = await simple(ctx, "Draft", "5.00", status="draft")
    resp, body = await _hooks(client, "product", product_id=draft["id"])
    assert resp.status == 404 and body["code"] == "woocommerce_rest_product_invalid_id"
    resp, body = await _hooks(client, "product")
    assert resp.status == 200 and body["hooks"] == {}
