"""/settings and its groups: defaults, partial atomic updates, validation, permissions,
and the settings as the pricing engine's models."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import answered_or_refused

from service import catalog
from service.pricing import Address, LineInput, compute_totals
from service.settings import shop_settings as store_settings

BASE = "/wp-json/woonoow/v1"

TAX = {
    "calc_taxes": True,
    "prices_include_tax": False,
    "round_at_subtotal": True,
    "rates": [
        {"country": "IR", "rate": "10", "name": "VAT", "shipping": True},
        {"country": "IR", "state": "THR", "rate": "1.5", "name": "City", "priority": 2},
    ],
}
SHIPPING = {
    "zones": [
        {
            "name": "Tehran",
            "regions": ["IR:THR"],
            "methods": [
                {"method_id": "flat_rate", "title": "Courier", "cost": "5.00"},
                {"method_id": "free_shipping", "requires": "min_amount", "min_amount": "100"},
                {"method_id": "local_pickup", "title": "Pick up at the shop"},
            ],
        },
        {"name": "Iran", "regions": ["IR"], "methods": [{"method_id": "flat_rate", "cost": "9"}]},
    ]
}


BAD_COST = {"method_id": "flat_rate", "cost": "x"}


async def put(client, account, body):
    return await client.put(f"{BASE}/settings", json=body, headers=account.auth)


async def test_get_all_groups_and_each_group(client, manager):
    resp = await client.get(f"{BASE}/settings", headers=manager.auth)
    assert resp.status == 200
    settings = await resp.json()
    assert set(settings) == {"store", "tax", "shipping", "payments"}
    assert settings["store"]["currency"] == "USD" and settings["store"]["decimals"] == 2
    assert settings["store"]["currency_symbol"] == "$"
    assert settings["tax"]["rates"] == [] and settings["tax"]["prices_include_tax"] is False
    assert settings["shipping"]["zones"][0]["id"] == 0
    assert [g["id"] for g in settings["payments"]["gateways"]] == ["bacs", "cheque", "cod"]
    for group in settings:
        resp = await client.get(f"{BASE}/settings/{group}", headers=manager.auth)
        assert resp.status == 200 and await resp.json() == settings[group]


async def test_partial_update_of_every_group(client, manager):
    resp = await put(
        client,
        manager,
        {
            "store": {"name": "فروشگاه نمونه", "country": "ir", "state": "thr", "currency": "irt"},
            "tax": TAX,
            "shipping": SHIPPING,
            "payments": {"gateways": [{"id": "cod", "enabled": True, "title": "پرداخت در محل"}]},
        },
    )
    assert resp.status == 200, await resp.text()
    settings = await resp.json()
    store = settings["store"]
    assert (store["name"], store["country"], store["state"]) == ("فروشگاه نمونه", "IR", "THR")
    assert store["currency"] == "IRT" and store["decimals"] == 2  # untouched fields stay
    assert [r["rate"] for r in settings["tax"]["rates"]] == ["10.0000", "1.5000"]
    assert [r["id"] for r in settings["tax"]["rates"]] == [1, 2]
    assert settings["tax"]["round_at_subtotal"] is True
    tehran, iran, rest = settings["shipping"]["zones"]
    assert (tehran["name"], tehran["regions"], rest["id"]) == ("Tehran", ["IR:THR"], 0)
    flat, free, pickup = tehran["methods"]
    assert (flat["method_id"], flat["cost"], flat["title"]) == ("flat_rate", "5.00", "Courier")
    assert free["min_amount"] == "100.00" and free["requires"] == "min_amount"
    assert pickup["cost"] == "0.00" and pickup["method_title"] == "Local pickup"
    assert iran["methods"][0]["title"] == "Flat rate"
    cod = next(g for g in settings["payments"]["gateways"] if g["id"] == "cod")
    assert cod["enabled"] is True and cod["title"] == "پرداخت در محل"
    bacs = next(g for g in settings["payments"]["gateways"] if g["id"] == "bacs")
    assert bacs["enabled"] is False
    assert await (await client.get(f"{BASE}/settings", headers=manager.auth)).json() == settings


async def test_lists_keep_ids_on_update(client, manager):
    settings = await (await put(client, manager, {"tax": TAX, "shipping": SHIPPING})).json()
    rate = settings["tax"]["rates"][0]
    zone = settings["shipping"]["zones"][0]
    method = zone["methods"][0]
    resp = await put(
        client,
        manager,
        {
            "tax": {"rates": [{"id": rate["id"], "rate": "9"}]},
            "shipping": {
                "zones": [
                    {
                        "id": zone["id"],
                        "methods": [{"instance_id": method["instance_id"], "cost": "7"}],
                    }
                ]
            },
        },
    )
    updated = await resp.json()
    assert updated["tax"]["rates"] == [{**rate, "rate": "9.0000"}]
    [kept, rest] = updated["shipping"]["zones"]
    assert kept["id"] == zone["id"] and kept["regions"] == ["IR:THR"]
    assert [(m["instance_id"], m["cost"]) for m in kept["methods"]] == [
        (method["instance_id"], "7.00")
    ]
    assert rest["id"] == 0
    # A new rate never reuses a removed rate's id.
    again = await (await put(client, manager, {"tax": {"rates": [{"rate": "3"}]}})).json()
    assert again["tax"]["rates"][0]["id"] == 3


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"store": {"currency": "Rial"}}, "store"),
        ({"store": {"decimals": 9}}, "store"),
        ({"store": {"decimals": "two"}}, "store"),
        ({"store": {"currency_position": "middle"}}, "store"),
        ({"store": {"country": "Iran"}}, "store"),
        ({"store": {"name": ""}}, "store"),
        ({"store": {"colour": "red"}}, "store"),
        ({"store": "USD"}, "store"),
        ({"tax": {"prices_include_tax": "sometimes"}}, "tax"),
        ({"tax": {"rates": [{"rate": "abc"}]}}, "tax"),
        ({"tax": {"rates": [{"rate": "-1"}]}}, "tax"),
        ({"tax": {"rates": [{"country": "IR"}]}}, "tax"),
        ({"tax": {"rates": [{"id": 99, "rate": "1"}]}}, "tax"),
        ({"tax": {"rates": [{"rate": "1", "class": "luxury"}]}}, "tax"),
        ({"shipping": {"zones": [{"regions": ["IR"]}]}}, "shipping"),
        ({"shipping": {"zones": [{"name": "X", "regions": ["Iran!!"]}]}}, "shipping"),
        ({"shipping": {"zones": [{"name": "X", "methods": [{"method_id": "drone"}]}]}}, "shipping"),
        ({"shipping": {"zones": [{"name": "X", "methods": [BAD_COST]}]}}, "shipping"),
        ({"shipping": {"zones": [{"id": 0, "regions": ["IR"]}]}}, "shipping"),
        ({"payments": {"gateways": [{"id": "paypal", "enabled": True}]}}, "payments"),
        ({"payments": {"gateways": [{"id": "cod", "enabled": "on"}]}}, "payments"),
        ({"analytics": {}}, "analytics"),
    ],
)  # fmt: skip
async def test_invalid_field_changes_nothing(client, manager, body, param):
    before = await (await client.get(f"{BASE}/settings", headers=manager.auth)).json()
    resp = await put(client, manager, {"store": {"name": "Changed"}, **body})
    assert resp.status == 400, await resp.text()
    error = await resp.json()
    assert error["code"] == "rest_invalid_param"
    assert param in error["data"]["params"]
    after = await (await client.get(f"{BASE}/settings", headers=manager.auth)).json()
    assert after == before


async def test_changing_decimals_rescales_prices_and_shipping(client, ctx, manager):
    await put(client, manager, {"shipping": SHIPPING})
    product = await catalog.create_product(ctx, {"name": "Mug", "regular_price": "12.50"})
    resp = await put(client, manager, {"store": {"decimals": 0}})
    settings = await resp.json()
    assert settings["shipping"]["zones"][0]["methods"][0]["cost"] == "5"
    assert (await catalog.get_product(ctx, product["id"]))["regular_price"] == "13"
    await put(client, manager, {"store": {"decimals": 3}})
    assert (await catalog.get_product(ctx, product["id"]))["regular_price"] == "13.000"


ROUTES = [
    "/settings",
    "/settings/store",
    "/settings/tax",
    "/settings/shipping",
    "/settings/payments",
]


@pytest.mark.parametrize("path", ROUTES)
async def test_read_permissions(client, customer, manager, path):
    assert (await client.get(BASE + path)).status == 401
    resp = await client.get(BASE + path, headers=customer.auth)
    assert resp.status == 403
    assert (await resp.json())["code"] == "woocommerce_rest_cannot_view"
    assert (await client.get(BASE + path, headers=manager.auth)).status == 200


async def test_update_permissions(client, customer):
    resp = await client.put(f"{BASE}/settings", json={"store": {"name": "X"}})
    assert resp.status == 401
    resp = await client.put(
        f"{BASE}/settings", json={"store": {"name": "X"}}, headers=customer.auth
    )
    assert resp.status == 403
    assert (await resp.json())["code"] == "woocommerce_rest_cannot_edit"


async def test_no_input_becomes_a_500(client, manager):
    weird = [None, True, -1, 10**30, 1.5, "", "x", "١٢", [], ["a"], {}, [{"x": 1}], "🎉"]
    groups = {
        "store": ["name", "email", "country", "state", "currency", "currency_position",
                  "thousand_separator", "decimal_separator", "decimals", "weight_unit"],
        "tax": ["calc_taxes", "prices_include_tax", "tax_based_on", "round_at_subtotal",
                "shipping_tax_class", "classes", "rates"],
        "shipping": ["zones"],
        "payments": ["gateways"],
    }  # fmt: skip
    bodies = [
        {group: {field: v}} for group, fields in groups.items() for field in fields for v in weird
    ]
    for v in weird:
        rate = {
            "rate": v,
            "country": v,
            "state": v,
            "postcodes": v,
            "priority": v,
            "class": v,
            "id": v,
        }
        method = {"method_id": "flat_rate", "cost": v, "instance_id": v, "requires": v,
                  "min_amount": v, "enabled": v}  # fmt: skip
        zone = {"name": "Z", "id": v, "regions": v, "order": v, "methods": [method]}
        bodies += [
            {"tax": {"rates": [rate]}},
            {"tax": {"classes": [{"name": v, "slug": v}]}},
            {"shipping": {"zones": [zone]}},
            {"payments": {"gateways": [{"id": v}, {"id": "cod", "title": v, "order": v}]}},
        ]
    for body in bodies:
        resp = await put(client, manager, body)
        await answered_or_refused(resp, {200, 400}, body)
    headers = {**manager.auth, "Content-Type": "application/json"}
    for raw in ("[1, 2]", '"text"', "{"):
        resp = await client.put(f"{BASE}/settings", data=raw, headers=headers)
        assert resp.status == 400, (raw, await resp.text())


# -- the pricing engine's view --------------------------------------------------------
async def test_settings_convert_to_pricing_models(ctx):
    await store_settings.update_settings(
        ctx, {"store": {"country": "IR"}, "tax": TAX, "shipping": SHIPPING}
    )
    money = await store_settings.store_money(ctx)
    tax = await store_settings.tax_settings(ctx)
    zones = await store_settings.shipping_zones(ctx)
    assert money.currency == "USD" and money.decimals == 2
    assert tax.calc_taxes and tax.round_at_subtotal and len(tax.rates) == 2
    assert tax.rates[0].rate == Decimal("10.0000") and tax.base_address.country == "IR"
    assert [z.name for z in zones] == [
        "Tehran",
        "Iran",
        "Locations not covered by your other zones",
    ]
    assert zones[0].regions == ("state:IR:THR",)
    assert zones[0].methods[0].rate_id.startswith("flat_rate:")

    line = LineInput(product_id=1, quantity=2, unit_price_minor=5000)
    totals = compute_totals([line], [], Address(country="IR", state="THR"), tax, zones, None, money)
    assert totals.shipping_zone_id == zones[0].id
    # 100.00 of goods reaches the free-shipping minimum; flat rate and pickup are offered too.
    assert sorted(r.method_id for r in totals.shipping_rates) == [
        "flat_rate",
        "free_shipping",
        "local_pickup",
    ]
    assert totals.items_subtotal == 10000
    assert totals.cart_tax == 1000 + 150  # VAT 10% and the Tehran 1.5% rate
    assert await store_settings.payment_gateways(ctx, enabled_only=True) == []
