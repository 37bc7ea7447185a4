"""Helpers for the WooCommerce API key tests: make a key, sign a request with oauthlib."""

from __future__ import annotations

from urllib.parse import urlsplit

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_QUERY, Client

from service.accounts import api_keys

BASE = "/wp-json/woonoow/v1"


async def make_key(ctx, user, permissions="read_write", description="Shop sync"):
    return await api_keys.create(ctx, user, user.id, description, permissions)


def oauth_path(client, key, method, path, *, signature_method=SIGNATURE_HMAC_SHA1, **kw) -> str:
    """``path`` signed as the official clients sign it: one-legged, in the query."""
    signer = Client(
        key.consumer_key,
        client_secret=key.consumer_secret,
        signature_method=signature_method,
        signature_type=SIGNATURE_TYPE_QUERY,
        **kw,
    )
    url, _, _ = signer.sign(str(client.make_url(path)), http_method=method)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def wc_error(body, message, code="woocommerce_rest_authentication_error"):
    assert body == {"code": code, "message": message, "data": {"status": 401}}, body
