"""/customers and /customers/{id}: fields, login, unique email, 501 without force,
validation, permissions."""

from __future__ import annotations

import pytest
from support import answered_or_refused

from service.accounts import customers
from store import customers as customer_sql

BASE = "/wp-json/woonoow/v1"
BILLING = {
    "first_name": "سارا",
    "last_name": "احمدی",
    "address_1": "خیابان ولیعصر، پلاک ۱۲",
    "city": "تهران",
    "state": "THR",
    "postcode": "1415913111",
    "country": "ir",
    "email": "sara.billing@example.com",
    "phone": "+98 912 000 0000",
}


async def create(client, account, **fields):
    resp = await client.post(f"{BASE}/customers", json=fields, headers=account.auth)
    assert resp.status == 201, await resp.text()
    return resp, await resp.json()


async def test_create_customer_fields_and_location(client, manager, settings):
    resp, customer = await create(
        client,
        manager,
        email="Sara@Example.com",
        first_name="سارا",
        last_name="احمدی",
        billing=BILLING,
        shipping={"city": "Shiraz", "country": "IR"},
    )
    assert resp.headers["Location"] == f"{settings.base_url}{BASE}/customers/{customer['id']}"
    assert customer["email"] == "Sara@Example.com"
    assert customer["role"] == "customer" and customer["username"] == "Sara"
    assert customer["first_name"] == "سارا"
    assert customer["billing"] == {**BILLING, "company": "", "address_2": "", "country": "IR"}
    assert customer["shipping"]["city"] == "Shiraz" and customer["shipping"]["first_name"] == ""
    assert "email" not in customer["shipping"]
    assert customer["is_paying_customer"] is False
    assert customer["orders_count"] == 0 and customer["total_spent"] == "0.00"
    assert customer["avatar_url"].startswith("https://secure.gravatar.com/avatar/")
    assert "password" not in customer
    got = await client.get(f"{BASE}/customers/{customer['id']}", headers=manager.auth)
    assert (await got.json()) == customer


async def test_a_customer_can_log_in(client, manager):
    await create(client, manager, email="buyer@example.com", password="s3cret-pass")
    resp = await client.post(
        "/api/v1/auth/login/", json={"email": "buyer@example.com", "password": "s3cret-pass"}
    )
    assert resp.status == 200
    assert (await resp.json())["user"]["role"] == "customer"


async def test_without_password_a_random_one_is_set(client, manager):
    _, customer = await create(client, manager, email="nopass@example.com")
    for guess in ("", "password", "nopass@example.com"):
        resp = await client.post(
            "/api/v1/auth/login/", json={"email": "nopass@example.com", "password": guess}
        )
        assert resp.status in (400, 401)
    assert customer["username"] == "nopass"


async def test_duplicate_email_and_username(client, manager, customer):
    resp = await client.post(
        f"{BASE}/customers", json={"email": "ALICE@example.com"}, headers=manager.auth
    )
    assert resp.status == 400
    assert (await resp.json())["code"] == "registration-error-email-exists"
    await create(client, manager, email="one@example.com", username="shopper")
    resp = await client.post(
        f"{BASE}/customers",
        json={"email": "two@example.com", "username": "SHOPPER"},
        headers=manager.auth,
    )
    assert resp.status == 400
    assert (await resp.json())["code"] == "registration-error-username-exists"
    # The failed attempt left no account behind.
    listed = await client.get(f"{BASE}/customers?search=two@", headers=manager.auth)
    assert await listed.json() == []


async def test_generated_usernames_are_unique(client, manager):
    _, first = await create(client, manager, email="sam@example.com")
    _, second = await create(client, manager, email="sam@example.org")
    assert (first["username"], second["username"]) == ("sam", "sam-2")


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": ["long-enough"]}, "password"),
        ({"email": "a@example.com", "username": "bad/name!"}, "username"),
        ({"email": "a@example.com", "billing": {"email": "nope"}}, "billing"),
        ({"email": "a@example.com", "billing": {"country": "Iran"}}, "billing"),
        ({"email": "a@example.com", "billing": "Tehran"}, "billing"),
        ({"email": "a@example.com", "first_name": ["x"]}, "first_name"),
    ],
)
async def test_bad_input_is_400_and_creates_nothing(client, manager, payload, param):
    resp = await client.post(f"{BASE}/customers", json=payload, headers=manager.auth)
    assert resp.status == 400, await resp.text()
    body = await resp.json()
    assert body["code"] == "rest_invalid_param"
    assert param in body["data"]["params"]
    listed = await client.get(f"{BASE}/customers", headers=manager.auth)
    assert listed.headers["X-WP-Total"] == "0"


