"""Writes over HTTP are attributed: the face (platform API, WordPress surface, an
integration token), the client's address, and whoever the credentials named."""

from __future__ import annotations

import pytest
from license_support import BASE, issue, licensed_product
from orders_support import lines, post_order
from support import basic_auth
from wc_key_support import make_key

from service.accounts import users as accounts
from service.audit import log as audit
from service.audit.log import AuditQuery
from service.integrations import tokens
from service.licensing import admin as licenses

HTTPS = {"X-Forwarded-Proto": "https"}


async def newest(ctx, action: str) -> audit.AuditEntry:
    _, found = await audit.search(ctx, AuditQuery(action=action), limit=1)
    assert found, f"no {action} entry"
    return found[0]


def by_user(entry: audit.AuditEntry, user: accounts.User) -> bool:
    return (entry.actor.kind, entry.actor.user_id, entry.actor.email) == (
        "user",
        user.id,
        user.email,
    )


async def test_a_jwt_write_on_the_platform_api(client, ctx, admin):
    resp = await client.post(
        "/api/v1/integrations/tokens/generate/", json={"name": "Shop"}, headers=admin.auth
    )
    assert resp.status == 201, await resp.text()
    entry = await newest(ctx, "token.create")
    assert (entry.face, entry.address) == ("api", "127.0.0.1")
    assert by_user(entry, admin.user)


async def test_an_application_password_write_on_the_wordpress_surface(client, ctx, manager):
    product = await licensed_product(ctx)
    _, password = await accounts.create_app_password(ctx, manager.user.id, "CI")
    resp = await client.post(
        f"{BASE}/licenses",
        json={"product_id": product["id"]},
        headers=basic_auth(manager.user.email, password),
    )
    assert resp.status == 201, await resp.text()
    entry = await newest(ctx, "license.create")
    assert (entry.face, entry.address) == ("wp", "127.0.0.1")
    assert by_user(entry, manager.user)
    assert entry.target_id == str((await resp.json())["id"])


async def test_an_api_key_write_names_the_client_behind_a_trusted_proxy(client, ctx, manager):
    ctx.settings.trusted_proxies = ("127.0.0.1",)
    product = await licensed_product(ctx)
    key = await make_key(ctx, manager.user)
    resp = await client.post(
        f"{BASE}/licenses",
        json={"product_id": product["id"]},
        headers={
            **basic_auth(key.consumer_key, key.consumer_secret),
            **HTTPS,
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    assert resp.status == 201, await resp.text()
    entry = await newest(ctx, "license.create")
    assert (entry.face, entry.address) == ("wp", "203.0.113.7")
    assert by_user(entry, manager.user)


async def test_an_anonymous_write_has_the_face_and_address_but_no_one(client, ctx):
    product = await licensed_product(ctx)
    lic = await issue(ctx, product)
    resp = await client.post(
        f"{BASE}/licenses/activate",
        json={"license_key": lic["license_key"], "domain": "shop.example.com"},
    )
    assert resp.status == 201, await resp.text()
    entry = await newest(ctx, "license.activate")
    assert (entry.face, entry.address, entry.actor.kind) == ("wp", "127.0.0.1", "anonymous")
    assert entry.summary["domain"] == "shop.example.com"


@pytest.mark.parametrize("batch", [False, True])
async def test_integration_token_events_are_the_tokens(client, ctx, manager, batch):
    issued = await tokens.generate(ctx, manager.user, name="Plugin")
    event = {
        "event_id": "evt-1",
        "event_type": "product.created",
        "product": {"id": 41, "name": "Kettle", "price": "10", "regular_price": "10"},
    }
    path = "/api/v1/integrations/woocommerce/webhook/" + ("batch/" if batch else "")
    body = {"events": [event, {**event, "event_id": "evt-2", "product": {
        **event["product"], "id": 42}}]} if batch else event  # fmt: skip
    resp = await client.post(path, json=body, headers={"Authorization": f"Bearer {issued.token}"})
    assert resp.status == 200, await resp.text()
    entry = await newest(ctx, "product_sync.events")
    assert (entry.face, entry.address) == ("token", "127.0.0.1")
    assert entry.actor.kind == "token" and entry.actor.name == "Plugin"
    assert (entry.actor.token_id, entry.actor.user_id) == (issued.info.id, manager.user.id)
    assert entry.summary["events"] == (2 if batch else 1)
    assert entry.summary["source_product_ids"] == ([41, 42] if batch else [41])
    assert issued.token not in repr(entry.public())


async def test_licenses_an_order_issues_and_disables_are_by_whoever_changed_the_order(
    client, ctx, admin, customer
):
    product = await licensed_product(ctx, days=30)
    order = await post_order(
        client, admin, customer_id=customer.user.id, line_items=lines((product["id"], 2))
    )
    await put_order(client, admin, order["id"], status="processing")  # paid: two licenses
    _, issued = await audit.search(ctx, AuditQuery(action="license.create"))
    assert len(issued) == 2
    keys = set()
    for entry in issued:
        assert (entry.face, entry.address) == ("wp", "127.0.0.1") and by_user(entry, admin.user)
        assert entry.summary["source"] == "order" and entry.summary["order_id"] == order["id"]
        assert entry.summary["product_id"] == product["id"]
        assert entry.summary["customer_id"] == customer.user.id
        license = await licenses.get_license(ctx, int(entry.target_id or 0))
        keys.add(license["license_key"])
    assert not any(key in str(entry.summary) for key in keys for entry in issued)

    await put_order(client, admin, order["id"], status="refunded")
    disabled = await newest(ctx, "license.disable")
    assert (disabled.target_type, disabled.target_id) == ("order", str(order["id"]))
    assert disabled.summary == {"licenses": 2, "order_status": "refunded"}
    assert by_user(disabled, admin.user) and disabled.face == "wp"


async def put_order(client, account, order_id: int, **body: object) -> None:
    resp = await client.put(f"{BASE}/orders/{order_id}", json=body, headers=account.auth)
    assert resp.status == 200, await resp.text()
