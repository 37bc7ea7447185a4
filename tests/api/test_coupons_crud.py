"""/coupons and /coupons/{id}: WooCommerce fields, required fields, unique case-insensitive
codes that cannot change, list search/filter/pagination, trash and force, permissions,
and amounts rescaled when the currency's decimals change."""

from __future__ import annotations

from orders_support import BASE, configure

from service.orders import coupons
from service.settings import shop_settings as store_settings


async def create(client, account, expect=201, **fields):
    resp = await client.post(f"{BASE}/coupons", json=fields, headers=account.auth)
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def test_create_returns_201_location_and_woocommerce_fields(client, admin, settings):
    resp = await client.post(
        f"{BASE}/coupons",
        json={
            "code": "  Summer-Sale  ",
            "amount": "12.5",
            "discount_type": "percent",
            "description": "تخفیف تابستانه",
            "date_expires": "2030-06-30",
            "individual_use": True,
            "product_ids": [3, "4"],
            "excluded_product_categories": [9],
            "usage_limit": 10,
            "usage_limit_per_user": 0,
            "minimum_amount": "20",
            "email_restrictions": ["*@Example.com", "vip@shop.test"],
            "exclude_sale_items": True,
            "free_shipping": True,
            "usage_count": 99,  # read-only
        },
        headers=admin.auth,
    )
    assert resp.status == 201, await resp.text()
    coupon = await resp.json()
    assert resp.headers["Location"] == f"{settings.base_url}{BASE}/coupons/{coupon['id']}"
    assert coupon["code"] == "Summer-Sale"
    assert coupon["amount"] == "12.50" and coupon["discount_type"] == "percent"
    assert coupon["description"] == "تخفیف تابستانه"
    assert coupon["date_expires"] == coupon["date_expires_gmt"] == "2030-06-30T00:00:00"
    assert coupon["usage_count"] == 0 and coupon["used_by"] == []
    assert coupon["usage_limit"] == 10 and coupon["usage_limit_per_user"] is None
    assert coupon["limit_usage_to_x_items"] is None
    assert coupon["product_ids"] == [3, 4] and coupon["excluded_product_ids"] == []
    assert coupon["excluded_product_categories"] == [9]
    assert coupon["minimum_amount"] == "20.00" and coupon["maximum_amount"] == "0.00"
    assert coupon["email_restrictions"] == ["*@example.com", "vip@shop.test"]
    assert coupon["individual_use"] and coupon["exclude_sale_items"] and coupon["free_shipping"]
    assert coupon["status"] == "publish" and coupon["meta_data"] == []
    fetched = await client.get(f"{BASE}/coupons/{coupon['id']}", headers=admin.auth)
    assert await fetched.json() == coupon


async def test_code_amount_and_type_are_required(client, admin):
    error = await create(client, admin, 400, code="X")
    assert error["code"] == "rest_missing_callback_param"
    assert set(error["data"]["params"]) == {"amount", "discount_type"}
    blank = await create(client, admin, 400, code="   ", amount="1", discount_type="fixed_cart")
    assert blank["code"] == "rest_invalid_param" and "code" in blank["data"]["params"]


async def test_bad_values_are_rest_invalid_param(client, admin):
    for fields, param in (
        ({"amount": "ten"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "101", "discount_type": "percent"}, "amount"),
        ({"discount_type": "percent_product"}, "discount_type"),
        ({"minimum_amount": "lots"}, "minimum_amount"),
        ({"usage_limit": -1}, "usage_limit"),
        ({"product_ids": ["a"]}, "product_ids"),
        ({"email_restrictions": ["not an email"]}, "email_restrictions"),
        ({"date_expires": "tomorrow"}, "date_expires"),
    ):
        body = {"code": "BAD", "amount": "5", "discount_type": "fixed_cart", **fields}
        error = await create(client, admin, 400, **body)
        assert error["code"] == "rest_invalid_param", fields
        assert param in error["data"]["params"], (fields, error)
    listed = await client.get(f"{BASE}/coupons", headers=admin.auth)
    assert await listed.json() == []


async def test_codes_are_unique_case_insensitively(client, admin):
    await create(client, admin, code="WELCOME", amount="5", discount_type="fixed_cart")
    error = await create(client, admin, 400, code=" welcome ", amount="1", discount_type="percent")
    assert error["code"] == "woocommerce_rest_coupon_code_already_exists"
    assert error["message"] == "The coupon code already exists"


