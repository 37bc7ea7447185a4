"""Access and refresh JWTs: HS256 pinned, exp/iat/sub/typ required."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeGuard

import jwt

from service.common.clock import Clock
from service.common.errors import ServiceError

ALGORITHM = "HS256"
_VERIFIED_MAX = 10_000


def invalid_token(message: str = "Given token not valid for any token type") -> ServiceError:
    return ServiceError(
        "token_not_valid", message, 401, headers={"WWW-Authenticate": 'Bearer realm="api"'}
    )


@dataclass(frozen=True)
class Claims:
    user_id: int
    token_type: str
    version: int
    exp: int


class JwtCodec:
    def __init__(self, secret: str, clock: Clock, access_ttl_s: int, refresh_ttl_s: int):
        self._secret = secret
        self._clock = clock
        self._ttl = {"access": access_ttl_s, "refresh": refresh_ttl_s}
        self._verified: dict[str, Claims] = {}

    def issue(self, user_id: int, token_type: str, version: int) -> str:
        now = self._clock.now()
        claims = {
            "sub": str(user_id),
            "typ": token_type,
            "ver": version,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self._ttl[token_type])).timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str, token_type: str) -> Claims:
        """Verify a token; a verified token is remembered, its expiry checked every time."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
            self._verified[token] = claims
        if claims.token_type != token_type:
            raise invalid_token(f"Token is not an {token_type} token")
        if claims.exp <= self._clock.timestamp():
            raise invalid_token("Token is expired")
        return claims

    def _verify(self, token: str) -> Claims:
        if not token.isascii():
            raise invalid_token()
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                # exp is checked against our clock below, so tests can move time.
                options={"require": ["exp", "iat", "sub", "typ"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise invalid_token() from exc
        exp, token_type = claims.get("exp"), claims.get("typ")
        user_id, version = _id(claims["sub"]), claims.get("ver", 0)
        if (
            not _is_int(exp)
            or token_type not in self._ttl
            or user_id is None
            or not _is_int(version)
        ):
            raise invalid_token()
        return Claims(user_id, token_type, version, exp)


_ID = re.compile(r"[1-9][0-9]{0,17}")  # a positive id SQLite can bind (below 2**63)
_INT64 = 2**63 - 1


def _id(sub: object) -> int | None:
    """The user id a ``sub`` claim names: we issue it as a string of ASCII digits."""
    if isinstance(sub, str) and _ID.fullmatch(sub):
        return int(sub)
    return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _INT64
