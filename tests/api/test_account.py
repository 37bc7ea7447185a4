"""The customer account: only one's own orders, profile, addresses, downloads; password."""

from __future__ import annotations

from storefront_support import ADDRESS, W, setup_shop, simple, token_of
from support import PASSWORD

from service.orders import crud as orders


async def _order(ctx, customer_id: int, product_id: int, status: str = "pending", **extra):
    data = {
        "customer_id": customer_id,
        "status": status,
        "billing": {**ADDRESS, "email": "buyer@example.com"},
        "line_items": [{"product_id": product_id, "quantity": 1}],
        **extra,
    }
    return await orders.create_order(ctx, data)


async def _json(resp, status=200):
    body = await resp.json()
    assert resp.status == status, body
    return body


ROUTES = [
    ("GET", "/account/orders"),
    ("GET", "/account/orders/1"),
    ("GET", "/account/profile"),
    ("POST", "/account/profile"),
    ("POST", "/account/password"),
    ("GET", "/account/addresses"),
    ("POST", "/account/addresses"),
    ("GET", "/account/downloads"),
]


async def test_every_account_route_needs_a_login(client, ctx):
    for method, path in ROUTES:
        resp = await client.request(method, f"{W}{path}", json={})
        body = await _json(resp, 401)
        assert body["code"] == "rest_not_logged_in", path
        assert body["data"]["status"] == 401


async def test_staff_have_no_storefront_account(client, ctx, manager):
    for method, path in ROUTES:
        body = {"current_password": "x", "new_password": "y" * 10} if "password" in path else {}
        resp = await client.request(method, f"{W}{path}", json=body, headers=manager.auth)
        assert resp.status == 403, path


async def test_orders_are_the_customers_own(client, ctx, customer, other_customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "10.00")
    mine = await _order(ctx, customer.user.id, mug["id"])
    theirs = await _order(ctx, other_customer.user.id, mug["id"])
    guest = await _order(ctx, 0, mug["id"])
    resp = await client.get(f"{W}/account/orders", headers=customer.auth)
    listed = await _json(resp)
    assert [o["id"] for o in listed] == [mine["id"]]
    assert resp.headers["X-WP-Total"] == "1"
    one = await _json(await client.get(f"{W}/account/orders/{mine['id']}", headers=customer.auth))
    assert one["id"] == mine["id"] and one["line_items"][0]["name"] == "Mug"
    for other in (theirs["id"], guest["id"], 987654):
        resp = await client.get(f"{W}/account/orders/{other}", headers=customer.auth)
        body = await _json(resp, 404)
        assert body["code"] == "woocommerce_rest_shop_order_invalid_id"
    filtered = await client.get(
        f"{W}/account/orders", params={"status": "completed"}, headers=customer.auth
    )
    assert await _json(filtered) == []


async def test_profile_read_and_change(client, ctx, customer, other_customer):
    profile = await _json(await client.get(f"{W}/account/profile", headers=customer.auth))
    assert profile["email"] == "alice@example.com" and profile["id"] == customer.user.id
    changed = await _json(
        await client.post(
            f"{W}/account/profile",
            json={"first_name": "آلیس", "last_name": "Doe 😀", "email": "alice2@example.com"},
            headers=customer.auth,
        )
    )
    assert changed["first_name"] == "آلیس" and changed["last_name"] == "Doe 😀"
    assert changed["email"] == "alice2@example.com"
    taken = await client.post(
        f"{W}/account/profile", json={"email": "bob@example.com"}, headers=customer.auth
    )
    assert taken.status == 400
    refused = await client.post(
        f"{W}/account/profile", json={"password": "sneaky-new-pass"}, headers=customer.auth
    )
    body = await _json(refused, 400)
    assert body["code"] == "rest_invalid_param" and "password" in body["data"]["params"]
    bob = await _json(await client.get(f"{W}/account/profile", headers=other_customer.auth))
    assert bob["email"] == "bob@example.com"  # untouched


async def test_addresses_read_and_change_field_by_field(client, ctx, customer, other_customer):
    first = await _json(
        await client.post(
            f"{W}/account/addresses",
            json={"billing": {**ADDRESS, "email": "alice@example.com"}},
            headers=customer.auth,
        )
    )
    assert first["billing"]["city"] == "Los Angeles"
    second = await _json(
        await client.post(
            f"{W}/account/addresses",
            json={"billing": {"city": "San Diego"}, "shipping": {"country": "us"}},
            headers=customer.auth,
        )
    )
    assert second["billing"]["city"] == "San Diego" and second["billing"]["postcode"] == "90001"
    assert second["shipping"]["country"] == "US"
    bad = await client.post(
        f"{W}/account/addresses", json={"billing": {"country": "Iran"}}, headers=customer.auth
    )
    assert (await _json(bad, 400))["code"] == "rest_invalid_param"
    bob = await _json(await client.get(f"{W}/account/addresses", headers=other_customer.auth))
    assert bob["billing"]["city"] == ""


