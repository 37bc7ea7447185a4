"""The audit log of the commerce domains: every write through the API leaves one entry
(action, target, what changed) in its own transaction; a refused write leaves none; a
guest's checkout is anonymous; a password change never shows the password."""

from __future__ import annotations

from typing import Any

import pytest
from orders_support import BASE, configure, lines, post_order, product
from storefront_support import ADDRESS, W, setup_shop, simple, token_of
from support import PASSWORD, Account

from service import catalog
from service.app.context import Context
from service.audit import log as audit
from service.audit.log import AuditEntry, AuditQuery
from service.audit.origin import Origin, acting
from service.catalog import write as catalog_write
from service.orders import coupons
from service.orders import crud as orders
from service.settings import shop_settings
from store import audit as audit_sql

ADDRESS_API = "203.0.113.5"


async def entries(ctx: Context, **query: Any) -> list[AuditEntry]:
    """Matching entries, oldest first (leaving out the fixtures' own accounts being made)."""
    found = (await audit.search(ctx, AuditQuery(**query), limit=100))[1]
    return [e for e in reversed(found) if "action" in query or e.action != "user.create"]


async def only(ctx: Context, action: str) -> AuditEntry:
    found = await entries(ctx, action=action)
    assert len(found) == 1, [e.public() for e in found]
    return found[0]


async def send(client, method: str, path: str, account: Account | None, expect: int, **body):
    headers = account.auth if account else {}
    resp = await client.request(method, f"{BASE}{path}", json=body or None, headers=headers)
    data = await resp.json()
    assert resp.status == expect, data
    return data


def target(entry: AuditEntry) -> tuple[str, str, str | None]:
    return entry.action, entry.target_type, entry.target_id


# -- catalog ---------------------------------------------------------------------------------
async def test_a_product_created_updated_trashed_and_deleted(client, ctx, manager):
    created = await send(
        client, "POST", "/products", manager, 201, name="Lamp", regular_price="15.00", sku="L-1"
    )
    pid = str(created["id"])
    await send(client, "PUT", f"/products/{pid}", manager, 200, name="Desk Lamp", sale_price="9")
    await send(client, "DELETE", f"/products/{pid}", manager, 200)
    await send(client, "DELETE", f"/products/{pid}?force=true", manager, 200)
    create, update, trash, delete = await entries(ctx, target_type="product")
    assert target(create) == ("product.create", "product", pid)
    assert create.summary == {"name": "Lamp", "regular_price": 1500, "sku": "L-1"}
    assert target(update) == ("product.update", "product", pid)
    assert update.summary == {"name": "Desk Lamp", "sale_price": 900}
    assert target(trash) == ("product.trash", "product", pid)
    assert trash.summary == {"name": "Desk Lamp", "sku": "L-1", "status": "publish"}
    assert target(delete) == ("product.delete", "product", pid)
    assert delete.summary["status"] == "trash"
    assert {e.outcome for e in (create, update, trash, delete)} == {"ok"}


async def test_refused_catalog_writes_leave_no_entry(client, ctx, manager):
    await send(client, "POST", "/products", manager, 201, name="Lamp", sku="L-1")
    before = await audit.latest(ctx)
    clash = await send(client, "POST", "/products", manager, 400, name="Other", sku="l-1")
    assert clash["code"] == "product_invalid_sku"
    await send(client, "PUT", "/products/9999", manager, 404, name="Nobody")
    await send(client, "POST", "/products", manager, 400, name="X", categories=[{"id": 77}])
    await send(client, "POST", "/products/categories", manager, 201, name="Tea")
    after_tea = await audit.latest(ctx)
    assert after_tea == before + 1
    dup = await send(client, "POST", "/products/categories", manager, 400, name="Tea")
    assert dup["code"] == "term_exists"
    assert await audit.latest(ctx) == after_tea


