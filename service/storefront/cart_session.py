"""The ``Cart-Token`` header: an HS256 token naming one cart session.

Claims: ``cid`` (the cart's random session key), ``iat``, ``exp`` (48 hours after it
was issued; every cart response issues a fresh one, so an active cart never expires)
and ``iss`` ``woonoow/v1``. It is signed with its own secret, generated once per
installation and kept in ``meta`` (never the user JWTs' secret), so a cart token can
never pass as a login and a login token never as a cart. Time is checked against
``ctx.clock`` so tests can move it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import jwt

if TYPE_CHECKING:
    from service.app.context import Context

ALGORITHM = "HS256"
ISSUER = "woonoow/v1"
TTL = timedelta(hours=48)
HEADER = "Cart-Token"


@dataclass(frozen=True)
class TokenCheck:
    """What a request's Cart-Token said: ``missing``, ``valid``, ``invalid`` or ``expired``."""

    state: str
    session_key: str | None = None

    @property
    def rejected(self) -> bool:
        return self.state in ("invalid", "expired")


def new_session_key() -> str:
    return secrets.token_urlsafe(24)


async def issue(ctx: Context, session_key: str) -> str:
    now = ctx.clock.now()
    claims = {
        "cid": session_key,
        "iat": int(now.timestamp()),
        "exp": int((now + TTL).timestamp()),
        "iss": ISSUER,
    }
    return jwt.encode(claims, ctx.cart_secret, algorithm=ALGORITHM)


async def check(ctx: Context, token: str | None) -> TokenCheck:
    """Never raises: a request with a bad token still gets an answer and a new cart."""
    token = (token or "").strip()
    if not token:
        return TokenCheck("missing")
    if not token.isascii():  # bytes that are not UTF-8 arrive surrogate-escaped
        return TokenCheck("invalid")
    try:
        claims = jwt.decode(
            token,
            ctx.cart_secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["cid", "exp", "iat", "iss"], "verify_exp": False},
        )
    except jwt.PyJWTError:
        return TokenCheck("invalid")
    session_key, exp = claims.get("cid"), claims.get("exp")
    if not isinstance(session_key, str) or not session_key or not isinstance(exp, int):
        return TokenCheck("invalid")
    if exp <= ctx.clock.now().timestamp():
        return TokenCheck("expired", session_key)
    return TokenCheck("valid", session_key)
