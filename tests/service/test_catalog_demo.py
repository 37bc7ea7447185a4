"""--demo: a realistic catalog, customers and settings, seeded once."""

from __future__ import annotations

from service import catalog
from service.accounts import customers
from service.demo import seed as demo
from service.settings import shop_settings as store_settings


async def test_demo_seeds_a_realistic_shop_once(ctx):
    shown = await demo.seed(ctx)
    assert any(line.startswith("demo customers: 25 accounts") for line in shown)

    products, total = await catalog.list_products(ctx, catalog.ProductFilters(per_page=100))
    assert total >= 60
    variable = [p for p in products if p["type"] == "variable"]
    assert variable and all(p["variations"] for p in variable)
    assert sum(p["on_sale"] for p in products) >= 5
    assert sum(p["stock_status"] == "outofstock" for p in products) >= 3
    licensed = [p for p in products if p["licensing_enabled"]]
    assert licensed and all(p["downloadable"] and p["downloads"] for p in licensed)
    assert {p["license_activation_method"] for p in licensed} == {"simple", "oauth"}
    assert any(not p["on_sale"] and p["date_on_sale_from"] for p in products)  # scheduled

    categories, _ = await catalog.list_categories(ctx, catalog.TermFilters(per_page=100))
    names = [c["name"] for c in categories]
    assert any(n.isascii() for n in names) and any(not n.isascii() for n in names)
    assert any(c["parent"] for c in categories)

    people, count = await customers.list_customers(ctx, customers.CustomerFilters(per_page=100))
    assert count >= 25
    with_address = [c for c in people if c["billing"]["address_1"] and c["billing"]["country"]]
    assert len(with_address) >= 25

    settings = await store_settings.get_settings(ctx)
    assert settings["store"]["currency"] == "IRT" and settings["store"]["decimals"] == 0
    assert settings["tax"]["rates"] and settings["tax"]["calc_taxes"] is True
    methods = {m["method_id"] for z in settings["shipping"]["zones"] for m in z["methods"]}
    assert methods == {"flat_rate", "free_shipping", "local_pickup"}
    assert any(g["enabled"] for g in settings["payments"]["gateways"])

    assert await demo.seed(ctx) == []
    assert (await catalog.list_products(ctx))[1] == total
    assert (await customers.list_customers(ctx))[1] == count


async def test_demo_keeps_settings_someone_saved(ctx):
    await store_settings.update_settings(ctx, {"store": {"currency": "EUR"}})
    await demo.seed(ctx)
    settings = await store_settings.get_settings(ctx)
    assert settings["store"]["currency"] == "EUR" and settings["store"]["decimals"] == 2
    product = (await catalog.list_products(ctx, catalog.ProductFilters(sku="MUG-301")))[0][0]
    assert product["regular_price"] == "350000.00"