async def test_categories_tags_and_attributes(client, ctx, manager):
    """Created over the API; changed and deleted by the service (the console's way: the
    API has no item routes for terms)."""
    tea = await send(client, "POST", "/products/categories", manager, 201, name="Tea")
    await catalog.update_category(ctx, tea["id"], {"description": "Hot"})
    tag = await send(client, "POST", "/products/tags", manager, 201, name="new")
    await catalog.delete_tag(ctx, tag["id"], force=True)
    await catalog.create_attribute(ctx, "Size", ["S", "M"])
    found = [(target(e), e.summary) for e in await entries(ctx)]
    assert found == [
        (("category.create", "category", str(tea["id"])), {"name": "Tea"}),
        (("category.update", "category", str(tea["id"])), {"description": "Hot"}),
        (("tag.create", "tag", str(tag["id"])), {"name": "new"}),
        (("tag.delete", "tag", str(tag["id"])), {"name": "new"}),
        (("attribute.create", "attribute", found[-1][0][2]), {"name": "Size", "terms": ["S", "M"]}),
    ]


# -- orders ----------------------------------------------------------------------------------
@pytest.fixture
async def mug(ctx) -> int:
    await configure(ctx, tax={"calc_taxes": False})
    return await product(ctx, "Mug", "10", manage_stock=True, stock_quantity=5)


async def test_an_order_from_creation_to_refund(client, ctx, admin, mug):
    order = await post_order(client, admin, line_items=lines((mug, 2)), billing={"email": "A@x.io"})
    oid = str(order["id"])
    await send(client, "PUT", f"/orders/{oid}", admin, 200, status="processing")
    await send(client, "PUT", f"/orders/{oid}", admin, 200, customer_note="leave at the door")
    await send(client, "PUT", f"/orders/{oid}", admin, 200, status="refunded")
    await send(client, "POST", f"/orders/{oid}/notes", admin, 201, note="called the buyer")
    await send(client, "DELETE", f"/orders/{oid}", admin, 200)
    found = await entries(ctx, target_type="order")
    assert [target(e) for e in found] == [
        (action, "order", oid)
        for action in (
            "order.create", "order.status", "order.update", "order.refund", "order.note",
            "order.trash",
        )
    ]  # fmt: skip
    create, paid, note_field, refund, note, trash = found
    assert create.summary == {
        "status": "pending",
        "customer_id": 0,
        "email": "A@x.io",
        "line_items": [{"product_id": mug, "variation_id": 0, "qty": 2}],
        "coupons": [],
        "total": 2000,
    }
    assert paid.summary == {"status": ["pending", "processing"]}
    assert note_field.summary == {"customer_note": ["", "leave at the door"]}
    assert refund.summary == {"status": ["processing", "refunded"]}
    note_id = note.summary.pop("note_id")
    assert isinstance(note_id, int)
    assert note.summary == {"customer_note": False, "note": "called the buyer"}
    # The note's author is the signed-in user, whom the controller passes along.
    assert (note.actor.user_id, note.actor.email) == (admin.user.id, admin.user.email)
    assert trash.summary == {"status": "refunded", "email": "a@x.io", "total": 2000}


async def test_refused_order_writes_leave_no_entry(client, ctx, admin, mug):
    order = await post_order(client, admin, line_items=lines((mug, 1)))
    before = await audit.latest(ctx)
    await post_order(client, admin, 400, line_items=lines((mug, 99)), status="processing")
    refused = await send(client, "PUT", f"/orders/{order['id']}", admin, 400, status="refunded")
    assert refused["code"] == "woocommerce_rest_invalid_order_status"
    await send(client, "POST", f"/orders/{order['id']}/coupons", admin, 400, code="NOPE")
    await send(client, "POST", f"/orders/{order['id']}/notes", admin, 400, note=" ")
    assert await audit.latest(ctx) == before