async def test_code_cannot_change_but_the_rest_can(client, admin):
    coupon = await create(client, admin, code="SPRING", amount="5", discount_type="fixed_cart")
    url = f"{BASE}/coupons/{coupon['id']}"
    changed = await client.put(url, json={"code": "AUTUMN"}, headers=admin.auth)
    assert changed.status == 400
    assert (await changed.json())["data"]["params"]["code"]
    same = await client.put(url, json={"code": "spring", "amount": "7.25"}, headers=admin.auth)
    assert same.status == 200
    updated = await same.json()
    assert updated["code"] == "SPRING" and updated["amount"] == "7.25"
    retyped = await (
        await client.put(url, json={"discount_type": "percent"}, headers=admin.auth)
    ).json()
    assert (retyped["discount_type"], retyped["amount"]) == ("percent", "7.25")
    cleared = await (
        await client.put(url, json={"date_expires": None, "minimum_amount": ""}, headers=admin.auth)
    ).json()
    assert cleared["date_expires"] is None and cleared["minimum_amount"] == "0.00"


async def test_list_search_filter_and_pagination(client, admin):
    for code, kind in (("ALPHA", "percent"), ("BETA", "fixed_cart"), ("GAMMA", "fixed_product"),
                       ("ALPINE", "percent")):  # fmt: skip
        await create(client, admin, code=code, amount="1", discount_type=kind)

    async def codes(query):
        resp = await client.get(f"{BASE}/coupons?{query}", headers=admin.auth)
        assert resp.status == 200, await resp.text()
        return [c["code"] for c in await resp.json()], resp.headers

    assert (await codes(""))[0] == ["ALPINE", "GAMMA", "BETA", "ALPHA"]
    assert (await codes("search=alp"))[0] == ["ALPINE", "ALPHA"]
    assert (await codes("discount_type=percent"))[0] == ["ALPINE", "ALPHA"]
    assert (await codes("code=beta"))[0] == ["BETA"]
    assert (await codes("orderby=code&order=asc"))[0] == ["ALPHA", "ALPINE", "BETA", "GAMMA"]
    page, headers = await codes("per_page=3&page=2")
    assert page == ["ALPHA"] and headers["X-WP-Total"] == "4" and headers["X-WP-TotalPages"] == "2"
    bad = await client.get(f"{BASE}/coupons?discount_type=free", headers=admin.auth)
    assert bad.status == 400


async def test_trash_410_and_force(client, admin):
    coupon = await create(client, admin, code="OLD", amount="1", discount_type="fixed_cart")
    url = f"{BASE}/coupons/{coupon['id']}"
    trashed = await client.delete(url, headers=admin.auth)
    assert trashed.status == 200 and (await trashed.json())["status"] == "trash"
    assert await (await client.get(f"{BASE}/coupons", headers=admin.auth)).json() == []
    again = await client.delete(url, headers=admin.auth)
    assert (
        again.status == 410 and (await again.json())["code"] == "woocommerce_rest_already_trashed"
    )
    # a trashed code is free again
    await create(client, admin, code="old", amount="2", discount_type="fixed_cart")
    gone = await client.delete(f"{url}?force=true", headers=admin.auth)
    assert gone.status == 200 and (await gone.json())["code"] == "OLD"
    missing = await client.get(url, headers=admin.auth)
    assert missing.status == 404
    assert (await missing.json())["code"] == "woocommerce_rest_shop_coupon_invalid_id"


async def test_permissions(client, customer):
    assert (await client.get(f"{BASE}/coupons")).status == 401
    assert (await client.get(f"{BASE}/coupons", headers=customer.auth)).status == 403
    created = await client.post(
        f"{BASE}/coupons",
        json={"code": "X", "amount": "1", "discount_type": "percent"},
        headers=customer.auth,
    )
    assert created.status == 403


async def test_fixed_amounts_follow_the_currency_decimals(ctx):
    fixed = await coupons.create_coupon(
        ctx, {"code": "F", "amount": "12.35", "discount_type": "fixed_cart", "maximum_amount": "99"}
    )
    pct = await coupons.create_coupon(
        ctx, {"code": "P", "amount": "12.5", "discount_type": "percent"}
    )
    await configure(ctx, store={"currency": "IRT", "decimals": 0})
    assert (await coupons.get_coupon(ctx, fixed["id"]))["amount"] == "12"
    assert (await coupons.get_coupon(ctx, fixed["id"]))["maximum_amount"] == "99"
    assert (await coupons.get_coupon(ctx, pct["id"]))["amount"] == "12.50"
    await store_settings.update_settings(ctx, {"store": {"decimals": 3}})
    assert (await coupons.get_coupon(ctx, fixed["id"]))["amount"] == "12.000"
