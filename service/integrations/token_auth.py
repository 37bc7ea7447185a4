"""Authenticating a request with an integration token.

One answer for unknown, revoked, inactive and expired tokens, and for tokens whose
owner is disabled (401 ``invalid_token``: no existence oracle); 403 ``ip_not_allowed``
outside the token's allowlist; 429 after repeated failures from one IP. A successful
use is counted in memory (``service.integrations.usage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import passwords
from service.common import client_ip
from service.common.clock import iso_now
from service.common.errors import ServiceError
from service.integrations import token_cache
from service.integrations.token_rules import looks_like_token
from store import tokens as token_sql

if TYPE_CHECKING:
    from service.app.context import Context


@dataclass(slots=True)
class TokenAuth:
    """The token a request authenticated with, usage already counted. (Not frozen:
    one is made per request, and a frozen dataclass costs five times as much.)"""

    token_id: str
    user_id: int
    user_email: str
    name: str
    integration_type: str
    usage_count: int
    last_used_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.token_id,
            "integration_type": self.integration_type,
            "name": self.name,
            "last_used_at": self.last_used_at,
            "usage_count": self.usage_count,
        }


def invalid_token() -> ServiceError:
    """One answer for unknown, revoked, inactive and expired tokens (no existence oracle)."""
    return ServiceError(
        "invalid_token",
        "Invalid or expired token.",
        401,
        headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
    )


async def authenticate(ctx: Context, secret: str, ip: str | None) -> TokenAuth:
    """The token for ``secret`` if it may be used from ``ip``; counts the use. A token
    seen in the last seconds costs a format check, a digest, a dictionary lookup and
    the counter, and no await (``authenticate_cached``)."""
    return authenticate_cached(ctx, secret, ip) or await _authenticate_read(ctx, secret, ip)


def authenticate_cached(ctx: Context, secret: str, ip: str | None) -> TokenAuth | None:
    """``authenticate`` when the answer needs no await (a cached, usable token); None
    when it does (a store read, or a refusal, which is counted)."""
    ctx.token_failures.check(ip)
    if not looks_like_token(secret):  # first: only then is it ASCII (headers may not be)
        return None
    entry = ctx.token_cache.get(passwords.digest(secret))
    now = iso_now(ctx.clock)
    if entry is None or not entry.usable(now):
        return None
    return _accept(ctx, entry, ip, now)


async def _authenticate_read(ctx: Context, secret: str, ip: str | None) -> TokenAuth:
    entry = await _read(ctx, passwords.digest(secret)) if looks_like_token(secret) else None
    now = iso_now(ctx.clock)
    if entry is None or not entry.usable(now):
        await ctx.token_failures.fail(ip)
        raise invalid_token()
    return _accept(ctx, entry, ip, now)


def _accept(ctx: Context, entry: token_cache.CachedToken, ip: str | None, now: str) -> TokenAuth:
    """The use of a usable ``entry`` from ``ip`` at ``now``, counted; or the refusal by
    address."""
    if entry.allowed_ips and not client_ip.allowed(ip, entry.allowed_ips):
        raise ServiceError(
            "ip_not_allowed", "This token may not be used from your IP address.", 403
        )
    count, last = ctx.usage.record_use(entry.token_id, now, entry.usage_count, entry.last_used_at)
    return TokenAuth(
        entry.token_id,
        entry.user_id,
        entry.user_email,
        entry.name,
        entry.integration_type,
        count,
        last,
    )


async def _read(ctx: Context, digest: str) -> token_cache.CachedToken | None:
    """The token with ``digest`` from the store (cached unless a change overtook the read)."""
    known = ctx.token_cache
    version = known.version
    row = await ctx.usage.consistent(lambda: token_sql.by_digest(ctx.store, digest))
    if row is None:
        return None
    entry = token_cache.CachedToken.from_row(row)
    known.put(digest, entry, version)
    return entry


def require_type(auth: TokenAuth, *types: str) -> None:
    if auth.integration_type not in types:
        raise ServiceError(
            "wrong_integration_type",
            f"This is a {auth.integration_type} token; use a token of type "
            f"{' or '.join(types)} here.",
            403,
        )