async def test_an_orders_coupons_and_the_coupons_themselves(client, ctx, admin, mug):
    created = await send(
        client, "POST", "/coupons", admin, 201, code="TEN", discount_type="percent", amount="10"
    )
    cid = str(created["id"])
    await send(client, "PUT", f"/coupons/{cid}", admin, 200, amount="20")
    await send(client, "POST", "/coupons", admin, 400, code="ten", amount="1")  # taken
    order = await post_order(client, admin, line_items=lines((mug, 1)))
    url = f"/orders/{order['id']}/coupons"
    await send(client, "POST", url, admin, 200, code="ten")
    await send(client, "DELETE", f"{url}/TEN", admin, 200)
    await send(client, "DELETE", f"/coupons/{cid}?force=true", admin, 200)
    coupon_entries = await entries(ctx, target_type="coupon")
    assert [target(e) for e in coupon_entries] == [
        ("coupon.create", "coupon", cid),
        ("coupon.update", "coupon", cid),
        ("coupon.delete", "coupon", cid),
    ]
    create, update, delete = coupon_entries
    assert (create.summary["code"], create.summary["discount_type"]) == ("TEN", "percent")
    assert "code_key" not in create.summary
    assert update.summary == {"code": "TEN", "amount": [1000, 2000]}
    assert delete.summary == {"code": "TEN", "status": "publish"}
    added = await only(ctx, "order.coupon_add")
    removed = await only(ctx, "order.coupon_remove")
    assert added.target_id == removed.target_id == str(order["id"])
    assert added.summary == {"code": "ten", "coupons": [[], ["ten"]], "total": [1000, 800]}
    assert removed.summary == {"code": "TEN", "coupons": [["ten"], []], "total": [800, 1000]}


# -- customers -------------------------------------------------------------------------------
async def test_customers_created_updated_and_deleted_without_their_passwords(client, ctx, manager):
    secret = "a customer secret 4711"
    new = await send(
        client, "POST", "/customers", manager, 201,
        email="bo@example.com", first_name="Bo", password=secret,
    )  # fmt: skip
    cid = str(new["id"])
    await send(client, "PUT", f"/customers/{cid}", manager, 200, last_name="Lee", password=secret)
    await send(client, "POST", "/customers", manager, 400, email="BO@example.com")  # taken
    await send(client, "DELETE", f"/customers/{cid}?force=true", manager, 200)
    create, update, delete = await entries(ctx, target_type="customer")
    assert target(create) == ("customer.create", "customer", cid)
    assert create.summary == {
        "changed": ["email", "first_name", "password"],
        "email": "bo@example.com",
        "first_name": "Bo",
        "username": "bo",
    }
    assert target(update) == ("customer.update", "customer", cid)
    assert update.summary == {"changed": ["last_name", "password"], "last_name": "Lee"}
    assert target(delete) == ("customer.delete", "customer", cid)
    assert delete.summary == {"email": "bo@example.com", "username": "bo"}
    assert not await _rows_containing(ctx, secret)


# -- the storefront --------------------------------------------------------------------------
async def _cart_with(client, product_id: int, auth: dict[str, str] | None = None) -> str:
    resp = await client.post(
        f"{W}/cart/add", json={"id": product_id, "quantity": 1}, headers=auth or {}
    )
    assert resp.status == 201, await resp.text()
    return token_of(resp)


async def _checkout(client, token: str, auth: dict[str, str] | None = None, **body) -> Any:
    resp = await client.post(
        f"{W}/cart/checkout",
        json={"payment_method": "cod", **body},
        headers={**(auth or {}), "Cart-Token": token},
    )
    data = await resp.json()
    return resp.status, data


