"""Authenticating a request by a WooCommerce API key, as ``WC_REST_Authentication``.

Over HTTPS: ``consumer_key``/``consumer_secret`` in the query, else HTTP Basic
``ck:cs``. Otherwise (and when those are absent): one-legged OAuth 1.0a. The key then
stands for its user, limited by its permission per method (``check_permissions``).
Errors are WooCommerce's code and message, status 401. Deliberate differences, all
stricter: an unknown key is a 401 wherever it is sent (WooCommerce stays silent for an
unknown key over Basic and leaves the answer to the route), and a key and secret sent
in the clear over plain HTTP are refused rather than ignored.

The HTTP layer reads the request into a :class:`KeyRequest`; nothing here knows aiohttp.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import oauth1
from service.accounts.api_key_crypto import SealingKeyError, wc_api_hash
from service.accounts.users import User
from service.common.clock import iso
from service.common.errors import ServiceError
from store import api_keys as key_sql
from store import users as user_sql

if TYPE_CHECKING:
    from service.app.context import Context

log = logging.getLogger("shopkeep.api_keys")

REALM = "api_key"  # counted apart from passwords by GuessThrottle, per key and address
BASIC_REALM = (
    'Basic realm="WooCommerce API. Use a consumer key in the username field and a '
    'consumer secret in the password field."'
)
READ_METHODS = frozenset({"HEAD", "GET"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class KeyRequest:
    https: bool
    http_method: str  # REQUEST_METHOD, what the client signed
    method: str  # after _method / X-HTTP-Method-Override, what the permission is for
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    authorization: str
    basic: tuple[str, str] | None  # a well-formed Basic header, decoded
    base_uris: list[str]  # the URLs the client may have signed, query left out
    ip: str | None


def auth_error(message: str, *, basic: bool = False) -> ServiceError:
    headers = {"WWW-Authenticate": BASIC_REALM} if basic else None
    return ServiceError("woocommerce_rest_authentication_error", message, 401, headers=headers)


def check_permissions(permissions: str, method: str) -> None:
    """WooCommerce's ``check_permissions``: what a key may do, by request method."""
    if method in READ_METHODS:
        if permissions not in ("read", "read_write"):
            raise auth_error("The API key provided does not have read permissions.")
    elif method in WRITE_METHODS:
        if permissions not in ("write", "read_write"):
            raise auth_error("The API key provided does not have write permissions.")
    elif method != "OPTIONS":
        raise auth_error("Unknown request method.")


def _first(pairs: list[tuple[str, str]], name: str) -> str:
    values = [v for k, v in pairs if k == name]
    return values[-1] if values else ""  # PHP: the last one wins


async def authenticate(ctx: Context, req: KeyRequest) -> User | None:
    """The key's user, or None when the request carries no WooCommerce key at all."""
    if req.https:
        user = await _basic(ctx, req)
        if user is not None:
            return user
    else:
        _refuse_cleartext(req)
    return await _oauth(ctx, req)


def _refuse_cleartext(req: KeyRequest) -> None:
    in_query = _first(req.query, "consumer_key") and _first(req.query, "consumer_secret")
    in_basic = req.basic is not None and req.basic[0].startswith("ck_")
    if in_query or in_basic:
        raise auth_error(
            "Consumer keys and secrets are accepted only over HTTPS; over plain HTTP, "
            "sign the request with OAuth 1.0a.",
            basic=True,
        )


async def _basic(ctx: Context, req: KeyRequest) -> User | None:
    key, secret = _first(req.query, "consumer_key"), _first(req.query, "consumer_secret")
    from_query = bool(key and secret)
    if not from_query:
        key, secret = req.basic or ("", "")
    if not (key and secret):
        return None
    if not (from_query or key.startswith("ck_")):
        return None  # a user name and application password: not ours
    attempt = await ctx.guesses.begin(REALM, key, req.ip)
    row = await key_sql.by_consumer_key(ctx.store, wc_api_hash(key))
    if row is None:
        raise auth_error("Consumer key is invalid.", basic=True)
    expected = await _secret(ctx, row)
    if expected is None or not _same(expected, secret):
        raise auth_error("Consumer secret is invalid.", basic=True)
    await ctx.guesses.succeeded(attempt)
    return await _as_user(ctx, row, req.method)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


async def _secret(ctx: Context, row: Any) -> str | None:
    try:
        return await asyncio.to_thread(ctx.api_key_box.open, row["secret_box"], row["consumer_key"])
    except SealingKeyError as exc:
        log.error("API key %d: %s", row["id"], exc)
        return None


async def _oauth(ctx: Context, req: KeyRequest) -> User | None:
    params = oauth1.php_params(req.query)
    params.update(oauth1.php_params(req.form))
    params.update(oauth1.header_params(req.authorization))
    absent = oauth1.missing(params)
    if absent is None:
        return None
    if absent:
        plural = "s" if len(absent) > 1 else ""
        raise ServiceError(
            "woocommerce_rest_authentication_missing_parameter",
            f"Missing OAuth parameter{plural} {', '.join(absent)}",
            401,
        )
    attempt = await ctx.guesses.begin(REALM, params["oauth_consumer_key"], req.ip)
    row = await key_sql.by_consumer_key(ctx.store, wc_api_hash(params["oauth_consumer_key"]))
    if row is None:
        raise auth_error("Consumer key is invalid.")
    if params["oauth_signature_method"] not in oauth1.SIGNERS:
        raise auth_error("Invalid signature - signature method is invalid.")
    secret = await _secret(ctx, row)
    if secret is None or not oauth1.signature_matches(
        req.http_method, req.base_uris, params, secret
    ):
        raise auth_error("Invalid signature - provided signature does not match.")
    await ctx.guesses.succeeded(attempt)
    now = ctx.clock.now().timestamp()
    stamp = params["oauth_timestamp"]
    if not oauth1.timestamp_ok(stamp, now) or not ctx.api_key_nonces.above_floor(
        row["id"], int(stamp)
    ):
        raise auth_error("Invalid timestamp.")
    if not await ctx.api_key_nonces.use(row["id"], params["oauth_nonce"], int(stamp), now):
        raise auth_error("Invalid nonce - nonce has already been used.")
    return await _as_user(ctx, row, req.method)


async def _as_user(ctx: Context, row: Any, method: str) -> User:
    user_row = await user_sql.by_id(ctx.store, row["user_id"])
    if user_row is None or not user_row["is_active"]:
        raise auth_error("Consumer key is invalid.")
    check_permissions(row["permissions"], method)
    ctx.api_key_access.record(row["id"], iso(ctx.clock.now()) or "")
    return User.from_row(user_row)
