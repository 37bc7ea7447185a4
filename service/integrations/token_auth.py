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
    seen in the last seconds costs a digest, a dictionary lookup and the counter."""
    throttle = ctx.token_failures
    throttle.check(ip)
    tracker = ctx.usage
    entry = None
    if looks_like_token(secret):
        digest = passwords.digest(secret)
        known = ctx.token_cache
        entry = known.get(digest)
        if entry is None:
            version = known.version
            row = await tracker.consistent(lambda: token_sql.by_digest(ctx.store, digest))
            if row is not None:
                entry = token_cache.CachedToken.from_row(row)
                known.put(digest, entry, version)
    now = iso_now(ctx.clock)
    if entry is None or not entry.usable(now):
        await throttle.fail(ip)
        raise invalid_token()
    if not client_ip.allowed(ip, entry.allowed_ips):
        raise ServiceError(
            "ip_not_allowed", "This token may not be used from your IP address.", 403
        )
    tracker.record(entry.token_id, now)
    count, last = tracker.adjust(entry.token_id, entry.usage_count, entry.last_used_at)
    return TokenAuth(
        token_id=entry.token_id,
        user_id=entry.user_id,
        user_email=entry.user_email,
        name=entry.name,
        integration_type=entry.integration_type,
        usage_count=count,
        last_used_at=last,
    )


def require_type(auth: TokenAuth, *types: str) -> None:
    if auth.integration_type not in types:
        raise ServiceError(
            "wrong_integration_type",
            f"This is a {auth.integration_type} token; use a token of type "
            f"{' or '.join(types)} here.",
            403,
        )