async def test_a_guests_checkout_is_anonymous_and_a_customers_is_theirs(client, ctx, customer):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "12.00")
    token = await _cart_with(client, mug["id"])
    status, placed = await _checkout(
        client, token, billing_address={**ADDRESS, "email": "guest@example.com"}
    )
    assert status == 200, placed
    mine = await _cart_with(client, mug["id"], customer.auth)
    status, own = await _checkout(
        client, mine, customer.auth, billing_address={**ADDRESS, "email": "alice@example.com"}
    )
    assert status == 200, own
    guest, signed_in = await entries(ctx, action="order.checkout")
    assert target(guest) == ("order.checkout", "order", str(placed["order_id"]))
    assert (guest.actor.kind, guest.actor.name, guest.actor.user_id) == (
        "anonymous", "anonymous", None,
    )  # fmt: skip
    assert guest.summary["email"] == "guest@example.com"
    assert guest.summary["line_items"] == [{"product_id": mug["id"], "variation_id": 0, "qty": 1}]
    assert target(signed_in) == ("order.checkout", "order", str(own["order_id"]))
    assert (signed_in.actor.kind, signed_in.actor.user_id, signed_in.actor.email) == (
        "user", customer.user.id, customer.user.email,
    )  # fmt: skip
    assert signed_in.summary["customer_id"] == customer.user.id


async def test_a_refused_checkout_leaves_no_entry(client, ctx):
    await setup_shop(ctx)
    mug = await simple(ctx, "Mug", "12.00")
    token = await _cart_with(client, mug["id"])
    before = await audit.latest(ctx)
    status, body = await _checkout(client, token)  # no billing email
    assert (status, body["code"]) == (400, "rest_invalid_param")
    assert await audit.latest(ctx) == before


async def test_a_customers_own_account_changes(client, ctx, customer):
    new_password = "a brand new secret 0815"
    headers = customer.auth
    resp = await client.post(f"{W}/account/profile", json={"first_name": "Al"}, headers=headers)
    assert resp.status == 200
    resp = await client.post(
        f"{W}/account/addresses", json={"billing": {"city": "Paris"}}, headers=headers
    )
    assert resp.status == 200
    wrong = await client.post(
        f"{W}/account/password",
        json={"current_password": "not it", "new_password": new_password},
        headers=headers,
    )
    assert wrong.status == 400
    before = await audit.latest(ctx)
    resp = await client.post(
        f"{W}/account/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=headers,
    )
    assert resp.status == 200
    # one entry for one change: not a user.password beside it, nothing for the check
    # of the current password
    new_entries = [e for e in await entries(ctx) if e.id > before]
    assert [target(e) for e in new_entries] == [
        ("account.password", "customer", str(customer.user.id))
    ]
    assert (new_entries[0].face, new_entries[0].actor.kind) == ("wp", "user")
    found = await entries(ctx, target_type="customer")
    assert [target(e) for e in found] == [
        (action, "customer", str(customer.user.id))
        for action in ("account.profile", "account.addresses", "account.password")
    ]
    profile, addresses, password = found
    assert profile.summary == {"changed": ["first_name"], "first_name": "Al"}
    assert addresses.summary == {"changed": ["billing"], "billing": {"city": "Paris"}}
    assert password.summary == {"changed": ["password"]}
    for entry in found:
        assert (entry.actor.user_id, entry.actor.email) == (customer.user.id, customer.user.email)
    assert not await _rows_containing(ctx, new_password)
    assert not await _rows_containing(ctx, PASSWORD)
    login = await client.post(
        "/api/v1/auth/login/", json={"email": customer.user.email, "password": new_password}
    )
    assert login.status == 200


