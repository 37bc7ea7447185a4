"""The public shop: listing, product pages, categories, search; only published products."""

from __future__ import annotations

from storefront_support import W, setup_shop, simple, variable

from service import catalog


async def _catalog(ctx):
    await setup_shop(ctx)
    mugs = await catalog.create_category(ctx, {"name": "Mugs"})
    cups = await catalog.create_category(ctx, {"name": "Espresso cups", "parent": mugs["id"]})
    shirts = await catalog.create_category(
        ctx, {"name": "Shirts", "image": {"src": "https://img.test/shirts.png"}}
    )
    tag = await catalog.create_tag(ctx, {"name": "gift"})
    made = {
        "mug": await simple(
            ctx, "Blue Mug", "12.00", categories=[{"id": mugs["id"]}], tags=[{"id": tag["id"]}]
        ),
        "cup": await simple(
            ctx,
            "Tiny Cup",
            "4.50",
            sale_price="3.50",
            categories=[{"id": cups["id"]}],
            tags=[{"id": tag["id"]}],
        ),
        "tee": await variable(
            ctx,
            "Logo Tee",
            "20.00",
            ["S", "M"],
            ["Red"],
            categories=[{"id": shirts["id"]}],
            images=[{"src": "https://img.test/tee-1.png"}, {"src": "https://img.test/tee-2.png"}],
        ),
        "draft": await simple(
            ctx, "Draft Mug", "9.00", status="draft", categories=[{"id": mugs["id"]}]
        ),
        "private": await simple(ctx, "Private Mug", "9.00", status="private"),
        "trashed": await simple(ctx, "Old Mug", "9.00"),
        "hidden": await simple(ctx, "Hidden Mug", "9.00", catalog_visibility="hidden"),
        "search_only": await simple(ctx, "Searchable Mug", "9.00", catalog_visibility="search"),
        "catalog_only": await simple(ctx, "Catalog Mug", "9.00", catalog_visibility="catalog"),
    }
    await catalog.delete_product(ctx, made["trashed"]["id"])
    async with ctx.store.transaction() as tx:
        await catalog.record_sale(tx, made["mug"]["id"], 0, 5)
    return made, {"mugs": mugs, "cups": cups, "shirts": shirts}


async def test_listing_shows_only_published_listed_products(client, ctx):
    await _catalog(ctx)
    resp = await client.get(f"{W}/shop/products", params={"per_page": 50})
    assert resp.status == 200
    names = {p["name"] for p in await resp.json()}
    # not the draft, private, trashed, hidden or search-only ones
    assert names == {"Blue Mug", "Tiny Cup", "Logo Tee", "Catalog Mug"}
    assert resp.headers["X-WP-Total"] == "4"


async def test_listing_paginates_with_headers(client, ctx):
    await _catalog(ctx)
    resp = await client.get(f"{W}/shop/products", params={"per_page": 3, "page": 2})
    assert resp.status == 200
    assert len(await resp.json()) == 1
    assert resp.headers["X-WP-TotalPages"] == "2"
    assert 'rel="prev"' in resp.headers["Link"]
    bad = await client.get(f"{W}/shop/products", params={"per_page": 101})
    assert bad.status == 400 and (await bad.json())["code"] == "rest_invalid_param"


async def test_orderby_price_title_popularity_rating_date(client, ctx):
    await _catalog(ctx)

    async def names(**params):
        resp = await client.get(f"{W}/shop/products", params=params)
        assert resp.status == 200, await resp.text()
        return [p["name"] for p in await resp.json()]

    assert (await names(orderby="price"))[0] == "Tiny Cup"  # 3.50 on sale
    assert (await names(orderby="price", order="desc"))[0] == "Logo Tee"
    assert await names(orderby="title") == sorted(await names(orderby="title"), key=str.lower)
    assert (await names(orderby="popularity"))[0] == "Blue Mug"
    assert len(await names(orderby="rating")) == 4
    assert (await names(orderby="date"))[0] == "Catalog Mug"  # the newest
    bad = await client.get(f"{W}/shop/products", params={"orderby": "stars"})
    assert bad.status == 400 and (await bad.json())["code"] == "rest_invalid_param"


async def test_category_filter_includes_subcategories_by_id_or_slug(client, ctx):
    _, cats = await _catalog(ctx)
    for value in (str(cats["mugs"]["id"]), cats["mugs"]["slug"]):
        resp = await client.get(f"{W}/shop/products", params={"category": value})
        assert {p["name"] for p in await resp.json()} == {"Blue Mug", "Tiny Cup"}
    resp = await client.get(f"{W}/shop/products", params={"category": "no-such-category"})
    assert await resp.json() == []


async def test_search_in_listing_uses_search_visibility(client, ctx):
    await _catalog(ctx)
    resp = await client.get(f"{W}/shop/products", params={"search": "mug"})
    names = [p["name"] for p in await resp.json()]
    assert set(names) == {"Blue Mug", "Searchable Mug"}