async def test_password_change_keeps_this_session_and_ends_the_others(client, ctx, customer):
    other_session = await client.post(
        "/api/v1/auth/login/", json={"email": "alice@example.com", "password": PASSWORD}
    )
    other = await _json(other_session)
    wrong = await client.post(
        f"{W}/account/password",
        json={"current_password": "not it", "new_password": "a brand new secret"},
        headers=customer.auth,
    )
    body = await _json(wrong, 400)
    assert body["code"] == "incorrect_password"
    short = await client.post(
        f"{W}/account/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=customer.auth,
    )
    assert (await _json(short, 400))["code"] == "rest_invalid_param"
    mismatch = await client.post(
        f"{W}/account/password",
        json={
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm_password": "something else",
        },
        headers=customer.auth,
    )
    assert (await _json(mismatch, 400))["code"] == "rest_invalid_param"
    done = await _json(
        await client.post(
            f"{W}/account/password",
            json={"current_password": PASSWORD, "new_password": "a brand new secret"},
            headers=customer.auth,
        )
    )
    assert done["success"] and done["access"] and done["refresh"]
    fresh = {"Authorization": f"Bearer {done['access']}"}
    assert (await client.get(f"{W}/account/profile", headers=fresh)).status == 200
    refreshed = await client.post("/api/v1/auth/refresh/", json={"refresh": done["refresh"]})
    assert refreshed.status == 200
    for stale in (other["refresh"], customer.refresh):
        resp = await client.post("/api/v1/auth/refresh/", json={"refresh": stale})
        assert resp.status == 401
    old_access = await client.get(f"{W}/account/profile", headers=customer.auth)
    assert old_access.status == 401
    login = await client.post(
        "/api/v1/auth/login/", json={"email": "alice@example.com", "password": "a brand new secret"}
    )
    assert login.status == 200


async def test_downloads_of_paid_orders_with_remaining_and_expiry(client, ctx, customer):
    await setup_shop(ctx)
    ebook = await simple(
        ctx,
        "E-book",
        "9.00",
        virtual=True,
        downloadable=True,
        downloads=[{"name": "book.pdf", "file": "https://files.test/book.pdf"}],
        download_limit=5,
        download_expiry=30,
    )
    forever = await simple(
        ctx,
        "Fonts",
        "3.00",
        virtual=True,
        downloadable=True,
        downloads=[{"name": "fonts.zip", "file": "https://files.test/fonts.zip"}],
    )
    mug = await simple(ctx, "Mug", "10.00")
    await _order(ctx, customer.user.id, ebook["id"], status="completed")
    await _order(ctx, customer.user.id, forever["id"], status="processing")
    await _order(ctx, customer.user.id, ebook["id"], status="pending")  # unpaid: nothing
    await _order(ctx, customer.user.id, mug["id"], status="completed")  # not downloadable
    listed = await _json(await client.get(f"{W}/account/downloads", headers=customer.auth))
    assert [d["download_name"] for d in listed] == ["book.pdf", "fonts.zip"]
    book, fonts = listed
    assert book["downloads_remaining"] == "5" and book["access_expires"] != "never"
    assert fonts["downloads_remaining"] == "unlimited" and fonts["access_expires"] == "never"
    assert book["file"]["file"] == "https://files.test/book.pdf"
    assert book["product_name"] == "E-book" and book["order_key"]


async def test_customer_checkout_uses_the_profile(client, ctx, customer):
    await setup_shop(ctx)
    await client.post(
        f"{W}/account/addresses",
        json={"billing": {**ADDRESS, "email": "alice@example.com"}},
        headers=customer.auth,
    )
    mug = await simple(ctx, "Mug", "12.00")
    resp = await client.post(f"{W}/cart/add", json={"id": mug["id"]}, headers=customer.auth)
    assert resp.status == 201 and token_of(resp)
    resp = await client.post(
        f"{W}/cart/checkout", json={"payment_method": "cod"}, headers=customer.auth
    )
    placed = await _json(resp)
    assert placed["customer_id"] == customer.user.id
    assert placed["billing_address"]["city"] == "Los Angeles"
    mine = await _json(await client.get(f"{W}/account/orders", headers=customer.auth))
    assert [o["id"] for o in mine] == [placed["order_id"]]
