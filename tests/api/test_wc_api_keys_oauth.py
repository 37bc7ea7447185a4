"""WooCommerce API keys over plain HTTP: one-legged OAuth 1.0a, as WC_REST_Authentication."""

from __future__ import annotations

import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256
from wc_key_support import BASE, make_key, oauth_path, wc_error

from service.common.clock import FrozenClock


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.mark.parametrize("method", [SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256])
async def test_signed_requests_read_and_write_as_the_keys_user(client, ctx, manager, clock, method):
    key = await make_key(ctx, manager.user)
    ts = str(int(clock.now().timestamp()))
    path = oauth_path(
        client, key, "POST", f"{BASE}/products", signature_method=method, timestamp=ts
    )
    resp = await client.post(path, json={"name": "Signed mug", "regular_price": "5"})
    assert resp.status == 201, await resp.text()
    product = await resp.json()
    path = oauth_path(
        client, key, "GET", f"{BASE}/products/{product['id']}?context=edit", timestamp=ts
    )
    resp = await client.get(path)
    assert resp.status == 200
    assert (await resp.json())["name"] == "Signed mug"


async def test_a_wrong_signature_is_refused(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    path = oauth_path(client, key, "GET", f"{BASE}/products", timestamp=_now(clock))
    resp = await client.get(path.replace("oauth_nonce=", "oauth_nonce=x"))
    assert resp.status == 401
    wc_error(await resp.json(), "Invalid signature - provided signature does not match.")


async def test_a_signature_for_another_method_is_refused(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    path = oauth_path(client, key, "GET", f"{BASE}/products", timestamp=_now(clock))
    resp = await client.delete(path)
    wc_error(await resp.json(), "Invalid signature - provided signature does not match.")


async def test_old_and_future_timestamps_are_refused(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    now = int(clock.now().timestamp())
    for stamp in (now - 15 * 60 - 1, now + 15 * 60 + 1):
        resp = await client.get(
            oauth_path(client, key, "GET", f"{BASE}/products", timestamp=str(stamp))
        )
        assert resp.status == 401
        wc_error(await resp.json(), "Invalid timestamp.")
    resp = await client.get(
        oauth_path(client, key, "GET", f"{BASE}/products", timestamp=str(now - 15 * 60))
    )
    assert resp.status == 200


async def test_a_replayed_nonce_is_refused(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    path = oauth_path(client, key, "GET", f"{BASE}/products", timestamp=_now(clock))
    assert (await client.get(path)).status == 200
    resp = await client.get(path)
    assert resp.status == 401
    wc_error(await resp.json(), "Invalid nonce - nonce has already been used.")


async def test_an_unknown_key_is_a_401_even_on_a_public_route(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    path = oauth_path(client, key, "GET", f"{BASE}/shop/products", timestamp=_now(clock))
    resp = await client.get(path.replace(key.consumer_key, "ck_" + "0" * 40))
    assert resp.status == 401
    wc_error(await resp.json(), "Consumer key is invalid.")


async def test_missing_oauth_parameters_are_named(client):
    resp = await client.get(f"{BASE}/shop/products?oauth_consumer_key=ck_x&oauth_nonce=n")
    assert resp.status == 401
    wc_error(
        await resp.json(),
        "Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method",
        code="woocommerce_rest_authentication_missing_parameter",
    )


async def test_an_unsupported_signature_method_is_refused(client, ctx, manager, clock):
    key = await make_key(ctx, manager.user)
    path = oauth_path(client, key, "GET", f"{BASE}/products", timestamp=_now(clock))
    resp = await client.get(path.replace("HMAC-SHA1", "PLAINTEXT"))
    wc_error(await resp.json(), "Invalid signature - signature method is invalid.")


async def test_a_read_key_cannot_write_and_a_write_key_cannot_read(client, ctx, manager, clock):
    reader = await make_key(ctx, manager.user, "read")
    path = oauth_path(client, reader, "POST", f"{BASE}/products", timestamp=_now(clock))
    resp = await client.post(path, json={"name": "Nope"})
    assert resp.status == 401
    wc_error(await resp.json(), "The API key provided does not have write permissions.")
    writer = await make_key(ctx, manager.user, "write")
    resp = await client.get(
        oauth_path(client, writer, "GET", f"{BASE}/products", timestamp=_now(clock))
    )
    wc_error(await resp.json(), "The API key provided does not have read permissions.")


async def test_the_key_has_its_users_capabilities(client, ctx, customer, clock):
    key = await make_key(ctx, customer.user)
    resp = await client.get(
        oauth_path(client, key, "GET", f"{BASE}/products", timestamp=_now(clock))
    )
    assert resp.status == 403
    assert (await resp.json())["code"] == "woocommerce_rest_cannot_view"


async def test_parameters_are_signed_the_woocommerce_way(client, ctx, manager, clock):
    """Query parameters (brackets, spaces, duplicates as the PyPI client sends them)."""
    key = await make_key(ctx, manager.user)
    path = oauth_path(
        client, key, "GET", f"{BASE}/products?search=a+mug&per_page=5", timestamp=_now(clock)
    )
    resp = await client.get(path + "&per_page=5")  # PHP keeps one per_page: the same signature
    assert resp.status == 200, await resp.text()


async def test_a_signature_in_the_authorization_header_is_accepted(client, ctx, manager, clock):
    from oauthlib.oauth1 import Client

    key = await make_key(ctx, manager.user)
    signer = Client(key.consumer_key, client_secret=key.consumer_secret, timestamp=_now(clock))
    url = str(client.make_url(f"{BASE}/products"))
    _, headers, _ = signer.sign(url, http_method="GET")
    resp = await client.get(f"{BASE}/products", headers=headers)
    assert resp.status == 200, await resp.text()


def _now(clock) -> str:
    return str(int(clock.now().timestamp()))