async def test_missing_email(client, manager):
    resp = await client.post(f"{BASE}/customers", json={"first_name": "X"}, headers=manager.auth)
    assert resp.status == 400
    assert (await resp.json())["code"] == "rest_missing_callback_param"


async def test_update_is_partial_and_addresses_merge(client, manager):
    _, customer = await create(client, manager, email="p@example.com", billing=BILLING)
    url = f"{BASE}/customers/{customer['id']}"
    resp = await client.put(
        url, json={"last_name": "Rahimi", "billing": {"city": "Karaj"}}, headers=manager.auth
    )
    assert resp.status == 200
    updated = await resp.json()
    assert updated["last_name"] == "Rahimi"
    assert updated["billing"]["city"] == "Karaj"
    assert updated["billing"]["address_1"] == BILLING["address_1"]
    assert updated["email"] == "p@example.com"


async def test_update_email_rules_and_username_not_editable(client, manager, customer):
    _, other = await create(client, manager, email="p@example.com")
    url = f"{BASE}/customers/{other['id']}"
    resp = await client.put(url, json={"email": "alice@example.com"}, headers=manager.auth)
    assert resp.status == 400
    assert (await resp.json())["code"] == "woocommerce_rest_customer_invalid_email"
    resp = await client.put(url, json={"username": "someone"}, headers=manager.auth)
    assert (await resp.json())["code"] == "woocommerce_rest_customer_invalid_argument"
    resp = await client.put(url, json={"email": "new@example.com"}, headers=manager.auth)
    assert (await resp.json())["email"] == "new@example.com"
    login = await client.post(
        "/api/v1/auth/login/", json={"email": "new@example.com", "password": "x" * 8}
    )
    assert login.status == 401  # the account moved to the new email; the password is random


async def test_new_password_revokes_tokens(client, manager, customer):
    assert (await client.get("/api/v1/auth/me/", headers=customer.auth)).status == 200
    url = f"{BASE}/customers/{customer.user.id}"
    resp = await client.put(url, json={"password": "brand-new-pass"}, headers=manager.auth)
    assert resp.status == 200
    me = await client.get("/api/v1/auth/me/", headers=customer.auth)
    assert me.status == 401
    login = await client.post(
        "/api/v1/auth/login/", json={"email": customer.user.email, "password": "brand-new-pass"}
    )
    assert login.status == 200


async def test_delete_needs_force(client, manager):
    _, customer = await create(client, manager, email="gone@example.com")
    url = f"{BASE}/customers/{customer['id']}"
    resp = await client.delete(url, headers=manager.auth)
    assert resp.status == 501
    body = await resp.json()
    assert body["code"] == "woocommerce_rest_trash_not_supported"
    assert body["message"] == "Customers do not support trashing."
    resp = await client.delete(url + "?force=true", headers=manager.auth)
    assert resp.status == 200
    assert (await resp.json())["email"] == "gone@example.com"
    resp = await client.get(url, headers=manager.auth)
    assert resp.status == 404
    assert (await resp.json())["code"] == "woocommerce_rest_invalid_id"
    resp = await client.delete(url + "?force=true", headers=manager.auth)
    assert resp.status == 404


async def test_a_deleted_customer_is_signed_out_at_once(client, manager, customer):
    assert (await client.get("/api/v1/auth/me/", headers=customer.auth)).status == 200
    url = f"{BASE}/customers/{customer.user.id}?force=true"
    assert (await client.delete(url, headers=manager.auth)).status == 200
    assert (await client.get("/api/v1/auth/me/", headers=customer.auth)).status == 401