async def test_prices_as_shown_with_store_api_money(client, ctx):
    made, _ = await _catalog(ctx)
    resp = await client.get(f"{W}/shop/products/{made['cup']['id']}")
    cup = await resp.json()
    assert cup["price"] == "3.50" and cup["regular_price"] == "4.50" and cup["on_sale"]
    assert cup["prices"]["price"] == "350" and cup["prices"]["regular_price"] == "450"
    assert cup["prices"]["currency_code"] == "USD" and cup["prices"]["currency_minor_unit"] == 2
    assert cup["price_html"] == "$3.50"
    assert cup["tax_display"] == "excl"
    assert "stock_quantity" in cup and "meta_data" not in cup and "status" not in cup
    tee = await (await client.get(f"{W}/shop/products/{made['tee']['id']}")).json()
    assert tee["prices"]["price_range"] == {"min_amount": "2000", "max_amount": "2000"}


async def test_product_page_has_variations_gallery_and_related(client, ctx):
    made, _ = await _catalog(ctx)
    resp = await client.get(f"{W}/shop/products/{made['tee']['id']}")
    assert resp.status == 200
    tee = await resp.json()
    assert len(tee["variations"]) == 2
    assert {a["option"] for v in tee["variations"] for a in v["attributes"]} == {"S", "M", "Red"}
    assert [i["src"] for i in tee["gallery"]] == [
        "https://img.test/tee-1.png",
        "https://img.test/tee-2.png",
    ]
    mug = await (await client.get(f"{W}/shop/products/{made['mug']['id']}")).json()
    # shares the tag with the cup; the draft shares a category but is not shown
    assert [p["name"] for p in mug["related"]] == ["Tiny Cup"]


async def test_unpublished_and_unknown_products_are_404(client, ctx):
    made, _ = await _catalog(ctx)
    for key in ("draft", "private", "trashed"):
        resp = await client.get(f"{W}/shop/products/{made[key]['id']}")
        assert resp.status == 404, key
        body = await resp.json()
        assert body["code"] == "woocommerce_rest_product_invalid_id"
        assert body["data"]["status"] == 404
    variation = made["tee"]["variations"][0]["id"]
    assert (await client.get(f"{W}/shop/products/{variation}")).status == 404
    assert (await client.get(f"{W}/shop/products/99999999999999999999")).status == 404
    # a hidden product is not listed, but its page opens, as in WooCommerce
    assert (await client.get(f"{W}/shop/products/{made['hidden']['id']}")).status == 200


async def test_categories_with_image_and_published_counts(client, ctx):
    await _catalog(ctx)
    resp = await client.get(f"{W}/shop/categories")
    assert resp.status == 200
    by_name = {c["name"]: c for c in await resp.json()}
    assert by_name["Mugs"]["count"] == 1  # the draft is not counted
    assert by_name["Shirts"]["image"]["src"] == "https://img.test/shirts.png"
    assert by_name["Mugs"]["permalink"].endswith("/product-category/mugs/")
    top = await (await client.get(f"{W}/shop/categories", params={"parent": 0})).json()
    assert "Espresso cups" not in {c["name"] for c in top}


async def test_search_is_light_and_at_most_ten(client, ctx):
    await setup_shop(ctx)
    for n in range(12):
        await simple(ctx, f"Mug {n:02d}", "5.00")
    await simple(ctx, "Secret Mug", "5.00", status="draft")
    await simple(ctx, "Listed Mug", "5.00", catalog_visibility="catalog")
    resp = await client.get(f"{W}/shop/search", params={"s": "mug"})
    assert resp.status == 200
    hits = await resp.json()
    assert len(hits) == 10
    assert set(hits[0]) == {
        "id", "name", "slug", "permalink", "type", "sku", "price", "price_html", "prices",
        "on_sale", "is_in_stock", "image",
    }  # fmt: skip
    assert not {"Secret Mug", "Listed Mug"} & {h["name"] for h in hits}
    assert await (await client.get(f"{W}/shop/search")).json() == []


async def test_persian_names_round_trip(client, ctx):
    await setup_shop(ctx)
    made = await simple(ctx, "ماگ سرامیکی 😀", "5.00")
    resp = await client.get(f"{W}/shop/search", params={"s": "سرامیکی"})
    assert [h["name"] for h in await resp.json()] == ["ماگ سرامیکی 😀"]
    page = await (await client.get(f"{W}/shop/products/{made['id']}")).json()
    assert "%D9%85" in page["permalink"]


async def test_shop_routes_are_public_and_read_only(client, ctx):
    resp = await client.post(f"{W}/shop/products", json={})
    assert resp.status == 404 and (await resp.json())["code"] == "rest_no_route"
    assert (await client.get(f"{W}/shop/products/abc")).status == 404