# -- settings --------------------------------------------------------------------------------
async def test_settings_changes_old_and_new(client, ctx, admin):
    resp = await client.put(
        f"{BASE}/settings",
        json={"store": {"name": "Bazaar", "currency": "EUR"}, "payments": {"gateways": [
            {"id": "cod", "enabled": True}]}},
        headers=admin.auth,
    )  # fmt: skip
    assert resp.status == 200, await resp.json()
    entry = await only(ctx, "settings.update")
    assert (entry.target_type, entry.target_id) == ("settings", "store,payments")
    assert entry.summary == {
        "store.name": ["Shopkeep", "Bazaar"],
        "store.currency": ["USD", "EUR"],
        "payments.gateways.cod.enabled": [False, True],
    }
    before = await audit.latest(ctx)
    bad = await client.put(f"{BASE}/settings", json={"store": {"decimals": 99}}, headers=admin.auth)
    assert bad.status == 400
    same = await client.put(
        f"{BASE}/settings", json={"store": {"name": "Bazaar"}}, headers=admin.auth
    )
    assert same.status == 200
    assert await audit.latest(ctx) == before  # refused, and unchanged: nothing recorded


async def test_a_tax_rate_added_is_recorded_by_its_id(ctx):
    await shop_settings.update_settings(
        ctx, {"tax": {"rates": [{"country": "US", "rate": "7", "name": "State"}]}}
    )
    entry = await only(ctx, "settings.update")
    [(path, (old, new))] = [(k, v) for k, v in entry.summary.items() if k.startswith("tax.rates")]
    assert path == "tax.rates.1" and old is None
    assert (new["country"], new["name"]) == ("US", "State")


# -- who and where ---------------------------------------------------------------------------
async def test_writes_without_an_actor_take_the_faces_caller(ctx, manager, admin):
    """Catalog, coupon, customer and settings functions take no actor: the face's origin
    says who acted (the HTTP face sets it per request; here it is set by hand)."""
    who = manager.user.audit_identity()
    with acting(Origin("api", ADDRESS_API, who)):
        product_id = await product(ctx, "Cup", "3")
        await coupons.create_coupon(
            ctx, {"code": "C1", "discount_type": "fixed_cart", "amount": "1"}
        )
        await shop_settings.update_settings(ctx, {"store": {"name": "Cups"}})
        order = await orders.create_order(ctx, {"line_items": lines((product_id, 1))})
    with acting(Origin("console", None, admin.user.audit_identity())):
        await orders.update_order(ctx, order["id"], {"status": "on-hold"}, actor=admin.user)
    *by_manager, on_hold = await entries(ctx)
    assert [e.action for e in by_manager] == [
        "product.create", "coupon.create", "settings.update", "order.create",
    ]  # fmt: skip
    for entry in by_manager:
        assert (entry.face, entry.address) == ("api", ADDRESS_API)
        assert (entry.actor.kind, entry.actor.user_id, entry.actor.email) == (
            "user", manager.user.id, manager.user.email,
        )  # fmt: skip
    assert (on_hold.action, on_hold.face, on_hold.actor.user_id) == (
        "order.status", "console", admin.user.id,
    )  # fmt: skip


async def test_an_entry_is_undone_with_the_outer_transaction(ctx):
    """Nested service calls are savepoints: their entries go with the outer rollback."""
    before = await audit.latest(ctx)
    with pytest.raises(RuntimeError):
        async with ctx.store.transaction():
            await catalog_write.create(ctx, {"name": "Ghost"})
            raise RuntimeError("the caller changed its mind")
    assert await audit.latest(ctx) == before


async def test_an_api_write_carries_the_http_face_and_the_caller(client, ctx, manager):
    created = await send(client, "POST", "/products", manager, 201, name="Lamp")
    entry = await only(ctx, "product.create")
    assert entry.target_id == str(created["id"])
    assert (entry.face, entry.address) == ("wp", "127.0.0.1")
    assert (entry.actor.kind, entry.actor.user_id, entry.actor.email) == (
        "user", manager.user.id, manager.user.email,
    )  # fmt: skip


async def _rows_containing(ctx: Context, text: str) -> list[Any]:
    """Raw audit_log rows holding ``text`` anywhere (every column, as stored)."""
    rows = await audit_sql.search(ctx.store, AuditQuery(), limit=10_000)
    assert rows, "nothing recorded at all"
    return [row for row in rows if any(text in str(value) for value in tuple(row))]