async def test_staff_are_not_customers(client, admin, manager):
    resp = await client.get(f"{BASE}/customers/{admin.user.id}", headers=manager.auth)
    assert resp.status == 404
    resp = await client.delete(f"{BASE}/customers/{admin.user.id}?force=true", headers=manager.auth)
    assert resp.status == 404
    resp = await client.get(f"{BASE}/customers", headers=manager.auth)
    assert await resp.json() == []


async def test_list_search_order_and_pagination(client, ctx, manager, customer):
    for first, last in (("Zahra", "Amini"), ("Ali", "Rezaei"), ("Mina", "Karimi")):
        await customers.create_customer(
            ctx, {"email": f"{first.lower()}@example.com", "first_name": first, "last_name": last}
        )
    resp = await client.get(f"{BASE}/customers?per_page=2", headers=manager.auth)
    assert resp.headers["X-WP-Total"] == "4" and resp.headers["X-WP-TotalPages"] == "2"
    # By display name: "Ali Rezaei" < "Alice" (Alice has no profile yet).
    assert [c["first_name"] for c in await resp.json()] == ["Ali", ""]
    assert 'rel="next"' in resp.headers["Link"]
    resp = await client.get(f"{BASE}/customers?search=karimi", headers=manager.auth)
    assert [c["email"] for c in await resp.json()] == ["mina@example.com"]
    resp = await client.get(f"{BASE}/customers?email=ZAHRA@example.com", headers=manager.auth)
    assert [c["first_name"] for c in await resp.json()] == ["Zahra"]
    resp = await client.get(f"{BASE}/customers?orderby=id&order=desc", headers=manager.auth)
    assert (await resp.json())[0]["first_name"] == "Mina"
    resp = await client.get(f"{BASE}/customers?per_page=0", headers=manager.auth)
    assert resp.status == 400


ROUTES = [
    ("get", "/customers", "woocommerce_rest_cannot_view"),
    ("post", "/customers", "woocommerce_rest_cannot_create"),
    ("get", "/customers/{id}", "woocommerce_rest_cannot_view"),
    ("put", "/customers/{id}", "woocommerce_rest_cannot_edit"),
    ("delete", "/customers/{id}", "woocommerce_rest_cannot_delete"),
    ("get", "/customers/search", "woocommerce_rest_cannot_view"),
]


@pytest.mark.parametrize(("method", "path", "code"), ROUTES)
async def test_permissions(client, manager, customer, method, path, code):
    url = BASE + path.format(id=customer.user.id)
    payload = {"email": "new-one@example.com"}
    resp = await getattr(client, method)(url, json=payload)
    assert (resp.status, (await resp.json())["code"]) == (401, code)
    resp = await getattr(client, method)(url, json=payload, headers=customer.auth)
    assert (resp.status, (await resp.json())["code"]) == (403, code)
    if method == "delete":
        url += "?force=true"
    resp = await getattr(client, method)(url, json=payload, headers=manager.auth)
    assert resp.status in (200, 201), await resp.text()


async def test_no_input_becomes_a_500(client, manager, customer):
    weird = [None, True, -1, 10**30, 1.5, "", "x", [], ["a"], {}, {"x": 1}, "\x00", "🎉"]
    fields = ["email", "first_name", "last_name", "username", "password", "billing", "shipping"]
    for field in [*fields, "id"]:
        for value in weird:
            resp = await client.post(
                f"{BASE}/customers",
                json={"email": "f@example.com", field: value},
                headers=manager.auth,
            )
            await answered_or_refused(resp, {201, 400}, field, value)
            resp = await client.put(
                f"{BASE}/customers/{customer.user.id}", json={field: value}, headers=manager.auth
            )
            await answered_or_refused(resp, {200, 400}, field, value)


async def test_a_customer_is_created_whole_or_not_at_all(ctx, monkeypatch):
    """The account and its profile are one transaction: a failure writing the profile
    leaves no account behind (no login without a customer)."""

    async def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(customer_sql, "save_profile", broken)
    with pytest.raises(RuntimeError):
        await customers.create_customer(ctx, {"email": "half@example.com", "first_name": "H"})
    count = await ctx.store.fetchval(
        "SELECT count(*) FROM users WHERE email = ?", ("half@example.com",)
    )
    assert count == 0
